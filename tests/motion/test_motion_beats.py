import numpy as np
import pytest

from dancekit.motion import MotionClip, load_tang_motion, tang_motion_folders
from dancekit.motion.beats import beat_f_score, beats_in_span, dancer_f_score, motion_beats


def _stepping_clip(period, offset, fps=25.0, duration=8.0, start_s=2.0):
    """Joints that swing out and back, reversing (speed zero) at ``offset + k * period``."""
    t = np.arange(int(duration * fps)) / fps
    x = 20 * (1 - np.cos(np.pi * (t - offset) / period))
    joints = np.zeros((len(t), 5, 3))
    joints[:, :, 0] = x[:, None] * np.linspace(0.5, 1.5, 5)
    return MotionClip(joints, np.zeros((len(t), 3)), fps, start_s=start_s)


def test_speed_minima_are_found_between_frames():
    steps = 0.013 + 0.55 * np.arange(15)  # off the 40 ms frame grid
    clip = _stepping_clip(0.55, 0.013)
    found = motion_beats(clip)
    inner = steps[(steps > 0.1) & (steps < 7.9)]
    assert len(found) == len(inner)
    assert np.abs(found - (inner + clip.start_s)).max() < 0.02  # song clock, sub-frame accuracy


def test_f_score_matches_mir_eval():
    mir_eval = pytest.importorskip("mir_eval")
    rng = np.random.default_rng(3)
    for _ in range(20):
        ref = np.sort(rng.uniform(0, 30, rng.integers(1, 60)))
        kept = ref[rng.random(len(ref)) < 0.6]
        est = np.sort(np.concatenate([kept + rng.normal(0, 0.05, len(kept)), rng.uniform(0, 30, rng.integers(0, 20))]))
        assert beat_f_score(est, ref) == pytest.approx(mir_eval.beat.f_measure(ref, est, 0.07), abs=1e-12)
    assert beat_f_score([], [1.0]) == 0.0 and beat_f_score([1.0], [1.04]) == 1.0
    assert beats_in_span([1, 2, 3, 4], 1.5, 3).tolist() == [2, 3]


def test_dancer_baseline_on_a_real_clip(shared_data):
    folders = {f.name: f for f in tang_motion_folders(shared_data / "tang_dance")}
    clip = load_tang_motion(folders["DANCE_W_22"])
    result = dancer_f_score(clip)
    assert result["dance"] == "Slow Waltz" and 0.0 <= result["f_score"] <= 1.0
    per_minute = 60 * result["motion_beats"] / clip.duration_s
    assert 30 < per_minute < 200 and result["music_beats"] > 40
