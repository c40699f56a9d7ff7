"""Real recordings from the shared data: rate, dtype, length against soundfile / ffmpeg's own numbers."""

import json
import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf

from dancekit import audio

SR = 22050


def _ffmpeg_native_samples(path) -> int:
    """How many mono samples the ffmpeg CLI decodes (no resampling): the reference for mp3 lengths."""
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-ac", "1", "-f", "f32le", "-"],
                         check=True, capture_output=True).stdout
    return len(raw) // 4


def _ffprobe_duration(path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return float(json.loads(out)["format"]["duration"])


def test_cc_music_ogg(shared_data):
    files = sorted((shared_data / "cc_music").glob("*.ogg"))
    assert files, "no cc_music clips"
    for path in files[:3]:
        y = audio.load(path, sr=SR)
        assert y.dtype == np.float32 and y.ndim == 1 and y.flags.c_contiguous
        expected = sf.info(str(path)).frames * SR / sf.info(str(path)).samplerate
        assert abs(len(y) - expected) <= 1
        assert 0.01 < np.abs(y).max() <= 1.0
        assert not audio.is_near_silent(y)


def test_ballroom_flac_matches_librosa(shared_data):
    librosa = pytest.importorskip("librosa")
    path = shared_data / "ballroom_sample" / "Waltz_Media-105901.flac"
    y = audio.load(path, sr=SR)
    ref, _ = librosa.load(path, sr=SR, res_type="soxr_hq")  # same decoder, downmix and resampler quality
    assert len(y) == len(ref)
    assert np.abs(y - ref).max() < 1e-5
    i = audio.info(path)
    assert (i.format, i.backend) == ("flac", "soundfile")
    assert i.duration == pytest.approx(sf.info(str(path)).duration)


def test_tang_mp3_length_matches_ffmpeg(shared_data):
    if shutil.which("ffprobe") is None:
        pytest.skip("ffmpeg CLI not installed")
    path = shared_data / "tang_dance" / "DANCE_W_1" / "audio.mp3"
    native = audio.load(path, sr=None)
    assert len(native) == _ffmpeg_native_samples(path)  # gapless: encoder delay removed as ffmpeg does
    y = audio.load(path, sr=SR)
    assert audio.info(path).samplerate == 22050
    assert len(y) / SR == pytest.approx(_ffprobe_duration(path), abs=0.1)
    assert not audio.is_near_silent(y)
