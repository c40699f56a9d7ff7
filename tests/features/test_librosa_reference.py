"""The package's librosa reference: what the agreement and speed benchmarks compare the front ends with."""

import numpy as np
import pytest
import torch

from dancekit.features import PRESETS, build_frontend
from dancekit.features.reference import librosa_reference, max_difference


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_front_end_agrees_with_the_reference(name):
    config = PRESETS[name]
    rng = np.random.default_rng(1)
    t = np.arange(config.sr * 2) / config.sr
    y = (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)
    want = librosa_reference(config, y)
    with torch.inference_mode():
        got = build_frontend(config)(torch.from_numpy(y)).numpy()
    assert got.shape == want.shape
    assert max_difference(config, got, want) < (1e-2 if config.log == "db" else 1e-4)


def test_max_difference_is_in_db_or_relative_to_the_peak():
    db = next(c for c in PRESETS.values() if c.log == "db")
    linear = next(c for c in PRESETS.values() if c.log == "none")
    want = np.array([[0.0, 10.0], [-5.0, 2.0]])
    assert max_difference(db, want + np.array([[0.0, 0.5], [0.0, 0.0]]), want) == 0.5
    assert max_difference(linear, want + np.array([[0.0, 0.5], [0.0, 0.0]]), want) == 0.05
