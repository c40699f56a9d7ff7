"""Scan fixtures: a small generated library of toy dances (WAV), and the ffmpeg CLI for tagged formats."""

from pathlib import Path

import pytest
import soundfile as sf

from toy_audio import SR, toy_recording


def write_library(folder: Path, count: int, seconds: float = 8.0) -> list[Path]:
    """``count`` toy recordings as WAV files in two sub-folders; returns their paths."""
    paths = []
    for i in range(count):
        path = folder / ("waltz" if i % 2 == 0 else "jive") / f"song{i:03d}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, toy_recording(i % 2, seconds, seed=100 + i), SR)
        paths.append(path)
    return paths


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
