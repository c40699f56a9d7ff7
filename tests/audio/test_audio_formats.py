"""Formats only ffmpeg reads (m4a/aac, opus/webm, video soundtracks) and their metadata."""

import numpy as np
import pytest

from dancekit import audio


@pytest.mark.parametrize(
    "name, rate, backend",
    [("tone.m4a", 44100, "ffmpeg"), ("tone.webm", 48000, "ffmpeg"), ("tone.opus", 48000, "soundfile"),
     ("video.mp4", 44100, "ffmpeg"), ("tone.mp3", 44100, "ffmpeg"), ("pcm.mkv", 44100, "ffmpeg")],
)
def test_decodes(media_dir, name, rate, backend):
    path = media_dir / name
    i = audio.info(path)
    assert (i.samplerate, i.backend) == (rate, backend)
    y = audio.load(path, sr=22050)
    assert y.dtype == np.float32
    assert len(y) / 22050 == pytest.approx(i.duration, abs=0.05)
    spec = np.abs(np.fft.rfft(y[4096:4096 + 22050]))
    assert spec.argmax() == pytest.approx(440, abs=1)  # 1 Hz bins: the 440 Hz tone survived


def test_info_fields(media_dir):
    i = audio.info(media_dir / "video.mp4")
    assert i.codec == "aac" and "mp4" in i.format and i.channels == 1
    assert audio.info(media_dir / "tone.mp3").channels == 2
    assert audio.info(media_dir / "long.wav") == audio.AudioInfo(40.0, 44100, 2, "wav", "pcm_16", "soundfile")
