"""A tiny generated Tang dance folder (same layout as the real set) for end-to-end runs of the step recipe.

Each song: ``audio.wav`` (a click track, low accent on every bar's downbeat), ``config.json`` (the
danced span in 25 fps frames) and ``skeletons.json.gz`` (a swaying figure on the Tang skeleton made
by forward kinematics, so every bone is exact). Per dance in sorted order the split is test, val, train.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent / "motion"))
from motion_fixtures import swaying_clip  # noqa: E402

SR = 22050
TANG_FPS = 25


def click_track(seconds: float, bpm: float, beats_per_bar: int = 3, seed: int = 0) -> np.ndarray:
    """Decaying tones on every beat, a low accented one on each downbeat, in faint noise."""
    rng = np.random.default_rng(seed)
    y = 0.01 * rng.standard_normal(int(seconds * SR))
    t = np.arange(int(0.2 * SR)) / SR
    for i, start in enumerate(np.arange(0.3, seconds - 0.3, 60.0 / bpm)):
        low = i % beats_per_bar == 0
        hit = np.sin(2 * np.pi * (110 if low else 440) * t) * np.exp(-15 * t) * (0.8 if low else 0.4)
        s = int(start * SR)
        y[s:s + len(hit)] += hit[: len(y) - s]
    return (0.5 * y / np.abs(y).max()).astype(np.float32)


def write_tang_song(root: Path, name: str, seconds: float = 12.0, start_s: float = 1.0, seed: int = 0) -> Path:
    """One ``DANCE_<letter>_<n>`` folder with audio, config and motion; returns the folder."""
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    frames = int(seconds * TANG_FPS)
    clip = swaying_clip(frames, float(TANG_FPS), seed=seed, turn_deg_per_s=20.0)
    with gzip.open(folder / "skeletons.json.gz", "wt") as f:
        json.dump({"length": frames, "center": clip.root.tolist(), "skeletons": clip.joints.tolist()}, f)
    start = int(start_s * TANG_FPS)
    (folder / "config.json").write_text(json.dumps({"start_position": start, "end_position": start + frames}))
    sf.write(folder / "audio.wav", click_track(start_s + seconds + 1.0, 120.0, seed=seed), SR)
    return folder


def write_tang_folder(root: Path, songs=("DANCE_W_1", "DANCE_W_2", "DANCE_W_3"), seconds: float = 12.0) -> Path:
    """A Tang folder of ``songs`` (with the default three waltzes: one test, one val, one train song)."""
    for seed, name in enumerate(songs):
        write_tang_song(root, name, seconds, seed=seed)
    return Path(root)
