"""Small generated dances on the Tang skeleton, made by forward kinematics (so every bone is exact)."""

import numpy as np

from dancekit.motion import quaternions as Q
from dancekit.motion.rotations import RotationClip, rotations_to_positions
from dancekit.motion.skeleton import TANG_SKELETON


def swaying_rotations(n_frames: int = 60, fps: float = 30.0, seed: int = 0, turn_deg_per_s: float = 40.0,
                      amplitude_deg: float = 35.0) -> RotationClip:
    """Smooth random joint rotations (with twist), a turning pelvis and a root that travels and bobs."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_frames) / fps
    quats = np.tile(Q.IDENTITY, (n_frames, len(TANG_SKELETON), 1))
    for j in TANG_SKELETON.rotating_joints:
        axis = rng.normal(size=3)
        axis /= np.linalg.norm(axis)
        freq, phase = rng.uniform(0.5, 2.0), rng.uniform(0, 2 * np.pi)
        angle = np.radians(amplitude_deg) * np.sin(2 * np.pi * freq * t + phase)
        quats[:, j] = np.concatenate([np.cos(angle / 2)[:, None], np.sin(angle / 2)[:, None] * axis], axis=1)
    yaw = np.radians(turn_deg_per_s) * t
    turn = np.stack([np.cos(yaw / 2), np.zeros_like(yaw), np.sin(yaw / 2), np.zeros_like(yaw)], axis=1)
    quats[:, 0] = Q.multiply(turn, quats[:, 0])
    root = np.stack([60 * np.sin(0.5 * t), 95 + 4 * np.sin(2 * np.pi * t), 40 * t], axis=1)
    return RotationClip(Q.continuous(quats), root, fps, start_s=1.5)


def swaying_clip(n_frames: int = 60, fps: float = 30.0, seed: int = 0, **kw):
    """The joint positions of :func:`swaying_rotations` as a MotionClip (23 Tang joints)."""
    return rotations_to_positions(swaying_rotations(n_frames, fps, seed, **kw))


def bvhio_view(path, frames=None):
    """What an independent BVH reader (bvhio, as Blender's importer reads the same fields) sees in a file.

    Returns ``(frame_time, frame_count, names, bone_lengths [J], world positions [len(frames), J, 3])``
    with every joint in file order; ``frames`` defaults to all of them.
    """
    import pytest

    bvhio = pytest.importorskip("bvhio")
    container = bvhio.readAsBvh(str(path))
    root = bvhio.readAsHierarchy(str(path))
    joints = [j for j, _, _ in root.layout()]
    root.loadRestPose(recursive=True)
    lengths = np.array([0.0] + [np.linalg.norm([j.Position.x, j.Position.y, j.Position.z]) for j in joints[1:]])
    frames = range(container.FrameCount) if frames is None else frames
    world = []
    for frame in frames:
        root.loadPose(frame, recursive=True)
        world.append([[j.PositionWorld.x, j.PositionWorld.y, j.PositionWorld.z] for j in joints])
    return container.FrameTime, container.FrameCount, [j.Name for j in joints], lengths, np.array(world)
