import numpy as np
import pytest

from dancekit.audio import is_near_silent
from dancekit.inference.activity import ActivityMeter

SR = 22050


def _meter(x, chunk=1000):
    meter = ActivityMeter()
    for i in range(0, len(x), chunk):
        meter.update(x[i : i + chunk])
    return meter


def test_digital_silence_and_faint_noise_are_silent():
    assert _meter(np.zeros(SR * 5, np.float32)).is_silent()
    faint = (np.random.default_rng(0).standard_normal(SR * 5) * 10 ** (-70 / 20)).astype(np.float32)
    assert _meter(faint).is_silent()


def test_music_level_signal_is_not_silent_even_with_pauses():
    t = np.arange(SR * 5) / SR
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    tone[: SR * 3] = 0  # three seconds of silence, then two of music
    meter = _meter(tone)
    assert not meter.is_silent()
    assert -20 < meter.level_dbfs() < -10


@pytest.mark.parametrize("chunk", [333, 2048, 100000])
def test_streaming_verdict_equals_whole_signal_verdict(chunk):
    rng = np.random.default_rng(2)
    for level_db in (-80, -60, -57, -50, -20):
        x = (rng.standard_normal(SR * 3) * 10 ** (level_db / 20)).astype(np.float32)
        x[: SR * 2] = 0
        assert _meter(x, chunk).is_silent() == is_near_silent(x), level_db


@pytest.mark.parametrize("chunk", [333, 4096])
def test_music_band_verdict_streams_like_the_whole_signal(chunk):
    rng = np.random.default_rng(3)
    t = np.arange(SR * 3) / SR
    for x in (np.full(SR * 3, 0.5, np.float32), (0.9 * np.sin(2 * np.pi * 5 * t)).astype(np.float32),
              (rng.standard_normal(SR * 3) * 0.01).astype(np.float32)):
        meter = ActivityMeter(sr=SR)
        for i in range(0, len(x), chunk):
            meter.update(x[i : i + chunk])
        assert meter.is_silent() == is_near_silent(x, sr=SR)
    assert is_near_silent(np.full(SR * 3, 0.5, np.float32), sr=SR)  # a DC offset is loud, not music
    assert not is_near_silent(np.full(SR * 3, 0.5, np.float32))  # without a rate, levels are plain
    assert not is_near_silent((rng.standard_normal(SR * 3) * 0.01).astype(np.float32), sr=SR)
