"""Does generated motion hold up over a whole song? Per-minute travel, limb speed, foot skating, floor.

A recurrent generator run for minutes can freeze (its limbs slow to nothing), jitter, wander off
the floor area or sink and float. Each measure is taken per window (a minute by default) so a
trend shows, and the same measures of the Tang dancers' captures (39-113 s each) give the range a
dancer stays in, as per-minute rates.
"""

from __future__ import annotations

import numpy as np

from dancekit.evaluation.field_metrics import TANG_PFC_FEET, TANG_PFC_ROOT, physical_foot_contact
from dancekit.motion.clip import MotionClip

#: Tang joints (clip layout): wrists and ankles for limb speed, heel and toe points for foot contact.
TANG_HANDS = (6, 15)
TANG_ANKLES = (9, 18)
TANG_FOOT_POINTS = (10, 11, 19, 20)
#: A foot point this close to the floor (cm) and moving up or down slower than this (cm/s) stands on it.
CONTACT_HEIGHT_CM = 5.0
CONTACT_VERTICAL_CM_S = 15.0
#: A joint moving more than this in one frame (cm; 12 m/s at 30 fps) is a jolt: the Tang dancers'
#: 99.9th percentile of the fastest joint's frame step is 32 cm.
JOLT_CM_PER_FRAME = 40.0


def _speed(points: np.ndarray, fps: float) -> np.ndarray:
    """Per-step speed [T-1, ...] of points [T, ..., k] (cm/s)."""
    return np.linalg.norm(np.diff(points, axis=0), axis=-1) * fps


def window_measures(clip: MotionClip, floor: float | None = None) -> dict:
    """Travel, limb speed, foot skating and floor of one stretch of Tang-layout motion.

    Parameters
    ----------
    clip : MotionClip
        Joint positions (cm, y up) in the Tang clip layout.
    floor : float, optional
        Floor height in cm; default this clip's own (:meth:`MotionClip.floor_height`).

    Returns
    -------
    dict
        ``seconds``; ``travel_cm_per_min`` (horizontal pelvis path per minute); ``reach_cm`` (farthest
        pelvis distance from the clip's first frame) and ``area_m2`` (pelvis bounding box on the floor);
        ``hand_speed``, ``foot_speed`` (wrists and ankles relative to the pelvis, cm/s); ``skate_cm_s``
        (mean horizontal speed of heel and toe points while they stand on the floor); ``contact_share``
        (share of foot-point frames standing); ``floor_offset_cm`` (lowest joint's 5th percentile
        against ``floor``: a figure that sinks or floats drifts from 0); ``pfc`` (EDGE's score);
        ``jolts_per_min`` (frames in which a joint moves more than :data:`JOLT_CM_PER_FRAME`).
    """
    fps = clip.fps
    world = clip.world_joints().astype(np.float64)
    root = clip.root.astype(np.float64)
    floor = clip.floor_height() if floor is None else floor
    xz = root[:, [0, 2]]
    minutes = max(len(clip) - 1, 1) / fps / 60.0
    feet = world[:, list(TANG_FOOT_POINTS)]
    horizontal = _speed(feet[..., [0, 2]], fps)
    vertical = np.abs(np.diff(feet[..., 1], axis=0)) * fps
    standing = (feet[1:, :, 1] - floor < CONTACT_HEIGHT_CM) & (vertical < CONTACT_VERTICAL_CM_S)
    return {
        "seconds": len(clip) / fps,
        "travel_cm_per_min": float(_speed(xz, fps).sum() / fps / minutes),
        "reach_cm": float(np.linalg.norm(xz - xz[0], axis=1).max()),
        "area_m2": float(np.prod(np.ptp(xz, axis=0)) / 1e4),
        "hand_speed": float(_speed(clip.joints[:, list(TANG_HANDS)].astype(np.float64), fps).mean()),
        "foot_speed": float(_speed(clip.joints[:, list(TANG_ANKLES)].astype(np.float64), fps).mean()),
        "skate_cm_s": float(horizontal[standing].mean()) if standing.any() else float("nan"),
        "contact_share": float(standing.mean()),
        "floor_offset_cm": float(np.percentile(world[..., 1].min(axis=1), 5) - floor),
        "pfc": physical_foot_contact(world[:, list(TANG_PFC_FEET)] / 100, world[:, TANG_PFC_ROOT] / 100, fps),
        "jolts_per_min": float((_speed(world, fps).max(axis=1) / fps > JOLT_CM_PER_FRAME).sum() / minutes),
    }


def per_minute(clip: MotionClip, window_s: float = 60.0) -> list[dict]:
    """:func:`window_measures` of each whole window of a clip (the last, shorter one too if >= 10 s).

    The floor is the whole clip's, so a figure that sinks or floats over the song shows as a
    changing ``floor_offset_cm``.

    Parameters
    ----------
    clip : MotionClip
        Tang-layout joint positions.
    window_s : float
        Window length in seconds.

    Returns
    -------
    list of dict
        One row per window, with ``minute`` (its index) added.
    """
    size = int(round(window_s * clip.fps))
    floor = clip.floor_height()
    rows = []
    for k, first in enumerate(range(0, len(clip), size)):
        part = clip.cropped(first, first + size)
        if len(part) >= 10 * clip.fps:
            rows.append({"minute": k, **window_measures(part, floor)})
    return rows


def dancer_ranges(clips, window_s: float | None = 60.0, keys=None) -> dict:
    """Per measure, the median and range over the dancers' windows (or whole captures).

    Parameters
    ----------
    clips : iterable of MotionClip
        Real captures (e.g. every Tang song), at the generator's frame rate.
    window_s : float or None
        Window length as in :func:`per_minute`; None: each capture is one window.
    keys : sequence of str, optional
        Measures to summarise (default: all of :func:`window_measures`' but ``seconds``).

    Returns
    -------
    dict
        ``measure -> {"median", "low", "high"}`` (low and high: the 5th and 95th percentiles over
        windows), plus ``windows`` and ``minutes``.
    """
    rows = []
    for clip in clips:
        rows += [window_measures(clip)] if window_s is None else per_minute(clip, window_s)
    keys = keys or [k for k in rows[0] if k not in ("seconds", "minute")]
    out = {"windows": len(rows), "minutes": sum(r["seconds"] for r in rows) / 60.0}
    for key in keys:
        values = np.array([r[key] for r in rows], dtype=np.float64)
        values = values[np.isfinite(values)]
        out[key] = {"median": float(np.median(values)), "low": float(np.percentile(values, 5)),
                    "high": float(np.percentile(values, 95))}
    return out
