"""2-D keypoint windows from motion: camera geometry, normalisation, mirroring, windows, real Tang data."""

import numpy as np
import pytest

from dancekit.video import pose_sequences as ps


def standing_figure() -> np.ndarray:
    """13 keypoints [13, 3] (cm, y up) of a figure facing +z with its left side on +x."""
    p = {"nose": (0, 170, 5), "shoulder": (18, 145, 0), "elbow": (22, 117, 0), "wrist": (24, 90, 0),
         "hip": (10, 95, 0), "knee": (10, 50, 0), "ankle": (10, 8, 0)}
    out = []
    for name in ps.KEYPOINTS:
        if name == "nose":
            out.append(p["nose"])
        else:
            side, part = name.split("_")
            x, y, z = p[part]
            out.append((x if side == "left" else -x, y, z))
    return np.array(out, dtype=np.float64)


def walking_track(n: int = 90, seed: int = 0) -> np.ndarray:
    """[n, 13, 3]: the figure travelling along x while swinging its arms."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 15.0
    pts = np.repeat(standing_figure()[None], n, axis=0)
    pts[:, :, 0] += 40 * t[:, None]
    for name in ("left_wrist", "right_wrist"):
        pts[:, ps.KEYPOINTS.index(name), 2] += 20 * np.sin(2 * np.pi * t + rng.uniform(0, 6))
    return pts


def test_keypoint_tables_are_consistent():
    assert len(ps.KEYPOINTS) == ps.N_KEYPOINTS == 13
    assert ps.FEATURE_CHANNELS == 65
    assert sorted(ps.MIRROR_INDEX) == list(range(13))
    assert ps.KEYPOINTS[ps.MIRROR_INDEX[ps.KEYPOINTS.index("left_knee")]] == "right_knee"
    assert ps.MIRROR_INDEX[0] == 0  # the nose has no side


def test_projection_of_known_points():
    cam = ps.PinholeCamera(0.0, 0.0, 500.0, 0.0, 1000.0, (0.0, 100.0, 0.0))
    pts = np.array([[0, 100, 0], [10, 100, 0], [0, 110, 0], [0, 100, 250]], dtype=float)
    uv = cam.project(pts)
    np.testing.assert_allclose(uv[0], [0, 0], atol=1e-9)
    np.testing.assert_allclose(uv[1], [20, 0], atol=1e-9)  # right in the image
    np.testing.assert_allclose(uv[2], [0, -20], atol=1e-9)  # image y points down
    np.testing.assert_allclose(cam.project(np.array([[10, 100, 250]], float))[0], [40, 0], atol=1e-9)  # closer: bigger
    side = ps.PinholeCamera(90.0, 0.0, 500.0, 0.0, 1000.0, (0.0, 100.0, 0.0))  # on +x, looking along -x
    np.testing.assert_allclose(side.project(np.array([[0, 100, -10]], float))[0], [20, 0], atol=1e-9)
    high = ps.PinholeCamera(0.0, 30.0, 500.0, 0.0, 1000.0, (0.0, 100.0, 0.0))
    position, *_ = high.axes()
    np.testing.assert_allclose(position, [0, 100 + 250, 500 * np.cos(np.radians(30))], atol=1e-9)
    np.testing.assert_allclose(high.project(np.array([[0, 100, 0]], float))[0], [0, 0], atol=1e-9)


def test_normalisation_removes_distance_and_resolution():
    pts = walking_track(30)
    near = ps.PinholeCamera(40.0, 10.0, 600.0, 3.0, 800.0, tuple(pts[:, 7:9].mean(axis=(0, 1))))
    kp = near.project(pts)
    a = ps.normalise_window(kp)
    b = ps.normalise_window(kp * 3.7 + np.array([120.0, -40.0]))  # another resolution and framing
    np.testing.assert_allclose(a, b, atol=1e-5)
    hips = a[:, list(ps.HIPS)].mean(axis=1)
    np.testing.assert_allclose(hips, 0, atol=1e-5)  # each frame centred on the mid-hip point
    torso = np.linalg.norm(a[:, list(ps.SHOULDERS)].mean(axis=1) - hips, axis=-1)
    assert abs(np.median(torso) - 1.0) < 1e-5
    assert a[0, 0, 1] < a[0, ps.KEYPOINTS.index("left_ankle"), 1]  # nose above ankle (y down)


def test_mirroring_swaps_left_and_right():
    kp = np.random.default_rng(1).normal(size=(5, 13, 2))
    vis = np.ones((5, 13), bool)
    vis[:, ps.KEYPOINTS.index("right_wrist")] = False
    m, mv = ps.mirror(kp, vis)
    ls, rs = ps.KEYPOINTS.index("left_shoulder"), ps.KEYPOINTS.index("right_shoulder")
    np.testing.assert_allclose(m[:, ls, 0], -kp[:, rs, 0])
    np.testing.assert_allclose(m[:, ls, 1], kp[:, rs, 1])
    np.testing.assert_allclose(m[:, 0, 0], -kp[:, 0, 0])
    assert not mv[:, ps.KEYPOINTS.index("left_wrist")].any() and mv[:, ps.KEYPOINTS.index("right_wrist")].all()
    np.testing.assert_allclose(ps.mirror(m), kp)


def test_missed_keypoints_are_zero_and_flagged():
    pts = walking_track(30)
    aug = ps.PoseAugment(drop_p=0.3, mirror_p=0.0)
    kp, vis, _ = ps.view_window(pts, np.random.default_rng(3), aug)
    assert 0 < (~vis).sum() < vis.size
    assert np.all(kp[~vis] == 0) and np.isfinite(kp).all()
    feats = ps.window_features(kp, vis)
    assert feats.shape == (65, 30) and np.isfinite(feats).all()
    np.testing.assert_array_equal(feats[52:].T, vis.astype(np.float32))


def test_all_hips_missed_still_finite():
    kp = np.random.default_rng(0).normal(size=(10, 13, 2))
    vis = np.ones((10, 13), bool)
    vis[:, list(ps.HIPS)] = False
    assert np.isfinite(ps.normalise_window(kp, vis)).all()


def test_body_rescaling_keeps_the_pelvis_and_changes_limbs():
    pts = walking_track(10)
    same = ps.rescale_body(pts, np.random.default_rng(0), 0.0)
    np.testing.assert_array_equal(same, pts)
    scaled = ps.rescale_body(pts, np.random.default_rng(0), 0.2)
    np.testing.assert_allclose(scaled[:, list(ps.HIPS)].mean(1), pts[:, list(ps.HIPS)].mean(1), atol=1e-9)
    k, a = ps.KEYPOINTS.index("left_knee"), ps.KEYPOINTS.index("left_ankle")
    assert not np.allclose(np.linalg.norm(scaled[:, a] - scaled[:, k], axis=-1), np.linalg.norm(pts[:, a] - pts[:, k], axis=-1))


def test_windows_shapes_and_seeded_determinism():
    song = ps.PoseSong("s", "x", walking_track(100), 15.0)
    w = ps.song_windows(song, window=60, hop=15, seed=4)
    assert w.shape == (3, 65, 60) and w.dtype == np.float32  # starts 0, 15, 30
    np.testing.assert_array_equal(w, ps.song_windows(song, window=60, hop=15, seed=4))
    assert not np.allclose(w, ps.song_windows(song, window=60, hop=15, seed=5))
    assert ps.window_starts(59, 60, 15) == []
    with pytest.raises(ps.PoseSequenceError):
        ps.song_windows(ps.PoseSong("short", "x", walking_track(20)), window=60)
    songs = [song, ps.PoseSong("t", "y", walking_track(80, 1))]
    x1, y1 = ps.random_windows(songs, [0, 1], 4, np.random.default_rng(7), window=30)
    x2, y2 = ps.random_windows(songs, [0, 1], 4, np.random.default_rng(7), window=30)
    assert x1.shape == (8, 65, 30) and np.bincount(y1).tolist() == [4, 4]
    np.testing.assert_array_equal(x1, x2)


def test_sampled_cameras_stay_in_range_and_clear_of_the_dancer():
    pelvis = walking_track(60)[:, list(ps.HIPS)].mean(1)
    rng = np.random.default_rng(0)
    for _ in range(50):
        cam = ps.sample_camera(rng, pelvis)
        assert 0 <= cam.elevation_deg <= 30 and abs(cam.roll_deg) <= 5
        position, *_ = cam.axes()
        assert np.min(np.linalg.norm(pelvis - position, axis=1)) > 150


def test_real_tang_song_gives_finite_keypoints(shared_data):
    from dancekit.motion import load_tang_motion, tang_motion_folders

    root = shared_data / "tang_dance"
    if not root.is_dir():
        pytest.skip("no Tang data")
    clip = load_tang_motion(tang_motion_folders(root)[0]).cropped(0, 250)  # 10 s
    song = ps.pose_song(clip)
    assert song.points.shape == (150, 13, 3) and np.isfinite(song.points).all()
    height = {n: song.points[:, i, 1].mean() for i, n in enumerate(ps.KEYPOINTS)}
    assert height["nose"] > height["left_shoulder"] > height["left_hip"] > height["left_knee"] > height["left_ankle"]
    # the dancer's left side (skeleton convention): left and right shoulders about 29 cm apart
    width = np.linalg.norm(song.points[:, 1] - song.points[:, 2], axis=-1).mean()
    assert 20 < width < 40
    w = ps.song_windows(song)
    assert w.shape == (7, 65, 60) and np.isfinite(w).all()


def test_evaluation_windows_are_fixed_per_song_whatever_is_scored_beside_it():
    songs = [ps.PoseSong(f"s{i}", "d", walking_track(60 + 15 * i, seed=i)) for i in range(3)]
    x, owner = ps.evaluation_windows(songs, seed=4, hop=15, window=30)
    assert owner.tolist() == [0] * 3 + [1] * 4 + [2] * 5 and x.shape == (12, ps.FEATURE_CHANNELS, 30)
    alone, _ = ps.evaluation_windows(songs[:1], seed=4, hop=15, window=30)
    np.testing.assert_array_equal(alone, x[:3])  # song 0 sees the same cameras with or without the others
    assert not np.allclose(ps.evaluation_windows(songs[:1], seed=5, hop=15, window=30)[0], alone)
    empty, none = ps.evaluation_windows([], seed=4)
    assert empty.shape == (0, ps.FEATURE_CHANNELS, ps.DEFAULT_WINDOW) and len(none) == 0
