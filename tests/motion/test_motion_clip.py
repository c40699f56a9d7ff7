import gzip
import json

import numpy as np
import pytest

from dancekit.motion import MotionClip, load_tang_motion, tang_motion_folders
from dancekit.motion.tang import MotionFileError


def _write_song(folder, n_frames, span):
    folder.mkdir(parents=True)
    t = np.arange(n_frames)[:, None, None]
    joints = np.concatenate([np.sin(t / 10.0 + np.arange(23)[None, :, None]) * np.ones((1, 1, 3))], axis=0)
    data = {"length": n_frames, "center": np.c_[t[:, 0, 0], np.zeros(n_frames), np.zeros(n_frames)].tolist(),
            "skeletons": joints.tolist()}
    with gzip.open(folder / "skeletons.json.gz", "wt") as f:
        json.dump(data, f)
    (folder / "config.json").write_text(json.dumps({"start_position": span[0], "end_position": span[1]}))


def test_span_is_clipped_to_the_shorter_of_motion_and_config(tmp_path):
    _write_song(tmp_path / "DANCE_R_3", 50, (25, 100))
    clip = load_tang_motion(tmp_path / "DANCE_R_3")
    assert len(clip) == 50 and clip.start_s == pytest.approx(1.0) and clip.meta["dance"] == "Rumba"
    _write_song(tmp_path / "DANCE_W_1", 50, (0, 40))
    assert len(load_tang_motion(tmp_path / "DANCE_W_1")) == 40
    assert [f.name for f in tang_motion_folders(tmp_path)] == ["DANCE_R_3", "DANCE_W_1"]


def test_resampling_keeps_time_and_linear_motion():
    t = np.arange(26, dtype=np.float32)
    clip = MotionClip(np.zeros((26, 2, 3)), np.c_[t, 2 * t, np.zeros(26)], fps=25.0, start_s=3.0)
    fast = clip.resampled(30.0)
    assert len(fast) == 31 and fast.duration_s == pytest.approx(clip.duration_s + 1 / 30 - 1 / 25, abs=1e-6)
    np.testing.assert_allclose(fast.root[:, 0], np.arange(31) * 25 / 30, atol=1e-4)
    assert fast.cropped(6, 12).start_s == pytest.approx(3.2)


def test_bad_motion_file_is_a_clear_error(tmp_path):
    (tmp_path / "DANCE_T_1").mkdir()
    (tmp_path / "DANCE_T_1" / "skeletons.json").write_text('{"skeletons": [1, 2]}')
    with pytest.raises(MotionFileError, match="expected 'skeletons'"):
        load_tang_motion(tmp_path / "DANCE_T_1")
    with pytest.raises(MotionFileError, match="no skeletons"):
        load_tang_motion(tmp_path)


def test_real_tang_motion_is_aligned_with_its_song(shared_data):
    folders = tang_motion_folders(shared_data / "tang_dance")
    assert len(folders) == 43
    clip = load_tang_motion(folders[0])
    assert clip.joints.shape[1:] == (23, 3) and clip.fps == 25.0 and clip.meta["audio"].endswith("audio.mp3")
    assert 10 < np.linalg.norm(clip.joints, axis=2).max() < 200  # centimetres around the root


def test_grounding_puts_the_floor_at_zero_despite_a_glitch():
    joints = np.zeros((100, 2, 3))
    joints[:, 1, 1] = -90.0  # a foot 90 cm below the root
    root = np.c_[np.zeros(100), np.full(100, 97.0), np.zeros(100)]
    root[50, 1] = 40.0  # one glitched frame far below the floor
    clip = MotionClip(joints, root, fps=25.0)
    assert clip.floor_height() == pytest.approx(7.0)
    assert clip.grounded().world_joints()[0, 1, 1] == pytest.approx(0.0)


def test_retiming_moves_each_frame_to_its_corrected_song_time():
    clip = MotionClip(np.zeros((101, 2, 3)), np.c_[np.arange(101.0), np.zeros(101), np.zeros(101)], 25.0, start_s=3.0)
    slow = clip.retimed(1.02)  # the capture ran 2 % fast: its 4 s take 4.08 s of music
    assert slow.start_s == 3.0 and slow.duration_s == pytest.approx(clip.duration_s * 1.02)
    again = slow.resampled(25.0)
    assert len(again) == 103 and again.root[51, 0] == pytest.approx(50.0, abs=1e-3)  # frame 50 moved to 2.04 s
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="clock"):
            clip.retimed(bad)
