"""Bad input gives one-line errors from dancekit.errors, never a decoder's traceback."""

import io

import numpy as np
import pytest
import soundfile as sf

from dancekit import audio
from dancekit.errors import AudioError, DecodeError, EmptyAudioError, NoAudioStreamError, NotAudioError

from audio_signals import one_line


def test_missing_file(tmp_path):
    with pytest.raises(audio.MissingFileError) as e:
        audio.load(tmp_path / "nope.mp3")
    assert isinstance(e.value, AudioError) and isinstance(e.value, FileNotFoundError)
    one_line(e.value, "nope.mp3")
    with pytest.raises(audio.MissingFileError):
        audio.stream(tmp_path / "nope.mp3")  # raised at the call, not at the first chunk


def test_empty_file(tmp_path):
    (tmp_path / "x.wav").write_bytes(b"")
    with pytest.raises(EmptyAudioError) as e:
        audio.load(tmp_path / "x.wav")
    assert one_line(e.value, "x.wav") == "empty file: x.wav"
    with pytest.raises(EmptyAudioError, match="^empty file: <bytes>$"):
        audio.load(b"")
    with pytest.raises(EmptyAudioError, match="^empty file: <stream>$"):
        audio.load(io.BytesIO())


def test_zero_sample_wav(tmp_path):
    sf.write(tmp_path / "x.wav", np.zeros((0, 2)), 44100)
    with pytest.raises(EmptyAudioError) as e:
        audio.load(tmp_path / "x.wav")
    assert one_line(e.value, "x.wav") == "no audio samples in x.wav"


@pytest.mark.parametrize("name", ["notes.mp3", "notes.txt", "notes.wav"])
def test_text_file(tmp_path, name):
    (tmp_path / name).write_text("shopping list\neggs\nmilk\n" * 20)
    with pytest.raises(NotAudioError) as e:
        audio.load(tmp_path / name)
    assert one_line(e.value, name) == f"not an audio file: {name}"
    with pytest.raises(NotAudioError, match="^not an audio file: <bytes>$"):
        audio.info((tmp_path / name).read_bytes())


def test_picture_and_directory(tmp_path, ffmpeg):
    pic = ffmpeg(tmp_path / "photo.jpg", "-f", "lavfi", "-i", "testsrc=size=64x64", "-frames:v", "1")
    with pytest.raises(NotAudioError, match=r"^not an audio file: photo.jpg \(a picture\)$"):
        audio.load(pic)
    with pytest.raises(NotAudioError):
        audio.load(tmp_path)


def test_video_without_audio(media_dir):
    with pytest.raises(NoAudioStreamError) as e:
        audio.load(media_dir / "silent_video.mp4")
    assert one_line(e.value, "silent_video.mp4") == "no audio stream in silent_video.mp4"


def test_truncated_mp3_decodes_what_is_there(media_dir, tmp_path):
    data = (media_dir / "tone.mp3").read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(data[: int(len(data) * 0.4)])
    full = audio.load(media_dir / "tone.mp3")
    y = audio.load(cut)
    assert 3.5 < len(y) / 22050 < 4.5  # ~40 % of 10 s
    # identical to the start of the intact file except the last, cut, mp3 frame (and resampler tail)
    assert np.abs(y[: len(y) - 2048] - full[: len(y) - 2048]).max() < 1e-6
    assert sum(len(c) for c in audio.stream(cut)) == len(y)


def test_truncated_to_the_header(media_dir, tmp_path):
    cut = tmp_path / "stub.mp3"
    cut.write_bytes((media_dir / "tone.mp3").read_bytes()[:300])
    with pytest.raises((EmptyAudioError, DecodeError)) as e:
        audio.load(cut)
    one_line(e.value, "stub.mp3")


def test_truncated_m4a_is_a_decode_error(media_dir, tmp_path):
    cut = tmp_path / "cut.m4a"
    cut.write_bytes((media_dir / "tone.m4a").read_bytes()[:2000])  # the index (moov) is at the end: gone
    with pytest.raises(DecodeError) as e:
        audio.load(cut)
    assert one_line(e.value, "cut.m4a").startswith("could not decode cut.m4a: ")


def test_every_error_is_an_audio_error_with_exit_code(tmp_path):
    (tmp_path / "a.mp3").write_bytes(b"\x00" * 10)
    with pytest.raises(AudioError) as e:
        audio.load(tmp_path / "a.mp3")
    assert e.value.exit_code == 3


@pytest.mark.parametrize("name", ["long.mp3", "long.m4a"])
def test_damaged_middle_skips_the_damage(media_dir, name, caplog):
    data = bytearray((media_dir / name).read_bytes())
    rng = np.random.default_rng(0)
    for at in (0.3, 0.5, 0.7):
        i = int(len(data) * at)
        data[i : i + 400] = rng.integers(0, 256, 400, dtype=np.uint8).tobytes()
    y = audio.load(bytes(data))
    assert len(y) / 22050 == pytest.approx(40.0, abs=1.0)  # nearly everything, not a crash
