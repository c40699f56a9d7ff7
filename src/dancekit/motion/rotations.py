"""Joint positions <-> per-joint rotations (inverse and forward kinematics) on a fixed skeleton.

The model and BVH files speak rotations; the capture gives positions. Inverse kinematics here
is direct (no optimisation), from bone directions, one joint at a time from the root down:

* a joint with one child bone gets the *shortest-arc* rotation that turns the rest direction of
  that bone into the captured one, measured in the parent's frame. This is the twist choice:
  no twist about the bone relative to the parent (a bone direction cannot show its twist).
  It is defined everywhere except for a bone pointing exactly opposite to its rest direction,
  which the T-pose rest directions keep out of reach of human poses.
* a joint with several child bones (pelvis: both hips; ankle: heel and toe) gets the rotation
  that best aligns all of them (Kabsch). Where the children lie on one line (chest: both
  shoulders; head: its two sides) that line is matched exactly and the roll about it is the
  one that keeps the incoming bone (spine, neck) in its rest plane.
* leaves carry no rotation (identity).

Quaternion signs are made continuous over time (``q`` and ``-q`` are one rotation; the first
frame has ``w >= 0``), so the representation has no jumps for a network or an interpolator.

Bone lengths are those of the skeleton, so a clip comes back with the skeleton's proportions:
for the Tang data (bone lengths that wander by about 10 % and two dancer builds) that costs a
few centimetres; the measured figures are in the tests and the project notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dancekit.motion import quaternions as Q
from dancekit.motion.clip import MotionClip
from dancekit.motion.skeleton import TANG_SKELETON, Skeleton, SkeletonError



@dataclass
class RotationClip:
    """Local joint rotations ``quats`` [T, J, 4] (w, x, y, z) and ``root`` [T, 3] world position (cm).

    ``root`` is where the skeleton's root joint is; ``start_s`` and ``meta`` travel as in
    :class:`MotionClip`.

    Parameters
    ----------
    quats : np.ndarray [shape=(T, J, 4)]
        Each joint's rotation relative to its parent, scalar first (stored as float64).
    root : np.ndarray [shape=(T, 3)]
        World position of the root joint, in cm.
    fps : float
        Frames per second.
    start_s : float
        Song time of frame 0, in seconds.
    meta : dict
        Where the clip comes from, as in :class:`MotionClip`.

    Raises
    ------
    ValueError
        The arrays are not ``[T, J, 4]`` and ``[T, 3]``.
    """

    quats: np.ndarray
    root: np.ndarray
    fps: float
    start_s: float = 0.0
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.quats = np.asarray(self.quats, dtype=np.float64)
        self.root = np.asarray(self.root, dtype=np.float64)
        if self.quats.ndim != 3 or self.quats.shape[2] != 4:
            raise ValueError(f"quats must be [T, J, 4], got {self.quats.shape}")
        if self.root.shape != (len(self.quats), 3):
            raise ValueError(f"root must be [{len(self.quats)}, 3], got {self.root.shape}")

    def __len__(self) -> int:
        return len(self.quats)


def _kabsch(rest: np.ndarray, current: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Rotations [T, 3, 3] minimising sum_k w_k |R rest_k - current_tk|^2 (rest [K,3], current [T,K,3])."""
    h = np.einsum("k,ki,tkj->tij", weights, rest, current)
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(np.einsum("tji,tkj->tik", vt, u)))
    d = np.where(d == 0, 1.0, d)
    fix = np.ones(u.shape[:1] + (3,))
    fix[:, 2] = d
    return np.einsum("tji,tj,tkj->tik", vt, fix, u)


def _frame(axis: np.ndarray, secondary: np.ndarray) -> np.ndarray:
    """Orthonormal frames [..., 3, 3] (columns): ``axis``, then ``secondary`` made orthogonal to it."""
    e1 = _unit(axis)
    e2 = _unit(secondary - np.sum(secondary * e1, axis=-1, keepdims=True) * e1)
    return np.stack([e1, e2, np.cross(e1, e2)], axis=-1)


def _collinear_frame(rest: np.ndarray, current: np.ndarray, incoming: np.ndarray, to_parent) -> np.ndarray:
    """Rotations [T, 3, 3] for children on one line: the line exactly, the roll from the incoming bone.

    The roll about the line puts the bone to the parent in the same half-plane (bounded by the
    line) as at rest: for the chest, the spine hangs below the shoulder line as in the T-pose.
    """
    signs = np.sign(rest @ rest[0])
    axis_now = np.einsum("k,tkj->tj", signs, current)
    if to_parent is None or np.linalg.norm(incoming) < 1e-9:
        rest_ref, ref_now = np.array([0.0, 0.0, 1.0]), np.broadcast_to([0.0, 0.0, 1.0], axis_now.shape)
    else:
        rest_ref, ref_now = -incoming, to_parent
    return _frame(axis_now, ref_now) @ np.swapaxes(_frame(rest[0], rest_ref), -1, -2)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def positions_to_rotations(clip: MotionClip, skeleton: Skeleton = TANG_SKELETON) -> RotationClip:
    """Inverse kinematics: the rotations that put the skeleton's bones along the clip's bones.

    Parameters
    ----------
    clip : MotionClip
        Joint positions in the skeleton's clip layout.
    skeleton : Skeleton
        The skeleton whose rest pose and ``sources`` the rotations refer to.

    Returns
    -------
    RotationClip
        Sign-continuous local rotations, ``root`` at the skeleton's root joint.

    Raises
    ------
    SkeletonError
        The clip has no frames, or fewer joints than the skeleton reads.
    """
    pos = skeleton.joint_positions(clip.world_joints())
    n_frames, n_joints = pos.shape[:2]
    if n_frames == 0:
        raise SkeletonError("clip has no frames")
    offsets = skeleton.offsets
    moving = np.linalg.norm(offsets, axis=1) > 1e-9
    glob = np.zeros((n_frames, n_joints, 4))
    local = np.zeros((n_frames, n_joints, 4))
    for j in range(n_joints):
        parent = skeleton.parents[j]
        parent_rot = glob[:, parent] if parent >= 0 else np.broadcast_to(Q.IDENTITY, (n_frames, 4))
        kids = [c for c in skeleton.children(j) if moving[c]]
        if not kids:
            local[:, j] = Q.IDENTITY
        elif len(kids) == 1:
            bone = Q.rotate(Q.conjugate(parent_rot), pos[:, kids[0]] - pos[:, j])
            local[:, j] = Q.shortest_arc(offsets[kids[0]], bone)
        else:
            rest = np.array([_unit(offsets[c]) for c in kids])
            current = np.stack([_unit(pos[:, c] - pos[:, j]) for c in kids], axis=1)
            if np.linalg.matrix_rank(rest, tol=1e-6) >= 2:
                rot = _kabsch(rest, current, np.ones(len(kids)))
            else:
                rot = _collinear_frame(rest, current, offsets[j], pos[:, parent] - pos[:, j] if parent >= 0 else None)
            local[:, j] = Q.multiply(Q.conjugate(parent_rot), Q.from_matrix(rot))
        glob[:, j] = Q.multiply(parent_rot, local[:, j])
    local = Q.normalize(local)
    local[0] *= np.where(local[0, :, :1] < 0, -1.0, 1.0)
    local = Q.continuous(local, axis=0)
    return RotationClip(local, pos[:, 0], clip.fps, clip.start_s, dict(clip.meta))


def forward_kinematics(quats: np.ndarray, root: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """World positions [T, J, 3] of every skeleton joint from local rotations and the root position.

    Parameters
    ----------
    quats : np.ndarray [shape=(T, J, 4)]
        Local rotations, one per skeleton joint (normalised here).
    root : np.ndarray [shape=(T, 3)]
        World position of the root joint.
    skeleton : Skeleton
        Parents and rest offsets.

    Returns
    -------
    np.ndarray [shape=(T, J, 3)]
        Positions in the units of the offsets and the root (cm).

    Raises
    ------
    SkeletonError
        The rotations are not one per skeleton joint.
    """
    quats = Q.normalize(quats)
    if quats.ndim != 3 or quats.shape[1] != len(skeleton):
        raise SkeletonError(f"rotations are for {quats.shape[1] if quats.ndim == 3 else '?'} joints, "
                            f"the skeleton has {len(skeleton)}")
    glob = np.empty_like(quats)
    pos = np.empty(quats.shape[:2] + (3,))
    glob[:, 0] = quats[:, 0]
    pos[:, 0] = root
    for j in range(1, len(skeleton)):
        parent = skeleton.parents[j]
        glob[:, j] = Q.multiply(glob[:, parent], quats[:, j])
        pos[:, j] = pos[:, parent] + Q.rotate(glob[:, parent], skeleton.offsets[j])
    return pos


def rotations_to_positions(rot: RotationClip, skeleton: Skeleton = TANG_SKELETON) -> MotionClip:
    """Forward kinematics back to a clip in the skeleton's clip layout (23 Tang joints for Tang).

    The returned clip's ``root`` is the skeleton's root joint (the pelvis for Tang), so its
    ``joints`` are relative to that; compare clips by :meth:`MotionClip.world_joints`.

    Parameters
    ----------
    rot : RotationClip
        Local rotations on ``skeleton``.
    skeleton : Skeleton
        Its ``output_joints`` pick the clip's joints.

    Returns
    -------
    MotionClip
    """
    pos = forward_kinematics(rot.quats, rot.root, skeleton)
    world = pos[:, list(skeleton.output_joints)]
    return MotionClip(world - pos[:, :1], pos[:, 0], rot.fps, rot.start_s, dict(rot.meta))


def reconstruction_error_mm(original: MotionClip, rebuilt: MotionClip) -> np.ndarray:
    """Per-frame, per-joint distance [T, J] in mm between two clips' world joints (cm in, mm out).

    Measures what an inverse/forward kinematics round trip loses.

    Parameters
    ----------
    original, rebuilt : MotionClip
        Clips of the same frames and joints.

    Returns
    -------
    np.ndarray [shape=(T, J)]
    """
    return 10.0 * np.linalg.norm(original.world_joints().astype(np.float64) - rebuilt.world_joints(), axis=-1)
