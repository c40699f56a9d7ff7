"""Resampling keeps frequency and level; chunking and offsets do not change the samples."""

import numpy as np
import pytest
import soundfile as sf

from dancekit import audio

from audio_signals import sine


def _peak_hz(y, sr):
    spec = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    k = int(spec.argmax())
    a, b, c = np.log(spec[k - 1 : k + 2])  # parabolic interpolation of the log peak
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / len(y)


def _amplitude(y):
    return float(np.sqrt(2 * np.mean(y.astype(np.float64) ** 2)))


def test_1khz_stereo_44k1_to_22k05_keeps_frequency_and_amplitude(tmp_path):
    left, right = sine(1000, 3.0, 44100, amp=0.5), sine(1000, 3.0, 44100, amp=0.25)
    path = tmp_path / "sine.wav"
    sf.write(path, np.stack([left, right], axis=1), 44100, subtype="FLOAT")
    y = audio.load(path, sr=22050)
    assert y.dtype == np.float32 and len(y) == 3 * 22050
    mid = y[2000:-2000]  # away from the edges' filter transients
    assert _peak_hz(mid, 22050) == pytest.approx(1000.0, abs=0.05)
    assert _amplitude(mid) == pytest.approx(0.375, rel=1e-3)  # mean of the channels: (0.5 + 0.25) / 2
    ideal = sine(1000, 3.0, 22050, amp=0.375)
    assert np.abs(y - ideal)[2000:-2000].max() < 1e-4  # in phase: no delay introduced by the resampler


def test_tone_above_new_nyquist_is_removed(tmp_path):
    path = tmp_path / "high.wav"
    sf.write(path, sine(15000, 2.0, 44100, amp=0.5), 44100, subtype="FLOAT")
    y = audio.load(path, sr=22050)
    assert _amplitude(y[2000:-2000]) < 1e-4  # no aliasing back into the band


def test_8khz_stereo_upsampled(tmp_path):
    path = tmp_path / "phone.wav"
    x = sine(440, 2.0, 8000, amp=0.4)
    sf.write(path, np.stack([x, x], axis=1), 8000, subtype="PCM_16")
    y = audio.load(path, sr=22050)
    assert len(y) == int(np.ceil(16000 * 22050 / 8000))
    assert _peak_hz(y[1000:-1000], 22050) == pytest.approx(440.0, abs=0.05)
    assert _amplitude(y[1000:-1000]) == pytest.approx(0.4, rel=2e-3)
    assert audio.info(path).channels == 2 and audio.info(path).samplerate == 8000


def test_48khz_six_channels(tmp_path):
    path = tmp_path / "surround.wav"
    chans = [sine(440, 2.0, 48000, amp=0.1 * (k + 1)) for k in range(6)]
    sf.write(path, np.stack(chans, axis=1), 48000, subtype="PCM_24")
    i = audio.info(path)
    assert (i.samplerate, i.channels, i.backend) == (48000, 6, "soundfile")
    y = audio.load(path, sr=22050)
    assert len(y) == 2 * 22050
    assert _amplitude(y[1000:-1000]) == pytest.approx(0.35, rel=2e-3)  # mean of 0.1 .. 0.6


def test_half_second_clip(tmp_path):
    path = tmp_path / "short.wav"
    sf.write(path, sine(440, 0.5, 44100), 44100)
    chunks = list(audio.stream(path, sr=22050, chunk_seconds=20.0))
    assert [len(c) for c in chunks] == [11025]
    assert audio.info(path).duration == pytest.approx(0.5)


def test_native_rate_is_untouched(tmp_path):
    path = tmp_path / "native.wav"
    x = sine(440, 1.0, 16000)
    sf.write(path, x, 16000, subtype="FLOAT")
    np.testing.assert_array_equal(audio.load(path, sr=None), x)
    np.testing.assert_array_equal(audio.load(path, sr=16000), x)


@pytest.mark.parametrize("name", ["long.wav", "long.mp3", "long.m4a", "long.webm", "pcm.mkv"])
def test_stream_equals_load_for_any_chunk_size(media_dir, name):
    path = media_dir / name
    ref = audio.load(path, sr=22050)
    for chunk_seconds in (0.01, 1.0, 3.7, 20.0, 1000.0):
        chunks = list(audio.stream(path, sr=22050, chunk_seconds=chunk_seconds))
        n = max(1, round(chunk_seconds * 22050))
        assert all(len(c) == n for c in chunks[:-1]) and 0 < len(chunks[-1]) <= n
        assert np.abs(np.concatenate(chunks) - ref).max() <= 1e-6


@pytest.mark.parametrize("name", ["long.wav", "long.mp3", "long.m4a", "long.webm"])
def test_offset_and_duration_match_a_slice_of_the_whole(media_dir, name):
    path = media_dir / name
    full = audio.load(path, sr=22050)
    for offset, duration in [(0.0, 1.0), (0.3, 2.0), (12.5, 3.0), (35.2, 2.5)]:  # 35 s: the seek path
        y = audio.load(path, sr=22050, offset=offset, duration=duration)
        start = round(offset * 22050)
        assert len(y) == round(duration * 22050)
        # decoders restart cleanly after a seek (AAC to ~1e-5); the resampler is pre-rolled to be exact
        assert np.abs(y - full[start : start + len(y)]).max() < 1e-4
    tail = audio.load(path, sr=22050, offset=38.0)
    assert len(tail) == len(full) - round(38.0 * 22050)
    assert len(audio.load(path, sr=22050, offset=1000.0)) == 0  # past the end: nothing, not an error


def test_bad_arguments(media_dir):
    path = media_dir / "tone.m4a"
    for kwargs in ({"sr": 0}, {"sr": 22050.5}, {"offset": -1.0}, {"duration": -2.0}):
        with pytest.raises(ValueError):
            audio.load(path, **kwargs)
    with pytest.raises(ValueError):
        audio.stream(path, chunk_seconds=0)


def test_ffmpeg_seek_path_is_taken_and_exact(media_dir, monkeypatch):
    from dancekit.audio import _ffmpeg

    taken = []
    original = _ffmpeg.FfmpegReader._seek

    def spy(self, start):
        result = original(self, start)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(_ffmpeg.FfmpegReader, "_seek", spy)
    full = audio.load(media_dir / "long.m4a", sr=None)
    y = audio.load(media_dir / "long.m4a", sr=None, offset=33.0, duration=2.0)
    assert taken == [True]  # mp4 has sample-exact timestamps: seeked, not decoded from the top
    assert np.abs(y - full[33 * 44100 : 35 * 44100]).max() < 1e-4
    taken.clear()
    audio.load(media_dir / "long.webm", sr=None, offset=33.0, duration=2.0)
    assert taken == [False]  # WebM's millisecond timestamps: decoded from the top instead
