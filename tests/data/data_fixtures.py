"""Small datasets written in their public layouts, with generated audio (no committed binaries)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 8000


def tone(seed: int, seconds: float = 0.2, sr: int = SR) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * np.sin(2 * np.pi * rng.uniform(100, 1000) * t)).astype(np.float32)


def write_audio(path: Path, seed: int = 0, seconds: float = 0.2, fmt: str | None = None) -> Path:
    """A short tone at ``path``; the format follows the suffix (wav, flac, au) unless ``fmt`` says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, tone(seed, seconds), SR, format=fmt or path.suffix[1:].upper())
    return path


def write_eb_xml(path: Path, songs: dict[str, list[dict]]) -> Path:
    """An Extended Ballroom XML built like v1.1: ``<ballroom><Genre><song .../>`` with link children."""
    root = ET.Element("ballroom")
    for genre, entries in songs.items():
        node = ET.SubElement(root, genre)
        for entry in entries:
            links = entry.get("links", ())
            attrs = {"album": entry.get("album", "Album"), "artist": entry.get("artist", "Artist"),
                     "bpm": str(entry.get("bpm", 120)), "id": entry["id"], "title": entry.get("title", "Title"),
                     "hash": entry.get("hash", "0" * 32)}
            song = ET.SubElement(node, "song", attrs)
            for kind, other in links:
                ET.SubElement(song, kind, {"id": other})
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8")
    return path
