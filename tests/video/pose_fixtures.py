"""Generated keypoint tracks of two motion patterns, for training the pose classifier in seconds."""

import numpy as np

from dancekit.video import pose_sequences as ps

K = {n: i for i, n in enumerate(ps.KEYPOINTS)}


def figure(n: int) -> np.ndarray:
    """``[n, 13, 3]``: a standing figure (cm, y up) facing +z, the same in every frame."""
    base = {"nose": (0, 170, 5), "shoulder": (18, 145, 0), "elbow": (22, 117, 0), "wrist": (24, 90, 0),
            "hip": (10, 95, 0), "knee": (10, 50, 0), "ankle": (10, 8, 0)}
    rows = [base["nose"]] + [((1 if n.startswith("left") else -1) * base[n.split("_")[1]][0],) + base[n.split("_")[1]][1:]
                             for n in ps.KEYPOINTS[1:]]
    return np.repeat(np.array(rows, float)[None], n, axis=0)


def pattern(kind: int, n: int, rng) -> np.ndarray:
    """0: arms swing forward and back; 1: knees bend (body bobs). Random tempo, phase, size."""
    t = np.arange(n) / 15.0
    phase = 2 * np.pi * rng.uniform(0.8, 1.6) * t + rng.uniform(0, 2 * np.pi)
    amp = rng.uniform(0.7, 1.3)
    p = figure(n)
    if kind == 0:
        for side, sign in (("left", 1), ("right", -1)):
            p[:, K[f"{side}_elbow"], 2] += sign * 15 * amp * np.sin(phase)
            p[:, K[f"{side}_wrist"], 2] += sign * 30 * amp * np.sin(phase)
    else:
        bob = 10 * amp * (1 - np.cos(phase)) / 2
        p[:, :, 1] -= bob[:, None] * (np.arange(13) < 11)[None]  # all but the ankles go down
        for side in ("left", "right"):
            p[:, K[f"{side}_knee"], 2] += 1.5 * bob
    return p + rng.normal(0, 0.5, p.shape)


def pattern_songs(n: int, frames: int = 60, seed: int = 0) -> tuple[list, list[int]]:
    """``n`` songs alternating the two patterns, and their classes (0, 1, 0, ...)."""
    rng = np.random.default_rng(seed)
    songs = [ps.PoseSong(f"s{i}", str(i % 2), pattern(i % 2, frames, rng)) for i in range(n)]
    return songs, [i % 2 for i in range(n)]
