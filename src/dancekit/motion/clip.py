"""A motion clip as joint positions: the one currency between loaders, models, BVH and renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class MotionClip:
    """``joints`` [T, J, 3] relative to the root and ``root`` [T, 3] world trajectory, in cm, y up.

    ``start_s`` is where the clip begins in its song, so motion and music stay aligned after
    cropping or resampling.

    Parameters
    ----------
    joints : np.ndarray [shape=(T, J, 3)]
        Joint positions relative to the root, in cm (stored as float32).
    root : np.ndarray [shape=(T, 3)]
        World trajectory of the root, in cm.
    fps : float
        Frames per second.
    start_s : float
        Song time of frame 0, in seconds.
    meta : dict
        Where the clip comes from (song, dance, audio path), carried through every copy.

    Raises
    ------
    ValueError
        The arrays are not ``[T, J, 3]`` and ``[T, 3]``.
    """

    joints: np.ndarray
    root: np.ndarray
    fps: float
    start_s: float = 0.0
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.joints = np.asarray(self.joints, dtype=np.float32)
        self.root = np.asarray(self.root, dtype=np.float32)
        if self.joints.ndim != 3 or self.joints.shape[2] != 3:
            raise ValueError(f"joints must be [T, J, 3], got {self.joints.shape}")
        if self.root.shape != (len(self.joints), 3):
            raise ValueError(f"root must be [{len(self.joints)}, 3], got {self.root.shape}")

    def __len__(self) -> int:
        return len(self.joints)

    @property
    def duration_s(self) -> float:
        """Length of the clip in seconds.

        Returns
        -------
        float
        """
        return len(self) / self.fps

    def world_joints(self) -> np.ndarray:
        """Joint positions in world coordinates [T, J, 3]."""
        return self.joints + self.root[:, None, :]

    def retimed(self, clock: float) -> "MotionClip":
        """The same frames on a corrected clock: frame k falls at ``start_s + k / fps * clock`` in its song.

        A capture whose clock runs fast against its music (``clock`` > 1, see
        :mod:`dancekit.motion.beat_phase`) drifts off the beat over a minute; retimed, it stays on it.

        Parameters
        ----------
        clock : float
            Song seconds per nominal clip second (> 0; > 1 for a capture whose clock runs fast).

        Returns
        -------
        MotionClip
            The same frames at ``fps / clock``.

        Raises
        ------
        ValueError
            ``clock`` is not a positive number.
        """
        if not np.isfinite(clock) or clock <= 0:
            raise ValueError(f"clock must be a positive number, got {clock}")
        return MotionClip(self.joints, self.root, self.fps / clock, self.start_s, dict(self.meta))

    def resampled(self, fps: float) -> "MotionClip":
        """Linear interpolation to a new frame rate (the paper works at 30 fps, Tang records 25).

        Parameters
        ----------
        fps : float
            The new frame rate.

        Returns
        -------
        MotionClip
            The clip itself when the rate is already ``fps``; otherwise a new clip of the same
            span (no frame past the last one is invented).
        """
        if fps == self.fps:
            return self
        n_out = max(1, int(np.floor((len(self) - 1) * fps / self.fps)) + 1)
        t_out = np.arange(n_out) / fps
        t_in = np.arange(len(self)) / self.fps

        def interp(a):
            flat = a.reshape(len(a), -1)
            out = np.stack([np.interp(t_out, t_in, flat[:, k]) for k in range(flat.shape[1])], axis=1)
            return out.reshape((n_out,) + a.shape[1:])

        return MotionClip(interp(self.joints), interp(self.root), fps, self.start_s, dict(self.meta))

    def floor_height(self, percentile: float = 5.0) -> float:
        """Height of the floor: a low percentile of the lowest joint in each frame.

        Captures put the floor at different heights (-8 to +8 cm in the Tang set); a
        percentile rather than the minimum ignores jumps of single glitched frames.

        Parameters
        ----------
        percentile : float
            Percentile (0-100) over frames of the lowest joint's height.

        Returns
        -------
        float
            Floor height in cm.
        """
        return float(np.percentile(self.world_joints()[..., 1].min(axis=1), percentile))

    def grounded(self, percentile: float = 5.0) -> "MotionClip":
        """The same clip moved vertically so that its floor (see :meth:`floor_height`) is y = 0.

        Parameters
        ----------
        percentile : float
            As in :meth:`floor_height`.

        Returns
        -------
        MotionClip
        """
        root = self.root.copy()
        root[:, 1] -= self.floor_height(percentile)
        return MotionClip(self.joints, root, self.fps, self.start_s, dict(self.meta))

    def cropped(self, first: int, stop: int) -> "MotionClip":
        """Frames ``first:stop``; the start time moves with them, so the crop stays aligned with its song.

        Parameters
        ----------
        first : int
            First frame kept.
        stop : int
            Frame after the last one kept.

        Returns
        -------
        MotionClip
        """
        return MotionClip(self.joints[first:stop], self.root[first:stop], self.fps,
                          self.start_s + first / self.fps, dict(self.meta))
