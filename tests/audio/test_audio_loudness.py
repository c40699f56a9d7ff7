"""Near-silence detection: what inference turns into "no music detected"."""

import numpy as np
import pytest

from dancekit import audio
from dancekit.audio import loudness

from audio_signals import sine


def test_rms_dbfs_reference_levels():
    assert loudness.rms_dbfs(np.ones(1000, np.float32)) == pytest.approx(0.0)
    assert loudness.rms_dbfs(sine(1000, 1.0, 22050, amp=1.0)) == pytest.approx(-3.01, abs=0.01)
    assert loudness.rms_dbfs(np.zeros(100, np.float32)) == loudness.SILENCE_FLOOR_DBFS
    assert loudness.rms_dbfs(np.zeros(0, np.float32)) == loudness.SILENCE_FLOOR_DBFS


def test_all_zero_audio_loads_and_is_silent(tmp_path):
    import soundfile as sf

    sf.write(tmp_path / "zeros.wav", np.zeros((44100 * 3, 2)), 44100)
    y = audio.load(tmp_path / "zeros.wav")
    assert len(y) == 3 * 22050 and not y.any()
    assert audio.is_near_silent(y)


def test_quiet_noise_is_silent_louder_noise_is_not():
    rng = np.random.default_rng(1)
    noise = rng.standard_normal(22050 * 10).astype(np.float32)
    assert audio.is_near_silent(noise * 10 ** (-70 / 20))  # -70 dBFS hiss
    assert audio.is_near_silent(noise * 10 ** (-58 / 20))
    assert not audio.is_near_silent(noise * 10 ** (-50 / 20))


def test_a_click_in_silence_is_still_silence():
    x = np.zeros(22050 * 30, np.float32)
    x[100_000:100_000 + 22050] = sine(1000, 1.0, 22050, amp=0.9)  # 1 s of 30: 3 % of the frames
    assert loudness.rms_dbfs(x) > -25  # the global RMS alone would call this music
    assert audio.is_near_silent(x)


def test_empty_is_silent():
    assert audio.is_near_silent(np.zeros(0, np.float32))


def test_real_music_is_not_silent_even_20db_down(shared_data):
    for path in sorted((shared_data / "cc_music").glob("*.ogg"))[:4]:
        y = audio.load(path, duration=30.0)
        assert not audio.is_near_silent(y), path.name
        assert not audio.is_near_silent(y * 0.1), path.name


def test_frame_levels_shape():
    assert loudness.frame_rms_dbfs(np.ones(5000, np.float32), frame_length=2048).shape == (3,)
    assert loudness.active_fraction(np.ones(5000, np.float32)) == 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sum_of_squares_is_the_float64_energy_of_any_float_samples(dtype):
    x = np.random.default_rng(3).uniform(-1, 1, 100_003).astype(dtype)
    want = float(np.sum(x.astype(np.float64) ** 2))
    assert loudness.sum_of_squares(x) == pytest.approx(want, rel=1e-12)
    assert loudness.sum_of_squares(np.zeros(0, dtype)) == 0.0

