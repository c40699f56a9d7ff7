"""Path, bytes, file object and pipe give the same samples."""

import io
from pathlib import Path

import numpy as np
import pytest

from dancekit import audio


class Pipe(io.RawIOBase):
    """A non-seekable binary stream, like stdin or a socket."""

    def __init__(self, data: bytes):
        self._buf = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, b):
        chunk = self._buf.read(min(len(b), 1000))
        b[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("name", ["tone.mp3", "tone.m4a", "tone.opus", "long.wav"])
def test_path_bytes_fileobj_pipe_identical(media_dir, name):
    path = media_dir / name
    data = path.read_bytes()
    ref = audio.load(path)
    assert len(ref) > 0
    for source in (str(path), data, bytearray(data), io.BytesIO(data), Pipe(data)):
        np.testing.assert_array_equal(audio.load(source), ref)
    with open(path, "rb") as f:
        f.read(100)  # a file object is read from its start, wherever it stands
        np.testing.assert_array_equal(audio.load(f), ref)
        assert audio.info(f).backend == audio.info(path).backend


def test_text_mode_file_is_a_type_error(media_dir):
    with open(media_dir / "tone.mp3", encoding="latin-1") as f, pytest.raises(TypeError, match="binary"):
        audio.load(f)


def test_unsupported_type():
    with pytest.raises(TypeError):
        audio.load(12345)


def test_pathlike_and_str_agree(media_dir):
    np.testing.assert_array_equal(audio.load(Path(media_dir / "tone.m4a")), audio.load(str(media_dir / "tone.m4a")))
