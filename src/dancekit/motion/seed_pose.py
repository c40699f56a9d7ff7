"""A starting pose for step generation, read from the first frame of a BVH file.

Users of EDGE and Bailando ask to continue a dance they already have: the generator should start
from its last pose instead of the training set's mean pose. Joint rotations only mean the same
pose on the same skeleton, so the file must carry every joint of the model's skeleton by name,
with the same parents and rest directions (a file written by ``dancekit generate``, or a Tang
capture written by :func:`dancekit.motion.bvh.write_bvh`). Bone lengths may differ (another
dancer's build or another unit): the pelvis height is scaled by the file's bone lengths against
ours, so a file in metres reads the same as one in centimetres.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.motion.bvh import BvhError, read_bvh
from dancekit.motion.features import rotations_to_features
from dancekit.motion.rotations import RotationClip, forward_kinematics
from dancekit.motion.skeleton import TANG_SKELETON, Skeleton

#: Largest angle (degrees) between a bone's rest direction in the file and in our skeleton.
MAX_REST_ANGLE_DEG = 15.0


class SeedPoseError(DancekitError):
    """A seed-pose file that cannot be read or does not fit the model's skeleton."""

    exit_code = EXIT_USAGE


@dataclass
class SeedPose:
    """One pose as the step generator's motion vector, and where it stands on the floor.

    Parameters
    ----------
    features : np.ndarray [shape=(D,)]
        Denormalised motion vector (root step zero, pelvis height in metres, joint quaternions).
    root_xz : np.ndarray [shape=(2,)]
        Horizontal pelvis position in our centimetres, so generated motion can continue from it.
    """

    features: np.ndarray
    root_xz: np.ndarray


def _joint_map(file_skeleton: Skeleton, skeleton: Skeleton, path: Path) -> list[int]:
    """File joint index of each of our joints; every name and parent must be there."""
    index = {name: j for j, name in enumerate(file_skeleton.names)}
    missing = [name for name in skeleton.names if name not in index]
    if missing:
        shown = ", ".join(missing[:4]) + (" ..." if len(missing) > 4 else "")
        raise SeedPoseError(f"{path}: skeleton does not fit the step model: it lacks the joints {shown} "
                            f"(a BVH written by dancekit generate fits)")
    mapping = [index[name] for name in skeleton.names]
    for j, parent in enumerate(skeleton.parents):
        if parent < 0:
            continue
        file_parent = file_skeleton.parents[mapping[j]]
        if file_parent != mapping[parent]:
            got = file_skeleton.names[file_parent] if file_parent >= 0 else "no parent"
            raise SeedPoseError(f"{path}: skeleton does not fit the step model: joint {skeleton.names[j]!r} "
                                f"hangs from {got!r}, not {skeleton.names[parent]!r}")
    return mapping


def _bone_scale(file_skeleton: Skeleton, skeleton: Skeleton, mapping: list[int], path: Path) -> float:
    """File length units per centimetre of ours; rest directions must agree."""
    ratios = []
    for j in range(1, len(skeleton)):
        ours, theirs = skeleton.offsets[j], file_skeleton.offsets[mapping[j]]
        a, b = np.linalg.norm(ours), np.linalg.norm(theirs)
        if a < 1e-6:
            continue
        if b < 1e-9:
            raise SeedPoseError(f"{path}: skeleton does not fit the step model: bone {skeleton.names[j]!r} has no length")
        angle = np.degrees(np.arccos(np.clip(np.dot(ours, theirs) / (a * b), -1.0, 1.0)))
        if angle > MAX_REST_ANGLE_DEG:
            raise SeedPoseError(f"{path}: skeleton does not fit the step model: the rest direction of "
                                f"{skeleton.names[j]!r} differs from ours by {angle:.0f} degrees "
                                f"(a T-pose facing +z with +y up is expected)")
        ratios.append(b / a)
    return float(np.median(ratios))


def read_seed_pose(path: str | Path, skeleton: Skeleton = TANG_SKELETON) -> SeedPose:
    """The first frame of a BVH file as a starting pose for :class:`dancekit.motion.generate.StepGenerator`.

    Parameters
    ----------
    path : str or Path
        A BVH file whose skeleton has every joint of ``skeleton`` (names, parents, rest directions).
    skeleton : Skeleton
        The model's skeleton.

    Returns
    -------
    SeedPose
        Its motion vector (pelvis height measured from the frame's lowest joint) and floor position.

    Raises
    ------
    SeedPoseError
        The file is not readable BVH or its skeleton does not fit.
    """
    path = Path(path)
    try:
        motion, file_skeleton = read_bvh(path)
    except BvhError as err:
        raise SeedPoseError(f"--seed-pose: {err}") from None
    mapping = _joint_map(file_skeleton, skeleton, path)
    scale = _bone_scale(file_skeleton, skeleton, mapping, path)
    world = forward_kinematics(motion.quats[:1], motion.root[:1], file_skeleton)[0]
    root = motion.root[0] / scale
    floor = world[:, 1].min() / scale
    quats = motion.quats[:1, mapping]
    first = RotationClip(quats, np.array([[root[0], root[1] - floor, root[2]]]), motion.fps)
    return SeedPose(rotations_to_features(first, skeleton)[0], np.array([root[0], root[2]]))
