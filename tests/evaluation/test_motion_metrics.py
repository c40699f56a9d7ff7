"""Measures of generated motion: beat alignment, the chance F-score floor, pose cross entropy."""

import numpy as np
import pytest

from dancekit.evaluation.motion_metrics import beat_alignment_score, chance_f_score, motion_histogram_cross_entropy
from dancekit.motion.beats import beat_f_score

MUSIC = np.arange(0.5, 60, 0.5)


def test_beat_alignment_follows_the_distance_to_the_nearest_music_beat():
    assert beat_alignment_score(MUSIC + 0.01, MUSIC) > 0.99
    assert beat_alignment_score(MUSIC + 0.25, MUSIC) == pytest.approx(np.exp(-0.25**2 / (2 * 0.1**2)))
    assert beat_alignment_score(MUSIC + 0.25, MUSIC, sigma=1.0) > 0.95
    assert beat_alignment_score([], MUSIC) == 0.0 and beat_alignment_score(MUSIC, []) == 0.0


def test_chance_f_score_is_what_the_beat_density_alone_scores():
    rng = np.random.default_rng(0)
    half = MUSIC[::2]
    assert beat_f_score(half, MUSIC) == pytest.approx(2 / 3, abs=0.01)
    assert chance_f_score(half, MUSIC, 0.0, 60.0, rng) < 0.5  # shifted off the grid, far below 0.67
    dense = np.arange(0.0, 60, 0.07)  # a beat every 70 ms hits every music beat wherever it is shifted
    assert chance_f_score(dense, MUSIC, 0.0, 60.0, rng) > 0.2
    assert chance_f_score(half, MUSIC, 0.0, 2.0, rng) == 0.0 and chance_f_score([], MUSIC, 0.0, 60.0, rng) == 0.0


def test_chance_f_score_draws_its_shifts_from_the_generator():
    a = chance_f_score(MUSIC[::3] + 0.1, MUSIC, 0.0, 60.0, np.random.default_rng(1))
    b = chance_f_score(MUSIC[::3] + 0.1, MUSIC, 0.0, 60.0, np.random.default_rng(1))
    assert a == b


def test_cross_entropy_is_lowest_for_the_same_distribution():
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (500, 3))
    same = motion_histogram_cross_entropy(real, rng.uniform(-1, 1, (500, 3)))
    frozen = motion_histogram_cross_entropy(real, np.zeros((500, 3)))
    assert same < np.log(40) + 0.2 < frozen
    assert motion_histogram_cross_entropy(real, real, bins=10) == pytest.approx(np.log(10), abs=0.05)
