"""Tiny datasets in the public layouts the evaluation tables read, with generated audio."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 8000


def write_tone(path: Path, seed: int, seconds: float = 0.5, fmt: str = "WAV") -> Path:
    """A noisy tone whose pitch depends on ``seed``; ``fmt`` WAV under an .mp3 name is enough for listing."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    wave = 0.3 * np.sin(2 * np.pi * (150 + 80 * (seed % 10)) * t) + 0.02 * rng.standard_normal(t.size)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, wave.astype(np.float32), SR, format=fmt)
    return path


def make_gtzan(root: Path, genres=("blues", "jazz"), per_genre: int = 3) -> Path:
    """``root/genres/<genre>/<genre>.000NN.wav``."""
    for g, genre in enumerate(genres):
        for n in range(per_genre):
            write_tone(root / "genres" / genre / f"{genre}.{n:05d}.wav", seed=g)
    return root


def make_ballroom(root: Path, per_folder: int = 2) -> Path:
    """``root/BallroomData/<Folder>/<name>.wav`` for three folders, two of them Rumba folders."""
    for f, folder in enumerate(("ChaChaCha", "Rumba-American", "Rumba-Misc", "Waltz")):
        for n in range(per_folder):
            write_tone(root / "BallroomData" / folder / f"Media-10{f}{n:02d}.wav", seed=f)
    return root


#: genre -> (id, artist); Salsa is dropped by paper 1's mapping; one artist ("Shared") has two tracks.
EB_TRACKS = {
    "Chacha": [("100", "A0"), ("101", "A1"), ("102", "A2"), ("103", "Shared")],
    "Jive": [("200", "B0"), ("201", "B1"), ("202", "B2"), ("203", "B3")],
    "Waltz": [("300", "C0"), ("301", "C1"), ("302", "Shared")],
    "Slowwaltz": [("400", "D0"), ("401", "D1"), ("402", "D2"), ("403", "D3")],
    "Salsa": [("500", "E0"), ("501", "E1")],
    "Samba": [("600", "F0"), ("601", "F1"), ("602", "F2")],
}


def make_extended_ballroom(root: Path, published_folds: bool = False) -> Path:
    """``root/<Genre>/<id>.mp3`` and ``extendedballroom_v1.1.xml``; with ``published_folds`` also the
    ``f<i>_train.txt`` / ``f<i>_test.txt`` lists (fold i tests every tenth track)."""
    xml = ET.Element("ballroom")
    for genre, tracks in EB_TRACKS.items():
        node = ET.SubElement(xml, genre)
        for track_id, artist in tracks:
            ET.SubElement(node, "song", {"id": track_id, "artist": artist, "title": "t", "album": "a",
                                         "bpm": "120", "hash": "0" * 32})
            write_tone(root / genre / f"{track_id}.mp3", seed=int(track_id) // 100)
    root.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(xml).write(root / "extendedballroom_v1.1.xml", encoding="utf-8")
    if published_folds:
        ids = sorted(f"{genre}/{t}.mp3" for genre, tracks in EB_TRACKS.items() for t, _ in tracks)
        for i in range(1, 11):
            test = ids[i - 1::10]
            (root / f"f{i}_test.txt").write_text("\n".join(test) + "\n")
            (root / f"f{i}_train.txt").write_text("\n".join(x for x in ids if x not in test) + "\n")
    return root


def make_tang(root: Path, per_dance: int = 3) -> Path:
    """``root/DANCE_<C|W>_<n>/audio.mp3``."""
    for letter in ("C", "W"):
        for n in range(1, per_dance + 1):
            write_tone(root / f"DANCE_{letter}_{n}" / "audio.mp3", seed=ord(letter))
    return root


def make_folders(root: Path, classes=("fast", "slow"), per_class: int = 3) -> Path:
    """``root/<class>/<n>.flac``."""
    for c, name in enumerate(classes):
        for n in range(per_class):
            write_tone(root / name / f"{n}.flac", seed=c, fmt="FLAC")
    return root


def run_cli(argv):
    """Dispatch as ``dancekit.cli.main`` does: ``args.func(args)``, a DancekitError is one line + its exit code."""
    import argparse

    from dancekit.errors import DancekitError
    from dancekit.evaluation.cli import add_parser

    parser = argparse.ArgumentParser(prog="dancekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DancekitError as err:
        print(f"error: {err}")
        return err.exit_code
