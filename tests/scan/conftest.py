"""Scan fixtures: a small generated library of toy dances (WAV), and the ffmpeg CLI for tagged formats."""

import pytest

from toy_audio import write_library


@pytest.fixture
def library(tmp_path):
    """Six toy recordings, a cover picture, a text file and a hidden file, as a folder."""
    root = tmp_path / "library"
    write_library(root, 6)
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    (root / "notes.txt").write_text("played on Friday")
    (root / ".hidden.wav").write_bytes(b"RIFF")
    return root


@pytest.fixture(scope="session")
def tagged_formats(tmp_path_factory, ffmpeg):
    """Two seconds of a tone in every format the tag writer knows: {ending: path}."""
    folder = tmp_path_factory.mktemp("formats")
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=44100"]
    return {ext: ffmpeg(folder / f"tone.{ext}", *tone) for ext in ("mp3", "flac", "ogg", "opus", "m4a", "wav")}
