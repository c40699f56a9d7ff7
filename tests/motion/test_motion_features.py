import json

import numpy as np
import pytest
from motion_fixtures import swaying_clip

from dancekit.motion import MotionClip
from dancekit.motion.features import (FEATURE_DIM, FEATURE_NAMES, FeatureError, MotionNormalizer,
                                      features_to_motion, motion_to_features)


def test_feature_layout():
    assert FEATURE_DIM == 3 + 4 * 19 == len(FEATURE_NAMES)
    feats = motion_to_features(swaying_clip(30))
    assert feats.shape == (30, FEATURE_DIM) and feats.dtype == np.float32


def test_features_come_back_as_the_grounded_clip_started_at_the_origin():
    clip = swaying_clip(80)
    feats = motion_to_features(clip)
    back = features_to_motion(feats, clip.fps, start_s=clip.start_s)
    ref = clip.grounded().world_joints().astype(np.float64)
    ref[..., [0, 2]] -= ref[:1, 2:3, [0, 2]]  # pelvis starts at x = z = 0
    assert np.abs(back.world_joints() - ref).max() < 0.01  # cm
    assert back.fps == clip.fps and back.start_s == clip.start_s
    assert abs(back.floor_height()) < 0.01


def test_root_features_do_not_depend_on_where_the_dancer_faces():
    clip = swaying_clip(50)
    yaw = np.radians(70)
    rot = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    turned = MotionClip(clip.joints @ rot.T, clip.root @ rot.T + [300, 0, -50], clip.fps)
    a, b = motion_to_features(clip), motion_to_features(turned)
    np.testing.assert_allclose(a[:, :3], b[:, :3], atol=1e-4)
    np.testing.assert_allclose(a[:, 7:], b[:, 7:], atol=1e-4)  # all but the pelvis rotation


def test_bad_features_are_a_clear_error():
    with pytest.raises(FeatureError, match="79"):
        features_to_motion(np.zeros((5, 10)), 30)
    with pytest.raises(FeatureError, match="NaN"):
        features_to_motion(np.full((5, FEATURE_DIM), np.nan), 30)


def test_normalizer_maps_training_range_to_unit_interval_and_back():
    rng = np.random.default_rng(1)
    train = [rng.normal(size=(40, 5)) * [1, 10, 0, 3, 1] + [0, 5, 2.5, 0, -1] for _ in range(3)]
    norm = MotionNormalizer.fit(train)
    z = norm.transform(np.concatenate(train))
    assert z.min() == pytest.approx(-1, abs=1e-6) and z.max() == pytest.approx(1, abs=1e-6)
    assert np.all(z[:, 2] == 0)  # the constant component
    back = norm.inverse(z)
    np.testing.assert_allclose(back, np.concatenate(train), atol=1e-5)
    assert np.all(back[:, 2] == 2.5)
    again = MotionNormalizer.from_dict(json.loads(json.dumps(norm.to_dict())))
    np.testing.assert_array_equal(again.transform(train[0]), norm.transform(train[0]))
    with pytest.raises(FeatureError):
        norm.transform(np.zeros((2, 4)))
    with pytest.raises(FeatureError):
        MotionNormalizer.from_dict({"low": [0]})
    with pytest.raises(FeatureError):
        MotionNormalizer.fit([])


def test_keep_root_upright_leaves_real_motion_alone_and_rights_a_headstand(shared_data):
    from dancekit.motion import load_tang_motion
    from dancekit.motion.features import keep_root_upright

    clip = load_tang_motion(shared_data / "tang_dance" / "DANCE_R_3").resampled(30.0)
    features = motion_to_features(clip)
    np.testing.assert_allclose(np.abs(keep_root_upright(features)), np.abs(features), atol=1e-4)
    flipped = features.copy()
    flipped[:, 3:7] = [0.0, 1.0, 0.0, 0.0]  # 180 degrees about x: head down
    world = features_to_motion(keep_root_upright(flipped), 30.0).world_joints()
    assert (world[:, 0, 1] > world[:, 2, 1]).mean() > 0.95  # head above pelvis (tilted at most 60 degrees)


def _pelvis_heading_deg(features):
    from dancekit.motion.features import _heading, features_to_rotations

    return np.degrees(np.unwrap(_heading(features_to_rotations(features, 30.0).quats[:, 0])))


def test_limit_turn_rate_spreads_a_one_frame_spin_and_keeps_real_turns(shared_data):
    from dancekit.motion import load_tang_motion
    from dancekit.motion import quaternions as Q
    from dancekit.motion.features import limit_turn_rate

    clip = load_tang_motion(shared_data / "tang_dance" / "DANCE_W_3").resampled(30.0)
    features = motion_to_features(clip)
    np.testing.assert_array_equal(limit_turn_rate(features), features)  # a dancer never turns 30 deg a frame
    spun = features.copy()
    half = np.radians(120.0) / 2  # the second half turned 120 degrees about the vertical at frame 100
    yaw = np.array([np.cos(half), 0.0, np.sin(half), 0.0])
    spun[100:, 3:7] = Q.multiply(yaw, spun[100:, 3:7].astype(np.float64))
    limited = limit_turn_rate(spun, 30.0)
    turns = np.abs(np.diff(_pelvis_heading_deg(limited)))
    assert np.abs(np.diff(_pelvis_heading_deg(spun))).max() > 100 and turns.max() < 31
    np.testing.assert_allclose(limited[:100], spun[:100])  # before the spin: untouched
    assert np.abs(np.sum(limited[110:, 3:7] * spun[110:, 3:7], axis=1)).min() > 1 - 1e-5  # caught up after 4 frames
    tilt = lambda f: np.degrees(np.arccos(np.clip(np.abs(f[:, 3] ** 2 - f[:, 4] ** 2 + f[:, 5] ** 2 - f[:, 6] ** 2), 0, 1)))
    np.testing.assert_allclose(tilt(limited), tilt(spun), atol=0.01)  # the pelvis leans as before (degrees)
