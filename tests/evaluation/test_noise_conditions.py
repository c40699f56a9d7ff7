"""The paper's listening conditions: noise at the named SNR, clean left alone, unknown names refused."""

import numpy as np
import pytest

from dancekit.evaluation.noise_conditions import CONDITIONS, ConditionError, condition_audio, parse_condition

Y = (0.3 * np.sin(2 * np.pi * 220 * np.arange(32000) / 16000)).astype(np.float32)


def _snr(noisy):
    return 10 * np.log10(np.mean(Y**2) / np.mean((noisy - Y) ** 2))


@pytest.mark.parametrize("condition", ["white20", "claps20", "crowd20", "white5", "crowd"])
def test_noise_is_mixed_in_at_the_named_snr(condition):
    expected = float(condition.lstrip("abcdefghijklmnopqrstuvwxyz") or 20)
    assert _snr(condition_audio(Y, condition, np.random.default_rng(0))) == pytest.approx(expected, abs=0.01)


def test_clean_is_the_music_itself_and_the_noise_follows_the_seed():
    assert condition_audio(Y, "clean", np.random.default_rng(0)) is Y
    a = condition_audio(Y, "claps20", np.random.default_rng(3))
    assert np.array_equal(a, condition_audio(Y, "claps20", np.random.default_rng(3)))
    assert not np.array_equal(a, condition_audio(Y, "claps20", np.random.default_rng(4)))


def test_condition_names_parse_and_bad_ones_are_refused():
    assert [parse_condition(c) for c in CONDITIONS] == [(None, None), ("white", 20.0), ("claps", 20.0),
                                                        ("crowd", 20.0)]
    for bad in ("rain20", "white1.2.3", "20"):
        with pytest.raises(ConditionError, match="unknown condition"):
            condition_audio(Y, bad, np.random.default_rng(0))
