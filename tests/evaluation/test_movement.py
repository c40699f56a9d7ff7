"""How much a figure moves: limb speed, floor travel, and the smooth share that tells dancing from shaking."""

import numpy as np
import pytest

from dancekit.evaluation.movement import floor_speed, limb_speed, movement_row, smooth_share
from dancekit.motion import MotionClip

T = np.arange(300) / 30.0


def _clip(joints, root=None):
    return MotionClip(joints, np.zeros((len(joints), 3)) if root is None else root, 30.0, meta={"song": "s",
                                                                                              "dance": "Rumba"})


def test_smooth_share_tells_dancing_from_shaking():
    swing = np.sin(2 * np.pi * 0.8 * T)[:, None, None] * np.ones((1, 4, 3)) * 20  # a smooth step every 1.25 s
    shaking = np.random.default_rng(0).normal(0, 2, (300, 4, 3))
    assert smooth_share(_clip(swing)) > 0.9
    assert smooth_share(_clip(shaking)) < 0.3
    assert smooth_share(_clip(np.zeros((30, 4, 3)))) == 1.0


def test_speeds_are_in_cm_per_second():
    joints = np.zeros((300, 2, 3))
    joints[:, 1, 0] = 10 * T  # one joint moving 10 cm/s, one still
    root = np.stack([3 * T, 50 + np.sin(T), 4 * T], axis=1)  # 5 cm/s over the floor, bobbing
    clip = _clip(joints, root)
    assert limb_speed(clip) == pytest.approx(5.0, rel=1e-4)
    assert floor_speed(clip) == pytest.approx(5.0, rel=1e-4)


def test_a_row_holds_the_dancer_and_every_labelled_figure():
    real = _clip(np.sin(2 * np.pi * T)[:, None, None] * np.ones((1, 4, 3)) * 10)
    still = _clip(np.zeros((300, 4, 3)))
    row = movement_row(real, {"S2S": still})
    assert list(row) == ["song", "dance", "real_limb", "real_travel", "real_smooth", "S2S_limb", "S2S_travel",
                         "S2S_smooth"]
    assert row["real_limb"] > 10 and row["S2S_limb"] == 0.0 and row["dance"] == "Rumba"
