"""Toy "dances" for end-to-end tests: generated audio, and a tiny model trained on it.

The two toy dances differ the way real ones do, by meter and tempo: a waltz-like 3/4 pattern
at 90 BPM (accented low downbeat, two light beats) and a 4/4 pattern at 170 BPM with a high
backbeat.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from dancekit.features import DANCE_CNN_MEL, build_frontend
from dancekit.models import ModelCard, build_dance_cnn, load_model, save_model
from dancekit.training.engine import fit
from dancekit.training.recipes import get_recipe
from dancekit.training.spectrograms import SpectrogramSet

SR = 22050
CLASSES = ["Toy Waltz", "Toy Jive"]


def _hit(freq, length, decay, rng):
    t = np.arange(int(length * SR)) / SR
    tone = np.sin(2 * np.pi * freq * t * rng.uniform(0.97, 1.03))
    return tone * np.exp(-decay * t)


def toy_recording(label: int, seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = 0.01 * rng.standard_normal(int(seconds * SR))
    bpm, beats_per_bar = (90.0, 3) if label == 0 else (170.0, 4)
    bpm *= rng.uniform(0.95, 1.05)
    beat = 60.0 / bpm
    for i, start in enumerate(np.arange(rng.uniform(0, beat), seconds - 0.3, beat)):
        downbeat = i % beats_per_bar == 0
        if label == 0:
            hit = _hit(110 if downbeat else 440, 0.25, 12, rng) * (0.8 if downbeat else 0.3)
        else:
            hit = _hit(90, 0.15, 25, rng) * 0.6 if i % 2 == 0 else _hit(2500, 0.08, 60, rng) * 0.5
        s = int(start * SR)
        y[s : s + hit.size] += hit[: y.size - s]
    return (0.5 * y / np.abs(y).max()).astype(np.float32)


def train_toy_model(folder):
    """Train the small CNN on 12 generated recordings (about 10 s on 2 cores) and load it from files."""
    torch.manual_seed(0)
    frontend = build_frontend(DANCE_CNN_MEL)
    specs, labels = [], []
    for seed in range(12):
        label = seed % 2
        with torch.inference_mode():
            specs.append(frontend(torch.from_numpy(toy_recording(label, 12.0, seed))))
        labels.append(label)
    network = build_dance_cnn("small_cnn", 2, width=8)
    data = SpectrogramSet(specs, np.asarray(labels), [f"toy{i}" for i in range(len(specs))], CLASSES)
    recipe = get_recipe("dance_cnn", architecture="small_cnn", batches_per_epoch=60, max_epochs=1, learning_rate=2e-3)
    fit(network, recipe, data, data, seed=0, amp=False)
    card = ModelCard(name="toy", task="dance", architecture="small_cnn", architecture_args={"width": 8},
                     classes=CLASSES, frontend=DANCE_CNN_MEL.to_dict(), summary="trained inside a test")
    save_model(network, card, folder)
    return load_model(folder)


def write_library(folder: Path, count: int, seconds: float = 8.0) -> list[Path]:
    """``count`` toy recordings as WAV files in two sub-folders; returns their paths."""
    paths = []
    for i in range(count):
        path = folder / ("waltz" if i % 2 == 0 else "jive") / f"song{i:03d}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, toy_recording(i % 2, seconds, seed=100 + i), SR)
        paths.append(path)
    return paths
