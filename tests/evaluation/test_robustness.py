import numpy as np
import pytest

from dancekit.evaluation.robustness import perturb, robustness_curve
from dancekit.synth.degrade import hall_noise


def test_perturb_mixes_at_the_stated_intensity():
    rng = np.random.default_rng(0)
    music = np.sin(np.linspace(0, 400, 8000)).astype(np.float32)
    noise = hall_noise("white", 8000, 8000, rng)
    assert np.corrcoef(perturb(music, 0.0, noise), music)[0, 1] > 0.9999
    half = perturb(music, 0.5, noise)
    corr_music = abs(np.corrcoef(half, music)[0, 1])
    assert 0.6 < corr_music < 0.8  # equal parts: correlation 1/sqrt(2)
    with pytest.raises(ValueError):
        perturb(music, 1.5, noise)
    with pytest.raises(ValueError, match="unknown noise"):
        hall_noise("rain", 10, 8000, rng)


def test_curve_falls_when_noise_drowns_a_level_based_classifier():
    sr = 8000
    t = np.arange(sr * 2) / sr
    songs = [np.sin(2 * np.pi * f * t).astype(np.float32) for f in (200, 200, 1500, 1500)]
    labels = [0, 0, 1, 1]

    def classify(y):  # "low tone" vs "high tone" by where the energy is
        spec = np.abs(np.fft.rfft(y))
        low, high = spec[: len(spec) // 4].sum(), spec[len(spec) // 4:].sum()
        return np.array([low, high]) / (low + high)

    rows = robustness_curve(classify, songs, labels, sr, [0.0, 0.5, 0.99], kind="white")
    assert rows[0]["top1"] == 1.0 and rows[-1]["top1"] < 1.0 and all(r["top2"] == 1.0 for r in rows)
