"""Per-minute drift measures: travel, reach, limb speed, foot skating, floor, jolts, on made-up motion."""

import numpy as np
import pytest

from dancekit.evaluation.long_song import (TANG_ANKLES, TANG_FOOT_POINTS, dancer_ranges, per_minute,
                                           window_measures)
from dancekit.motion import MotionClip


def _standing(seconds=30.0, fps=30.0, walk_cm_s=0.0, sink_cm_per_min=0.0, slide_cm_s=0.0):
    """A still figure, feet on y = 0 and pelvis at 95 cm, walking along x; optionally sinking or sliding its feet."""
    n = int(seconds * fps)
    t = np.arange(n) / fps
    joints = np.zeros((n, 23, 3), dtype=np.float32)
    joints[:, :, 1] = 60.0 - 95.0  # everything 60 cm up...
    joints[:, list(TANG_FOOT_POINTS), 1] = -95.0  # ...but the foot points, on the floor
    joints[:, list(TANG_FOOT_POINTS), 0] = (slide_cm_s * t)[:, None]  # feet sliding relative to the pelvis
    root = np.stack([walk_cm_s * t, 95.0 - sink_cm_per_min * t / 60, np.zeros(n)], axis=1)
    return MotionClip(joints, root, fps)


def test_a_still_figure_stands_and_a_walker_travels():
    still = window_measures(_standing())
    assert still["travel_cm_per_min"] == 0 and still["reach_cm"] == 0 and still["hand_speed"] == 0
    assert still["contact_share"] == 1 and still["skate_cm_s"] == 0 and still["jolts_per_min"] == 0
    walker = window_measures(_standing(walk_cm_s=10.0))
    assert walker["travel_cm_per_min"] == pytest.approx(600, rel=0.01)
    assert walker["reach_cm"] == pytest.approx(10 * (30 - 1 / 30), rel=0.01)
    assert walker["skate_cm_s"] == pytest.approx(10, rel=0.01)  # feet carried along while standing: skating


def test_skating_is_speed_of_standing_feet_and_limbs_move_relative_to_the_pelvis():
    sliding = window_measures(_standing(slide_cm_s=20.0))
    assert sliding["skate_cm_s"] == pytest.approx(20, rel=0.01)
    assert sliding["foot_speed"] == pytest.approx(0)  # the ankles do not move, only heel and toe points
    clip = _standing()
    clip.joints[:, list(TANG_ANKLES), 2] = 5 * np.sin(np.arange(len(clip)))[:, None]
    assert window_measures(clip)["foot_speed"] > 50


def test_per_minute_windows_show_a_sinking_figure_and_jolts():
    clip = _standing(seconds=150.0, sink_cm_per_min=6.0)
    rows = per_minute(clip)
    assert [r["minute"] for r in rows] == [0, 1, 2] and rows[2]["seconds"] == pytest.approx(30)
    offsets = [r["floor_offset_cm"] for r in rows]
    assert offsets[0] > offsets[1] > offsets[2] and offsets[0] - offsets[2] > 8
    jolted = _standing(seconds=60.0)
    jolted.joints[900, 5, 0] += 60.0  # one glitched frame: two jolts (out and back)
    assert window_measures(jolted)["jolts_per_min"] == pytest.approx(2, abs=0.1)


def test_dancer_ranges_summarise_windows_or_whole_captures():
    clips = [_standing(seconds=90.0, walk_cm_s=w) for w in (5.0, 10.0, 20.0)]
    per_min = dancer_ranges(clips)
    assert per_min["windows"] == 6 and per_min["travel_cm_per_min"]["median"] == pytest.approx(600, rel=0.02)
    whole = dancer_ranges(clips, window_s=None, keys=["reach_cm"])
    assert whole["windows"] == 3 and set(whole) == {"windows", "minutes", "reach_cm"}
    assert whole["reach_cm"]["low"] < whole["reach_cm"]["median"] < whole["reach_cm"]["high"]
