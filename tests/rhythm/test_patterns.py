import numpy as np

from dancekit.rhythm.onsets import HOP_LENGTH, SR, mel_db
from dancekit.rhythm.patterns import N_BANDS, PATTERN_SIZE, SUBDIVISIONS, beat_grid_profiles, rhythm_pattern

from click_tracks import click_track


def _pattern(bpm, hats, gain=1.0):
    y = click_track(bpm, hat_positions=hats) * gain
    beats = np.arange(0.0, 20.0, 60.0 / bpm) * SR / HOP_LENGTH
    return rhythm_pattern(mel_db(y), beats, SR, HOP_LENGTH).reshape(N_BANDS, -1)


def test_profiles_resample_each_beat_onto_the_same_grid():
    env = np.arange(100.0)[None, :]
    prof = beat_grid_profiles(env, np.array([0.0, 12.0, 36.0]))
    assert prof.shape == (2, 1, SUBDIVISIONS)
    np.testing.assert_allclose(prof[0, 0], np.arange(12.0))
    np.testing.assert_allclose(prof[1, 0], 12.0 + 2 * np.arange(12.0))


def test_straight_and_swung_hihats_peak_at_their_own_subdivision():
    straight = _pattern(110, (0.5,))[3, :SUBDIVISIONS]   # high band, one-beat profile
    swung = _pattern(110, (2 / 3,))[3, :SUBDIVISIONS]
    assert np.argmax(straight[2:]) + 2 == 6
    assert np.argmax(swung[2:]) + 2 == 8


def test_pattern_ignores_loudness_and_tempo():
    a = _pattern(100, (0.5,))
    np.testing.assert_allclose(_pattern(100, (0.5,), gain=0.2), a, atol=0.1)
    b = _pattern(125, (0.5,))
    # at quarter-beat resolution (finer steps meet the 23 ms frames) the profiles agree
    quarters = lambda p: p[:, :SUBDIVISIONS].reshape(N_BANDS, 4, -1).sum(axis=2)  # noqa: E731
    assert np.abs(quarters(a) - quarters(b)).max() < 0.1


def test_too_few_beats_give_zeros_of_the_right_size():
    out = rhythm_pattern(mel_db(click_track(100, seconds=3)), np.array([0.0, 20.0]), SR, HOP_LENGTH)
    assert out.shape == (PATTERN_SIZE,) and not out.any()
