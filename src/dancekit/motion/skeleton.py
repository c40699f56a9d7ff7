"""The fixed skeleton hierarchy with its rest pose, and the one inferred for the Tang motion capture.

The Tang data ships 23 unnamed joint positions. The hierarchy below was inferred from the data
(all 43 clips): parent-child pairs are the joint pairs whose distance stays nearly constant over
time (a bone), checked against anatomy on rest-ish frames. What the indices are:

* 2 is the pelvis (about 12 cm above the two hip joints 7 and 16, which are 21 cm apart);
  the Tang ``center`` is not a joint (it is close to the centroid of all joints).
* 3..11 and 12..20 are the two body sides, in the same order: shoulder, elbow, forearm point,
  wrist, hip, knee, ankle, heel, toe. 0 and 1 are the two sides of the head (ear to ear,
  parallel to the shoulders in Cha-cha and Rumba; turned about 70 degrees in Waltz, where the
  head is held turned). 22 is a hand point 5 cm past the wrist of side 3..11; 21 and 14 are two
  points on the forearm of side 12..20 (so its wrist is 15), a capture quirk that is kept as is.
* Which side is the dancer's right: with y up and the knees and toes pointing forward, side
  3..11 is on the right in a right-handed frame (the BVH convention); the data does not say
  which handedness it was captured in, so "right" and "left" rest on that assumption.

Bone lengths vary by about 10 % within a clip (the capture is noisy) and the clips come from two
dancer builds (Cha-cha/Rumba with longer shins than Waltz/Tango), so one skeleton with mean
lengths reproduces a clip only to a few centimetres: see :mod:`dancekit.motion.rotations`.

Three joints do not exist in the data and are added so that every rotation is well defined:
``spine`` (on the pelvis, zero offset) carries the bend of the trunk so the pelvis keeps its own
orientation; ``chest`` is the midpoint of the shoulders; ``neck`` (on the chest, zero offset)
carries the head so the shoulders keep theirs; ``head`` is the midpoint of the two head points.

The rest pose is a T-pose facing +z with +y up and the dancer's left on +x; offsets are in cm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dancekit.errors import DancekitError


class SkeletonError(DancekitError):
    """A skeleton definition or a clip that does not fit its skeleton."""


@dataclass(eq=False)
class Skeleton:
    """A joint hierarchy: ``parents[j] < j`` (root first), rest ``offsets`` [J, 3] from the parent.

    ``end_sites`` maps each leaf joint to the offset of its BVH "End Site" (where the last bone
    ends). ``sources`` says, for each joint, which joints of a :class:`MotionClip` it sits on
    (their mean); ``output_joints`` lists, for each clip joint, the skeleton joint to read it
    back from. Both default to the identity (clip joint j is skeleton joint j).

    Parameters
    ----------
    names : tuple of str
        Unique joint names, root first.
    parents : tuple of int
        Each joint's parent index (-1 for the root), always before the joint.
    offsets : np.ndarray [shape=(J, 3)]
        Rest offset of each joint from its parent, in cm (the root's is ignored).
    end_sites : dict of int to np.ndarray
        BVH "End Site" offset of leaf joints.
    sources : tuple of tuple of int, optional
        Clip joints whose mean each skeleton joint sits on.
    output_joints : tuple of int, optional
        Skeleton joint read back for each clip joint.

    Raises
    ------
    SkeletonError
        Lengths disagree, the order is not root first, or names repeat.
    """

    names: tuple[str, ...]
    parents: tuple[int, ...]
    offsets: np.ndarray
    end_sites: dict[int, np.ndarray] = field(default_factory=dict)
    sources: tuple[tuple[int, ...], ...] | None = None
    output_joints: tuple[int, ...] | None = None

    def __post_init__(self):
        self.names = tuple(self.names)
        self.parents = tuple(int(p) for p in self.parents)
        self.offsets = np.asarray(self.offsets, dtype=np.float64).reshape(-1, 3)
        n = len(self.names)
        if n == 0 or len(self.parents) != n or len(self.offsets) != n:
            raise SkeletonError(f"skeleton needs as many parents and offsets as names ({n})")
        if self.parents[0] != -1 or any(not 0 <= p < j for j, p in enumerate(self.parents) if j > 0):
            raise SkeletonError("skeleton joints must be ordered root first with every parent before its children")
        if len(set(self.names)) != n:
            raise SkeletonError("skeleton joint names must be unique")
        if self.sources is None:
            self.sources = tuple((j,) for j in range(n))
        if self.output_joints is None:
            self.output_joints = tuple(range(n))
        self.end_sites = {int(k): np.asarray(v, dtype=np.float64) for k, v in self.end_sites.items()}
        self._children = tuple(tuple(c for c in range(n) if self.parents[c] == j) for j in range(n))

    def __len__(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        """The index of a joint by name (the Tang layout names are easier to read than numbers).

        Parameters
        ----------
        name : str
            A joint name.

        Returns
        -------
        int

        Raises
        ------
        SkeletonError
            No joint has that name.
        """
        try:
            return self.names.index(name)
        except ValueError:
            raise SkeletonError(f"no joint named {name!r}") from None

    def children(self, joint: int) -> tuple[int, ...]:
        """The joints whose parent is ``joint``, in index order.

        Parameters
        ----------
        joint : int
            A joint index.

        Returns
        -------
        tuple of int
        """
        return self._children[joint]

    @property
    def leaves(self) -> tuple[int, ...]:
        """Joints without children (their rotation moves nothing).

        Returns
        -------
        tuple of int
        """
        return tuple(j for j in range(len(self)) if not self._children[j])

    @property
    def rotating_joints(self) -> tuple[int, ...]:
        """Joints whose rotation moves something (leaves carry no information)."""
        return tuple(j for j in range(len(self)) if self._children[j])

    @property
    def n_clip_joints(self) -> int:
        """Joints of a :class:`MotionClip` in this skeleton's layout (23 for Tang).

        Returns
        -------
        int
        """
        return len(self.output_joints)

    def rest_positions(self) -> np.ndarray:
        """Joint positions [J, 3] of the rest pose (all local rotations identity, root at 0)."""
        pos = np.zeros((len(self), 3))
        for j in range(1, len(self)):
            pos[j] = pos[self.parents[j]] + self.offsets[j]
        return pos

    def joint_positions(self, world_joints: np.ndarray) -> np.ndarray:
        """Skeleton joint positions [T, J, 3] from clip joint positions [T, Jc, 3] (via ``sources``).

        Parameters
        ----------
        world_joints : np.ndarray [shape=(T, Jc, 3)]
            A clip's world joint positions (:meth:`MotionClip.world_joints`).

        Returns
        -------
        np.ndarray [shape=(T, J, 3)]

        Raises
        ------
        SkeletonError
            The clip has fewer joints than ``sources`` reads.
        """
        world_joints = np.asarray(world_joints, dtype=np.float64)
        needed = max(max(s) for s in self.sources) + 1
        if world_joints.ndim != 3 or world_joints.shape[1] < needed:
            raise SkeletonError(f"clip has {world_joints.shape[1] if world_joints.ndim == 3 else '?'} joints, "
                                f"the skeleton needs {needed}")
        return np.stack([world_joints[:, list(s)].mean(axis=1) for s in self.sources], axis=1)

    def bone_lengths(self, world_joints: np.ndarray) -> np.ndarray:
        """Per-frame length [T, J] of each joint's incoming bone in a clip (root column is 0).

        Parameters
        ----------
        world_joints : np.ndarray [shape=(T, Jc, 3)]
            A clip's world joint positions.

        Returns
        -------
        np.ndarray [shape=(T, J)]
            Lengths in the clip's units (cm).
        """
        pos = self.joint_positions(world_joints)
        lengths = np.zeros(pos.shape[:2])
        for j in range(1, len(self)):
            lengths[:, j] = np.linalg.norm(pos[:, j] - pos[:, self.parents[j]], axis=-1)
        return lengths

    def with_bone_lengths(self, lengths: np.ndarray) -> "Skeleton":
        """The same rest directions with new bone lengths [J] (zero-length bones stay zero).

        Parameters
        ----------
        lengths : np.ndarray [shape=(J,)]
            Length of each joint's incoming bone (the root's is ignored).

        Returns
        -------
        Skeleton
            End sites are scaled with their joint's bone.
        """
        lengths = np.asarray(lengths, dtype=np.float64)
        norms = np.linalg.norm(self.offsets, axis=1)
        scale = np.where(norms > 1e-9, lengths / np.maximum(norms, 1e-9), 0.0)
        return Skeleton(self.names, self.parents, self.offsets * scale[:, None],
                        {k: v * (scale[k] if scale[k] > 0 else 1.0) for k, v in self.end_sites.items()},
                        self.sources, self.output_joints)


def fit_bone_lengths(skeleton: Skeleton, clips) -> Skeleton:
    """``skeleton`` with the mean bone lengths of ``clips`` (frames weighted equally).

    Parameters
    ----------
    skeleton : Skeleton
        Rest directions and the clip layout.
    clips : iterable of MotionClip
        Captures in that layout.

    Returns
    -------
    Skeleton

    Raises
    ------
    SkeletonError
        The clips hold no frame.
    """
    total, count = np.zeros(len(skeleton)), 0
    for clip in clips:
        total += skeleton.bone_lengths(clip.world_joints()).sum(axis=0)
        count += len(clip)
    if count == 0:
        raise SkeletonError("no frames to fit bone lengths to")
    return skeleton.with_bone_lengths(total / count)


# ---------------------------------------------------------------------------------------------
# The Tang skeleton. Lengths are the mean over all frames of the 43 Tang clips (cm); see
# ``fit_bone_lengths(TANG_SKELETON, clips)`` to measure them again.

_LENGTHS = {
    "pelvis_to_hip": 18.7, "hip_width": 21.2, "pelvis_tilt_deg": 14.9,
    "right_thigh": 47.6, "right_shin": 33.0, "right_ankle_heel": 11.9, "right_ankle_toe": 18.0, "right_heel_toe": 21.3,
    "left_thigh": 48.6, "left_shin": 33.6, "left_ankle_heel": 12.2, "left_ankle_toe": 16.7, "left_heel_toe": 22.5,
    "spine": 31.2, "half_shoulders": 14.35, "neck": 17.8, "half_head": 5.3,
    "right_upper_arm": 29.9, "right_forearm_1": 11.7, "right_forearm_2": 14.3, "right_hand": 4.7,
    "left_upper_arm": 29.3, "left_forearm_1": 12.0, "left_forearm_2": 6.0, "left_forearm_3": 12.1,
}

_LEFT, _UP, _FORWARD = np.eye(3)


def _foot(ankle_heel: float, ankle_toe: float, heel_toe: float) -> tuple[np.ndarray, np.ndarray]:
    """Heel and toe offsets from the ankle with the foot flat and pointing forward."""
    toe_minus_heel = (ankle_toe ** 2 - ankle_heel ** 2) / heel_toe
    toe_z = (heel_toe + toe_minus_heel) / 2
    heel_z = heel_toe - toe_z
    drop = np.sqrt(max(ankle_heel ** 2 - heel_z ** 2, 1.0))
    return -drop * _UP - heel_z * _FORWARD, -drop * _UP + toe_z * _FORWARD


def _tang_skeleton() -> Skeleton:
    L = _LENGTHS
    half = L["hip_width"] / 2
    down = np.sqrt(L["pelvis_to_hip"] ** 2 - half ** 2)
    tilt = np.radians(L["pelvis_tilt_deg"])  # the pelvis joint sits forward of the hip joints
    hip_down = -down * np.cos(tilt) * _UP - down * np.sin(tilt) * _FORWARD
    r_heel, r_toe = _foot(L["right_ankle_heel"], L["right_ankle_toe"], L["right_heel_toe"])
    l_heel, l_toe = _foot(L["left_ankle_heel"], L["left_ankle_toe"], L["left_heel_toe"])
    zero = np.zeros(3)
    # name, parent name, Tang joints it sits on, rest offset from the parent
    table = [
        ("hips", None, (2,), zero),
        ("right_hip", "hips", (7,), hip_down - half * _LEFT),
        ("right_knee", "right_hip", (8,), -L["right_thigh"] * _UP),
        ("right_ankle", "right_knee", (9,), -L["right_shin"] * _UP),
        ("right_heel", "right_ankle", (10,), r_heel),
        ("right_toe", "right_ankle", (11,), r_toe),
        ("left_hip", "hips", (16,), hip_down + half * _LEFT),
        ("left_knee", "left_hip", (17,), -L["left_thigh"] * _UP),
        ("left_ankle", "left_knee", (18,), -L["left_shin"] * _UP),
        ("left_heel", "left_ankle", (19,), l_heel),
        ("left_toe", "left_ankle", (20,), l_toe),
        ("spine", "hips", (2,), zero),
        ("chest", "spine", (3, 12), L["spine"] * _UP),
        ("right_shoulder", "chest", (3,), -L["half_shoulders"] * _LEFT),
        ("right_elbow", "right_shoulder", (4,), -L["right_upper_arm"] * _LEFT),
        ("right_forearm", "right_elbow", (5,), -L["right_forearm_1"] * _LEFT),
        ("right_wrist", "right_forearm", (6,), -L["right_forearm_2"] * _LEFT),
        ("right_hand", "right_wrist", (22,), -L["right_hand"] * _LEFT),
        ("left_shoulder", "chest", (12,), L["half_shoulders"] * _LEFT),
        ("left_elbow", "left_shoulder", (13,), L["left_upper_arm"] * _LEFT),
        ("left_forearm", "left_elbow", (21,), L["left_forearm_1"] * _LEFT),
        ("left_forearm_aux", "left_forearm", (14,), L["left_forearm_2"] * _LEFT),
        ("left_wrist", "left_forearm_aux", (15,), L["left_forearm_3"] * _LEFT),
        ("neck", "chest", (3, 12), zero),
        ("head", "neck", (0, 1), L["neck"] * _UP),
        ("head_right", "head", (0,), -L["half_head"] * _LEFT),
        ("head_left", "head", (1,), L["half_head"] * _LEFT),
    ]
    names = [row[0] for row in table]
    parents = [-1 if row[1] is None else names.index(row[1]) for row in table]
    offsets = np.array([row[3] for row in table])
    sources = tuple(row[2] for row in table)
    output = tuple(next(j for j, s in enumerate(sources) if s == (k,)) for k in range(23))
    leaves = [j for j in range(len(names)) if j not in parents]
    # End sites continue the last bone by 30 % (toes, head sides) so viewers draw a short tip.
    end_sites = {j: 0.3 * offsets[j] for j in leaves}
    return Skeleton(tuple(names), tuple(parents), offsets, end_sites, sources, output)


#: The skeleton of the Tang motion capture (27 joints: the 23 captured plus 4 added, see above).
TANG_SKELETON = _tang_skeleton()
