"""The model's per-frame motion vector (paper IV-C) and its [-1, 1] normalisation.

One frame is ``[root_dx, root_height, root_dz, q_1 (w,x,y,z), ..., q_K]`` (float32):

* ``root_dx``, ``root_dz``: the pelvis' horizontal displacement since the previous frame in
  metres, expressed in the dancer's heading frame (the yaw of the pelvis now), so the same step
  reads the same whichever way the dancer faces and a generated dance never runs out of range,
  however long. The first frame repeats the second frame's step.
* ``root_height``: the pelvis height above the floor in metres (the floor of each capture is
  estimated, see :meth:`MotionClip.grounded`).
* ``q_k``: local joint rotations of the skeleton's joints that have children (leaves carry
  none), continuous in sign over time. The paper feeds quaternions plus translation likewise.

Going back, the horizontal path is integrated from the origin, so a clip comes back with its
start on x = z = 0 and the floor at y = 0.
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import DancekitError
from dancekit.motion import quaternions as Q
from dancekit.motion.clip import MotionClip
from dancekit.motion.rotations import RotationClip, positions_to_rotations, rotations_to_positions
from dancekit.motion.skeleton import TANG_SKELETON, Skeleton

#: Leading root components: horizontal step (x, z) and height, all metres.
ROOT_DIMS = 3
#: Joints whose rotations are in the vector, in order (those of TANG_SKELETON with children).
FEATURE_JOINTS = tuple(TANG_SKELETON.names[j] for j in TANG_SKELETON.rotating_joints)
#: Length of one frame's vector for the Tang skeleton.
FEATURE_DIM = ROOT_DIMS + 4 * len(FEATURE_JOINTS)
#: A name for every component (for model cards and plots).
FEATURE_NAMES = ("root_dx", "root_height", "root_dz") + tuple(
    f"{name}.{c}" for name in FEATURE_JOINTS for c in "wxyz")

_CM_PER_M = 100.0


class FeatureError(DancekitError):
    """A feature array that does not fit the motion vector layout."""


def _heading(root_quats: np.ndarray) -> np.ndarray:
    """Yaw angle [T] of the root's forward axis (+z at rest) about the vertical."""
    forward = Q.rotate(root_quats, np.array([0.0, 0.0, 1.0]))
    return np.arctan2(forward[:, 0], forward[:, 2])


def _yaw_rotate(xz: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """Rotate horizontal vectors [T, 2] (x, z) by ``yaw`` about +y."""
    c, s = np.cos(yaw), np.sin(yaw)
    return np.stack([c * xz[:, 0] + s * xz[:, 1], -s * xz[:, 0] + c * xz[:, 1]], axis=1)


def rotations_to_features(rot: RotationClip, skeleton: Skeleton = TANG_SKELETON) -> np.ndarray:
    """[T, D] vector of a rotation clip (the root position is taken as already on the floor).

    Parameters
    ----------
    rot : RotationClip
        Local joint rotations and the root trajectory, in cm.
    skeleton : Skeleton
        Which joints rotate (their rotations go into the vector).

    Returns
    -------
    np.ndarray [shape=(T, D), dtype=float32]
        Root step and height in metres, then the joints' quaternions.
    """
    n = len(rot)
    root = rot.root / _CM_PER_M
    step = np.zeros((n, 2))
    if n > 1:
        step[1:] = np.diff(root[:, [0, 2]], axis=0)
        step[0] = step[1]
    local_step = _yaw_rotate(step, -_heading(rot.quats[:, 0]))
    quats = rot.quats[:, list(skeleton.rotating_joints)].reshape(n, -1)
    return np.concatenate([local_step[:, :1], root[:, 1:2], local_step[:, 1:], quats], axis=1).astype(np.float32)


def motion_to_features(clip: MotionClip, skeleton: Skeleton = TANG_SKELETON) -> np.ndarray:
    """[T, D] float32 motion vector of a clip (grounded, inverse kinematics, root steps).

    Parameters
    ----------
    clip : MotionClip
        Joint positions; the clip is grounded first (its floor at y = 0).
    skeleton : Skeleton
        The skeleton the positions are fitted to.

    Returns
    -------
    np.ndarray [shape=(T, D), dtype=float32]
        What the step generator learns and produces.
    """
    return rotations_to_features(positions_to_rotations(clip.grounded(), skeleton), skeleton)


def features_to_rotations(features: np.ndarray, fps: float, skeleton: Skeleton = TANG_SKELETON,
                          start_s: float = 0.0) -> RotationClip:
    """Inverse of :func:`rotations_to_features`: quaternions re-normalised, path integrated from 0.

    Parameters
    ----------
    features : np.ndarray [shape=(T, D)]
        Motion vectors (denormalised).
    fps : float
        Frame rate of the clip made.
    skeleton : Skeleton
        The skeleton of the vector layout.
    start_s : float
        Song time of frame 0, in seconds.

    Returns
    -------
    RotationClip
        Leaves without rotations get the identity; the path starts at x = z = 0.

    Raises
    ------
    FeatureError
        The array is not ``[T, D]`` for this skeleton, is empty or holds NaN or infinity.
    """
    features = np.asarray(features, dtype=np.float64)
    joints = skeleton.rotating_joints
    dim = ROOT_DIMS + 4 * len(joints)
    if features.ndim != 2 or features.shape[1] != dim or len(features) == 0:
        raise FeatureError(f"motion features must be [T, {dim}] with T >= 1, got {features.shape}")
    if not np.all(np.isfinite(features)):
        raise FeatureError("motion features contain NaN or infinite values")
    n = len(features)
    quats = np.tile(Q.IDENTITY, (n, len(skeleton), 1))
    quats[:, list(joints)] = Q.normalize(features[:, ROOT_DIMS:].reshape(n, len(joints), 4))
    step = _yaw_rotate(features[:, [0, 2]], _heading(quats[:, 0]))
    step[0] = 0.0
    xz = np.cumsum(step, axis=0)
    root = np.stack([xz[:, 0], features[:, 1], xz[:, 1]], axis=1) * _CM_PER_M
    return RotationClip(quats, root, fps, start_s)


def features_to_motion(features: np.ndarray, fps: float, skeleton: Skeleton = TANG_SKELETON,
                       start_s: float = 0.0) -> MotionClip:
    """Joint positions of a motion vector sequence (forward kinematics), for BVH, video and beat measures.

    Parameters
    ----------
    features, fps, skeleton, start_s
        As in :func:`features_to_rotations`.

    Returns
    -------
    MotionClip

    Raises
    ------
    FeatureError
        As :func:`features_to_rotations`.
    """
    return rotations_to_positions(features_to_rotations(features, fps, skeleton, start_s), skeleton)


class MotionNormalizer:
    """Per-component min/max scaling to [-1, 1] (paper IV-C), fitted on training data.

    A component that is constant in the training data maps to 0 and comes back as that
    constant. Values outside the fitted range map outside [-1, 1]; nothing is clipped.

    Parameters
    ----------
    low, high : array_like [shape=(D,)]
        Smallest and largest value of each component (usually from :meth:`fit`).

    Raises
    ------
    FeatureError
        ``low`` and ``high`` differ in length, are not finite, or ``high < low`` somewhere.
    """

    def __init__(self, low, high):
        self.low = np.asarray(low, dtype=np.float64).ravel()
        self.high = np.asarray(high, dtype=np.float64).ravel()
        if self.low.shape != self.high.shape or np.any(self.high < self.low) or not (
                np.all(np.isfinite(self.low)) and np.all(np.isfinite(self.high))):
            raise FeatureError("normaliser needs finite low <= high of one length")
        self._center = (self.low + self.high) / 2
        half = (self.high - self.low) / 2
        self._half = np.where(half > 1e-8, half, 1.0)

    @property
    def dim(self) -> int:
        """Components per frame (``D``).

        Returns
        -------
        int
        """
        return len(self.low)

    @classmethod
    def fit(cls, features) -> "MotionNormalizer":
        """Fit on one [T, D] array or an iterable of them (e.g. one per training song).

        Parameters
        ----------
        features : np.ndarray or iterable of np.ndarray
            ``[T, D]`` arrays of one width; empty ones are skipped.

        Returns
        -------
        MotionNormalizer
            Its range is that of every frame given, component by component.

        Raises
        ------
        FeatureError
            No frame, or arrays that are not ``[T, D]`` of one width.
        """
        arrays = [features] if isinstance(features, np.ndarray) else list(features)
        arrays = [np.asarray(a, dtype=np.float64) for a in arrays if len(a)]
        if not arrays or any(a.ndim != 2 or a.shape[1] != arrays[0].shape[1] for a in arrays):
            raise FeatureError("fit needs [T, D] arrays of one width with at least one frame")
        return cls(np.min([a.min(axis=0) for a in arrays], axis=0), np.max([a.max(axis=0) for a in arrays], axis=0))

    def _check(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.shape[-1] != self.dim:
            raise FeatureError(f"normaliser fitted on {self.dim} components, got {x.shape[-1]}")
        return x

    def transform(self, features: np.ndarray) -> np.ndarray:
        """Scale motion vectors to [-1, 1], the range the network is trained on.

        Parameters
        ----------
        features : np.ndarray [shape=(..., D)]

        Returns
        -------
        np.ndarray [shape=(..., D), dtype=float32]

        Raises
        ------
        FeatureError
            The last axis is not ``D`` long.
        """
        return ((self._check(features) - self._center) / self._half).astype(np.float32)

    def inverse(self, normalized: np.ndarray) -> np.ndarray:
        """Undo :meth:`transform` (a network's output back to motion vectors).

        Parameters
        ----------
        normalized : np.ndarray [shape=(..., D)]
            Values in (about) [-1, 1].

        Returns
        -------
        np.ndarray [shape=(..., D), dtype=float32]
            In the fitted units; a component constant in training comes back as that constant.
        """
        return (self._check(normalized) * self._half + self._center).astype(np.float32)

    def to_dict(self) -> dict:
        """JSON-ready (plain floats) for the model card."""
        return {"kind": "minmax", "low": [float(v) for v in self.low], "high": [float(v) for v in self.high]}

    @classmethod
    def from_dict(cls, data: dict) -> "MotionNormalizer":
        """Read back :meth:`to_dict`'s output (from a model card).

        Parameters
        ----------
        data : dict
            ``kind`` (``"minmax"``), ``low`` and ``high``.

        Returns
        -------
        MotionNormalizer

        Raises
        ------
        FeatureError
            An unknown kind or a malformed description.
        """
        try:
            if data.get("kind", "minmax") != "minmax":
                raise FeatureError(f"unknown normaliser kind {data.get('kind')!r}")
            return cls(data["low"], data["high"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise FeatureError(f"bad normaliser description: {exc}") from None


def keep_root_upright(features: np.ndarray, max_tilt_deg: float = 60.0) -> np.ndarray:
    """Limit the pelvis tilt of generated features (denormalised) to ``max_tilt_deg``; heading is kept.

    The pelvis quaternion carries the dancer's heading, which turns through the whole circle, so
    per-component normalisation puts "no idea" (a network output near the middle of the range)
    at w = y = 0: a pelvis turned upside down. Split into a twist about the vertical axis (the
    heading, from w and y) and a swing (the tilt), limited to a little more than the 55 degrees
    real Tang pelvises reach.

    Parameters
    ----------
    features : np.ndarray [shape=(T, D)]
        Generated motion vectors, denormalised.
    max_tilt_deg : float
        Largest pelvis tilt from upright, in degrees.

    Returns
    -------
    np.ndarray [shape=(T, D), dtype=float32]
        A copy with the pelvis quaternion limited.
    """
    out = np.array(features, dtype=np.float32, copy=True)
    q = out[:, ROOT_DIMS:ROOT_DIMS + 4].astype(np.float64)
    twist = np.zeros_like(q)
    twist[:, 0], twist[:, 2] = q[:, 0], q[:, 2]
    norm = np.linalg.norm(twist, axis=1, keepdims=True)
    twist = np.where(norm > 1e-6, twist / np.maximum(norm, 1e-12), np.array([1.0, 0, 0, 0]))
    swing = Q.multiply(Q.normalize(q), Q.conjugate(twist))
    swing *= np.where(swing[:, :1] < 0, -1.0, 1.0)
    half = np.arccos(np.clip(swing[:, 0], -1.0, 1.0))
    limit = np.deg2rad(max_tilt_deg) / 2
    axis = swing[:, 1:] / np.maximum(np.linalg.norm(swing[:, 1:], axis=1, keepdims=True), 1e-12)
    half = np.minimum(half, limit)
    swing = np.concatenate([np.cos(half)[:, None], axis * np.sin(half)[:, None]], axis=1)
    out[:, ROOT_DIMS:ROOT_DIMS + 4] = Q.multiply(swing, twist)
    return out


#: Fastest pelvis turn kept in generated motion, degrees per frame at 30 fps (900 deg/s). The Tang
#: dancers turn at most 38 degrees in a frame (99.9 % of frames under 27); the shipped generator
#: now and then spins the figure by 100 degrees in one frame, which reads as a glitch.
MAX_TURN_DEG_PER_FRAME = 30.0


def limit_turn_rate(features: np.ndarray, max_deg_per_frame: float = MAX_TURN_DEG_PER_FRAME) -> np.ndarray:
    """Limit how fast the pelvis heading of generated features (denormalised) turns; tilt is kept.

    The heading is the twist of the pelvis quaternion about the vertical; its change from frame
    to frame is clipped to ``max_deg_per_frame`` and accumulated, so a spin the network makes too
    fast is spread over a few frames and the figure faces where the network wants soon after.

    Parameters
    ----------
    features : np.ndarray [shape=(T, D)]
        Generated motion vectors, denormalised.
    max_deg_per_frame : float
        Largest heading change between two frames, in degrees.

    Returns
    -------
    np.ndarray [shape=(T, D), dtype=float32]
        A copy with the pelvis quaternion's twist limited.
    """
    out = np.array(features, dtype=np.float32, copy=True)
    if len(out) < 2:
        return out
    q = Q.normalize(out[:, ROOT_DIMS:ROOT_DIMS + 4].astype(np.float64))
    heading = 2 * np.arctan2(q[:, 2], q[:, 0])  # twist about +y (q and -q: 2 pi apart, one rotation)
    limit = np.deg2rad(max_deg_per_frame)
    if np.all(np.abs(_wrapped(np.diff(heading))) <= limit):
        return out
    kept = heading.copy()
    for t in range(1, len(kept)):  # the shortest way towards the network's heading, at most the limit
        kept[t] = kept[t - 1] + np.clip(_wrapped(heading[t] - kept[t - 1]), -limit, limit)
    fix = kept - heading
    yaw = np.zeros((len(q), 4))
    yaw[:, 0], yaw[:, 2] = np.cos(fix / 2), np.sin(fix / 2)
    out[:, ROOT_DIMS:ROOT_DIMS + 4] = Q.multiply(yaw, q)
    return out


def _wrapped(angle: np.ndarray) -> np.ndarray:
    """Angles (radians) wrapped to [-pi, pi)."""
    return (np.asarray(angle) + np.pi) % (2 * np.pi) - np.pi
