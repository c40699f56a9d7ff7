"""How much a figure moves: limb speed, floor travel and how smooth the movement is.

Why these: a step generator trained on a mean-squared error drifts towards the mean pose, and a
speed term in its loss can be met by frame-to-frame shaking; limb speed catches the first, the
share of speed a short moving average keeps catches the second, both measured against the dancer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from dancekit.motion.clip import MotionClip
from dancekit.motion.generate import generate_steps
from dancekit.motion.tang import load_tang_motion
from dancekit.motion.tang_songs import tang_motion_songs


def _mean_speed(points: np.ndarray, fps: float) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=-1).mean() * fps)


def limb_speed(clip: MotionClip) -> float:
    """Mean speed (cm/s) of the joints relative to the pelvis: how much the body moves.

    Parameters
    ----------
    clip : MotionClip
        Joints relative to the root, so travel over the floor does not count.

    Returns
    -------
    float
        Averaged over joints and frame steps.
    """
    return _mean_speed(clip.joints, clip.fps)


def smooth_share(clip: MotionClip, frames: int = 5) -> float:
    """Share of the limb speed left after a ``frames``-frame moving average.

    Near 1 for a dancer's smooth motion (measured 0.88-0.94), low for frame-to-frame shaking.

    Parameters
    ----------
    clip : MotionClip
    frames : int
        Length of the moving average.

    Returns
    -------
    float
        1.0 for a figure that does not move.
    """
    kernel = np.ones(frames) / frames
    flat = clip.joints.reshape(len(clip), -1)
    smoothed = np.stack([np.convolve(flat[:, k], kernel, mode="valid") for k in range(flat.shape[1])], axis=1)
    raw = np.linalg.norm(np.diff(clip.joints, axis=0), axis=-1).mean()
    kept = np.linalg.norm(np.diff(smoothed.reshape(len(smoothed), *clip.joints.shape[1:]), axis=0), axis=-1).mean()
    return float(kept / raw) if raw > 0 else 1.0


def floor_speed(clip: MotionClip) -> float:
    """Mean speed (cm/s) of the pelvis over the floor: how much the dancer travels.

    Parameters
    ----------
    clip : MotionClip
        Its root trajectory is read (y up).

    Returns
    -------
    float
        Horizontal speed only: bobbing up and down does not count.
    """
    return _mean_speed(clip.root[:, [0, 2]], clip.fps)


def movement_row(real: MotionClip, generated: dict[str, MotionClip]) -> dict:
    """Limb speed, floor travel and smooth share of the dancer (``real_*``) and each labelled clip.

    Parameters
    ----------
    real : MotionClip
        The dancer; ``meta`` names the song and dance.
    generated : dict
        Label -> generated clip of the same song.

    Returns
    -------
    dict
        ``song``, ``dance``, then ``<who>_limb``, ``<who>_travel``, ``<who>_smooth`` per figure.
    """
    row = {"song": real.meta.get("song"), "dance": real.meta.get("dance")}
    for who, clip in {"real": real, **generated}.items():
        row[f"{who}_limb"], row[f"{who}_travel"] = limb_speed(clip), floor_speed(clip)
        row[f"{who}_smooth"] = smooth_share(clip)
    return row


def tang_movement_rows(root: str | Path, models: dict[str, str | Path], seconds: float = 60.0,
                       limit: int | None = None, fps: int = 30,
                       progress: Callable | None = None) -> list[dict]:
    """:func:`movement_row` of the dancer and each model on the first ``seconds`` of the Tang test songs.

    Parameters
    ----------
    root : str or Path
        The Tang dance folder.
    models : dict
        Label -> model name or folder.
    seconds : float
        How much of each song.
    limit : int, optional
        At most this many songs.
    fps : int
        Frame rate the dancer is resampled to.
    progress : callable, optional
        ``progress(items, desc=...)`` wraps the song list (e.g. ``tqdm``).

    Returns
    -------
    list of dict
        One row per song.
    """
    folders, _ = tang_motion_songs(root, ["test"])
    folders = folders[:limit]
    rows = []
    for folder in progress(folders, desc="songs") if progress else folders:
        real = load_tang_motion(folder).resampled(fps).cropped(0, int(seconds * fps))
        generated = {label: generate_steps(real.meta["audio"], model=path, dance=real.meta["dance"],
                                           seconds=len(real) / fps) for label, path in models.items()}
        rows.append(movement_row(real, generated))
    return rows
