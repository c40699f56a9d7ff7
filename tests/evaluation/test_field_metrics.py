"""The field's metrics (AIST++, Bailando, EDGE) on motion built so the answer is known."""

import numpy as np
import pytest

from dancekit.evaluation.field_metrics import (beat_align_score, diversity, frechet_distance, geometric_features,
                                               kinematic_beats, kinetic_features, normalise_features,
                                               physical_foot_contact, tang_field_joints, windows)

FPS = 30.0


def bouncing(n=300, period=15, phase=0, joints=4):
    """Joints moving up and down as |sin|: speed dips to zero every ``period`` frames, at ``phase``."""
    t = np.arange(n)
    y = np.cos(np.pi * (t - phase) / period) * 0.1
    pos = np.zeros((n, joints, 3))
    pos[:, :, 1] = y[:, None]
    pos[:, :, 0] = np.arange(joints)[None, :]
    return pos


def test_bas_is_one_on_the_beats_and_low_off_them():
    pos = bouncing(phase=0.5)
    dance = kinematic_beats(pos, FPS)
    assert len(dance) > 10
    music = dance.copy()
    assert beat_align_score(music, dance) == pytest.approx(1.0)
    shifted = music + 7.5 / FPS  # half-way between two velocity minima
    assert beat_align_score(shifted, dance) < 0.1
    assert beat_align_score(music, []) == 0.0


def test_kinematic_beats_sit_at_the_velocity_minima():
    # speed 0 at t = 15 m + 0.5: the step from frame 15 m to 15 m + 1 (the reference's frame 15 m)
    beats = kinematic_beats(bouncing(phase=0.5), FPS) * FPS
    assert np.allclose(beats, 15 * np.arange(1, 20))


def test_kinetic_features_of_a_still_figure_are_zero_and_grow_with_speed():
    still = np.tile(np.random.default_rng(0).normal(size=(1, 5, 3)), (60, 1, 1))
    assert np.allclose(kinetic_features(still, FPS), 0.0)
    moving = still.copy()
    moving[:, 0, 0] += np.arange(60) * 0.01  # 0.3 m/s sideways, no acceleration
    f = kinetic_features(moving, FPS).reshape(5, 3)
    assert f[0, 0] == pytest.approx(0.09)  # horizontal energy: speed squared
    assert f[0, 1] == pytest.approx(0.0) and f[0, 2] == pytest.approx(0.0, abs=1e-9)
    assert np.allclose(f[1:], 0.0)
    up = still.copy()
    up[:, 1, 1] += 0.5 * 2.0 * (np.arange(60) / FPS) ** 2  # 2 m/s^2 upward
    g = kinetic_features(up, FPS).reshape(5, 3)
    assert g[1, 2] == pytest.approx(2.0, rel=1e-6) and g[1, 1] > 0 and g[1, 0] == pytest.approx(0.0)


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_a_shift():
    x = np.random.default_rng(1).normal(size=(400, 6))
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(x, x + 0.5) == pytest.approx(6 * 0.25, rel=1e-3)
    assert frechet_distance(x, x + 2.0) > frechet_distance(x, x + 0.5)
    ref, other = normalise_features(x, x * 3)
    assert np.allclose(ref.mean(axis=0), 0) and np.allclose(ref.std(axis=0), 1)
    assert frechet_distance(ref, other) > 1.0
    constant = np.c_[x, np.zeros(len(x))]  # a relation the reference never shows
    ref, other = normalise_features(constant, np.c_[x, np.full(len(x), 0.5)])
    assert frechet_distance(other, ref) == pytest.approx(0.25, rel=1e-3)


def test_diversity_of_identical_samples_is_zero():
    assert diversity(np.ones((5, 4))) == 0.0
    assert diversity(np.array([[0.0, 0.0], [3.0, 4.0]])) == pytest.approx(5.0)
    assert diversity(np.array([[0.0], [1.0], [3.0]])) == pytest.approx((1 + 3 + 2) / 3)


def _walker(n, skate):
    """Root accelerating back and forth; the left foot stands, the right foot skates with the root if asked."""
    t = np.arange(n) / FPS
    root = np.stack([0.2 * np.sin(2 * np.pi * t), np.full(n, 0.9), np.zeros(n)], axis=1)
    feet = np.zeros((n, 4, 3))
    feet[:, 2:, 0] = root[:, None, 0]  # the right foot travels with the body
    if skate:
        feet[:, :2, 0] = root[:, None, 0]  # ... and so does the left
    return feet, root


def test_pfc_is_zero_with_a_standing_foot_and_grows_with_skating():
    assert physical_foot_contact(*_walker(150, skate=False), FPS) == pytest.approx(0.0)
    assert physical_foot_contact(*_walker(150, skate=True), FPS) > 1.0
    still_root = np.zeros((50, 3))
    assert physical_foot_contact(np.zeros((50, 4, 3)), still_root, FPS) == 0.0


def test_geometric_features_read_a_tang_figure():
    rng = np.random.default_rng(2)
    base = rng.normal(scale=30.0, size=(1, 23, 3))
    base[0, :, 1] += 100
    world = np.tile(base, (40, 1, 1))
    named = tang_field_joints(world)
    assert named["root"].shape == (40, 3) and named["all"].shape == (40, 23, 3)
    assert np.allclose(named["neck"], (world[:, 3] + world[:, 12]) / 200)
    f = geometric_features(named, FPS)
    assert f.shape == (32,) and np.all((f == 0) | (f == 1))  # a still figure: every relation constant
    velocity = [0, 1, 4, 5, 9, 10, 11, 12, 13, 21, 22, 31]  # the features that need motion
    assert np.all(f[velocity] == 0)
    fast = world.copy()
    fast[:, 6, 0] += np.arange(40) * 10.0  # right wrist at 3 m/s
    assert geometric_features(tang_field_joints(fast), FPS)[12] == pytest.approx(1.0)


def test_windows():
    assert windows(10, 4) == [(0, 4), (4, 8)]
    assert windows(10, 4, 3) == [(0, 4), (3, 7), (6, 10)]
    assert windows(3, 4) == []


def test_bas_chance_is_below_a_locked_score_and_rises_with_beat_density():
    from dancekit.evaluation.field_metrics import beat_align_chance
    music = np.arange(0.0, 60.0, 0.6)
    rng = np.random.default_rng(0)
    sparse = music[::4] + 0.0
    assert beat_align_chance(music, music, 0.0, 60.0, rng) < beat_align_score(music, music)
    dense = np.arange(0.0, 60.0, 0.13)
    assert beat_align_chance(music, dense, 0.0, 60.0, rng) > beat_align_chance(music, sparse, 0.0, 60.0, rng)
    assert beat_align_chance(music, [], 0.0, 60.0, rng) == 0.0


def test_a_raised_right_hand_is_above_the_neck():
    world = np.zeros((20, 23, 3))
    world[:, 2] = (0, 100, 0)  # pelvis
    world[:, 3], world[:, 12] = (-15, 145, 0), (15, 145, 0)  # shoulders: the neck sits between them
    world[:, 6], world[:, 15] = (-20, 180, 0), (20, 110, 0)  # right wrist raised, left hanging
    f = geometric_features(tang_field_joints(world), FPS)
    assert f[2] == 1.0 and f[3] == 0.0  # "hand above the neck" (0.2 humerus), right and left
