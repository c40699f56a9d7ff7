"""One audio path: arrays through ``load``/``stream`` as files go, raw PCM bytes, the one resampler."""

import numpy as np
import pytest
import soundfile as sf

from dancekit import audio
from dancekit.errors import TooLongError, UnsupportedAudioError

from audio_signals import sine


def test_an_array_loads_as_the_same_samples_in_a_file_do(tmp_path):
    stereo = np.stack([sine(440, 2.0, 44100, amp=0.5), sine(660, 2.0, 44100, amp=0.25)], axis=1)
    path = tmp_path / "two.wav"
    sf.write(path, stereo, 44100, subtype="FLOAT")
    from_file = audio.load(path, sr=22050, offset=0.5, duration=1.0)
    from_array = audio.load(stereo, sr=22050, sample_rate=44100, offset=0.5, duration=1.0)
    assert from_array.dtype == np.float32 and len(from_array) == len(from_file) == 22050
    # the decoder resamples in blocks, the array path at once: the same filter, so equal to float rounding
    np.testing.assert_allclose(from_array, from_file, atol=1e-5)
    # channels on the shorter axis, either way round
    np.testing.assert_array_equal(audio.load(stereo.T, sr=22050, sample_rate=44100), audio.load(stereo, sr=22050, sample_rate=44100))


def test_stream_of_an_array_equals_load_in_any_chunks():
    y = np.random.default_rng(1).standard_normal(3 * 48000).astype(np.float32) * 0.1
    whole = audio.load(y, sr=22050, sample_rate=48000)
    chunks = list(audio.stream(y, sr=22050, chunk_seconds=0.7, sample_rate=48000))
    assert {len(c) for c in chunks[:-1]} == {round(0.7 * 22050)}
    np.testing.assert_array_equal(np.concatenate(chunks), whole)


def test_an_array_needs_a_plausible_rate_and_respects_max_duration():
    y = np.zeros(8000 * 10, np.float32)
    with pytest.raises(ValueError, match="needs its sample_rate"):
        audio.load(y)
    with pytest.raises(UnsupportedAudioError, match="implausible sample rate"):
        audio.load(y, sample_rate=1)
    with pytest.raises(TooLongError, match=r"0:10 long \(limit 0:05\)"):
        audio.load(y, sample_rate=8000, max_duration=5)
    assert len(audio.load(y, sr=None, sample_rate=8000, max_duration=20)) == y.size


def test_s16le_bytes_are_scaled_from_full_scale_as_integer_files_are():
    ints = np.array([-32768, -16384, 0, 1, 16384, 32767], dtype="<i2")
    got = audio.decode_pcm(ints.tobytes(), "s16le")
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.array([-1.0, -0.5, 0.0, 1 / 32768, 0.5, 32767 / 32768], np.float32))
    np.testing.assert_array_equal(got, audio.to_mono(ints))  # the same rule as an int16 array


def test_f32le_bytes_pass_through_and_bad_bytes_are_refused():
    floats = np.array([0.25, -1.5, np.nan], dtype="<f4")
    np.testing.assert_array_equal(audio.decode_pcm(floats.tobytes(), "f32le"), floats)
    with pytest.raises(ValueError, match="whole number"):
        audio.decode_pcm(b"\x00\x01\x02", "s16le")
    with pytest.raises(ValueError, match="sample format"):
        audio.decode_pcm(b"\x00\x00", "u8")


def test_stream_resampler_equals_resampling_the_whole():
    y = sine(1000, 2.0, 48000, amp=0.5)
    whole = audio.resample(y, 48000, 22050)
    resampler = audio.StreamResampler(48000, 22050)
    pieces = [resampler.push(y[i : i + 3000]) for i in range(0, len(y), 3000)] + [resampler.flush()]
    streamed = np.concatenate(pieces)
    assert len(streamed) == len(whole) == 2 * 22050
    np.testing.assert_allclose(streamed, whole, atol=1e-5)
    same = audio.StreamResampler(22050, 22050)
    assert same.push(whole) is whole and same.flush().size == 0
