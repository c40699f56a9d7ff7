"""BVH (Biovision Hierarchy) files: the format Blender, MotionBuilder and every mocap viewer opens.

Written files use centimetres, the root at OFFSET 0 with ``Xposition Yposition Zposition``
channels, and ``Zrotation Xrotation Yrotation`` (degrees) on every joint, the CMU convention:
a joint's rotation is ``Rz @ Rx @ Ry`` applied to its children's offsets. Leaf joints are
written as JOINTs (so their names survive) with zero rotations and an ``End Site``. Euler
angles are unwrapped over time so a viewer never interpolates across a 360 degree jump.

The reader takes any channel order and joints with or without position channels (a non-root
joint's position channels must hold its constant offset, as some exporters write them).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write_text
from dancekit.motion import quaternions as Q
from dancekit.motion.clip import MotionClip
from dancekit.motion.rotations import RotationClip, positions_to_rotations
from dancekit.motion.skeleton import TANG_SKELETON, Skeleton


class BvhError(DancekitError):
    """A BVH file that cannot be read or motion that cannot be written as BVH."""


def _euler_degrees(quats: np.ndarray) -> np.ndarray:
    """[T, J, 4] local quaternions -> [T, J, 3] unwrapped intrinsic Z, X, Y angles in degrees.

    From the matrix ``Rz @ Rx @ Ry`` directly (numpy only: scipy.spatial would add 0.4 s to every
    ``dancekit generate``); at x = +-90 degrees, where z and y turn about one axis, y is 0.
    """
    m = Q.to_matrix(Q.normalize(quats))
    x = np.arcsin(np.clip(m[..., 2, 1], -1.0, 1.0))
    z = np.arctan2(-m[..., 0, 1], m[..., 1, 1])
    y = np.arctan2(-m[..., 2, 0], m[..., 2, 2])
    locked = np.abs(m[..., 2, 1]) > 1 - 1e-9
    z = np.where(locked, np.arctan2(m[..., 1, 0], m[..., 0, 0]), z)
    y = np.where(locked, 0.0, y)
    return np.unwrap(np.degrees(np.stack([z, x, y], axis=-1)), period=360.0, axis=0)


def bvh_text(motion: RotationClip, skeleton: Skeleton) -> str:
    """The BVH file contents for a rotation clip on ``skeleton`` (for writing, or for a web response).

    Parameters
    ----------
    motion : RotationClip
        Local joint rotations and the root trajectory.
    skeleton : Skeleton
        The hierarchy, one joint per rotation.

    Returns
    -------
    str

    Raises
    ------
    BvhError
        Joint counts disagree, the clip is empty or its frame rate is not positive.
    """
    if motion.quats.shape[1] != len(skeleton):
        raise BvhError(f"motion has {motion.quats.shape[1]} joints, the skeleton {len(skeleton)}")
    if len(motion) == 0 or not motion.fps > 0:
        raise BvhError("cannot write an empty clip or one without a positive frame rate")
    out = io.StringIO()
    out.write("HIERARCHY\n")

    def write_joint(j: int, depth: int):
        pad = "\t" * depth
        kind = "ROOT" if j == 0 else "JOINT"
        offset = np.zeros(3) if j == 0 else skeleton.offsets[j]
        out.write(f"{pad}{kind} {skeleton.names[j]}\n{pad}{{\n")
        offset = np.round(offset, 6) + 0.0
        out.write(f"{pad}\tOFFSET {offset[0]:.6f} {offset[1]:.6f} {offset[2]:.6f}\n")
        channels = "Zrotation Xrotation Yrotation"
        if j == 0:
            out.write(f"{pad}\tCHANNELS 6 Xposition Yposition Zposition {channels}\n")
        else:
            out.write(f"{pad}\tCHANNELS 3 {channels}\n")
        kids = skeleton.children(j)
        for c in kids:
            write_joint(c, depth + 1)
        if not kids:
            end = np.round(skeleton.end_sites.get(j, np.zeros(3)), 6) + 0.0
            out.write(f"{pad}\tEnd Site\n{pad}\t{{\n{pad}\t\tOFFSET {end[0]:.6f} {end[1]:.6f} {end[2]:.6f}\n{pad}\t}}\n")
        out.write(f"{pad}}}\n")

    write_joint(0, 0)
    order = _depth_first(skeleton)
    angles = _euler_degrees(motion.quats)[:, order].reshape(len(motion), -1)
    values = np.concatenate([motion.root, angles], axis=1)
    out.write(f"MOTION\nFrames: {len(motion)}\nFrame Time: {1.0 / motion.fps:.8f}\n")
    np.savetxt(out, values, fmt="%.6f", delimiter=" ")
    return out.getvalue()


def _depth_first(skeleton: Skeleton) -> list[int]:
    order, stack = [], [0]
    while stack:
        j = stack.pop()
        order.append(j)
        stack.extend(reversed(skeleton.children(j)))
    return order


def write_bvh(path: str | Path, motion: MotionClip | RotationClip, skeleton: Skeleton = TANG_SKELETON) -> Path:
    """Write a clip (positions are converted by inverse kinematics) as a BVH file, atomically.

    Parameters
    ----------
    path : str or Path
        The file to write.
    motion : MotionClip or RotationClip
        Joint positions (converted with :func:`positions_to_rotations`) or rotations.
    skeleton : Skeleton
        The hierarchy written; the Tang skeleton by default.

    Returns
    -------
    Path
        The written file.
    """
    if isinstance(motion, MotionClip):
        motion = positions_to_rotations(motion, skeleton)
    return atomic_write_text(path, bvh_text(motion, skeleton))


# ------------------------------------------------------------------------------------ reading

_AXES = {"xrotation": "X", "yrotation": "Y", "zrotation": "Z"}
_POSITIONS = ("xposition", "yposition", "zposition")


class _Tokens:
    def __init__(self, text: str, path: Path):
        self.items = text.split()
        self.pos = 0
        self.path = path

    def next(self, what: str) -> str:
        if self.pos >= len(self.items):
            raise BvhError(f"{self.path}: file ends where {what} was expected")
        tok = self.items[self.pos]
        self.pos += 1
        return tok

    def expect(self, word: str):
        tok = self.next(repr(word))
        if tok.lower() != word.lower():
            raise BvhError(f"{self.path}: expected {word!r}, found {tok!r}")

    def number(self, what: str) -> float:
        tok = self.next(what)
        try:
            return float(tok)
        except ValueError:
            raise BvhError(f"{self.path}: expected a number for {what}, found {tok!r}") from None


def _parse_hierarchy(tokens: _Tokens):
    names, parents, offsets, channels, end_sites = [], [], [], [], {}

    def parse_joint(parent: int):
        name = tokens.next("a joint name")
        j = len(names)
        names.append(name)
        parents.append(parent)
        tokens.expect("{")
        tokens.expect("OFFSET")
        offsets.append([tokens.number("OFFSET") for _ in range(3)])
        tokens.expect("CHANNELS")
        count = tokens.number("CHANNELS")
        if count != int(count) or not 0 <= count <= 6:
            raise BvhError(f"{tokens.path}: joint {name!r} has {count} channels")
        chans = [tokens.next("a channel name").lower() for _ in range(int(count))]
        unknown = [c for c in chans if c not in _AXES and c not in _POSITIONS]
        if unknown:
            raise BvhError(f"{tokens.path}: joint {name!r} has unknown channel {unknown[0]!r}")
        channels.append(chans)
        while True:
            tok = tokens.next("JOINT, End Site or '}'")
            low = tok.lower()
            if low == "joint":
                parse_joint(j)
            elif low == "end":
                tokens.expect("Site")
                tokens.expect("{")
                tokens.expect("OFFSET")
                end_sites[j] = [tokens.number("End Site OFFSET") for _ in range(3)]
                tokens.expect("}")
            elif tok == "}":
                return
            else:
                raise BvhError(f"{tokens.path}: unexpected {tok!r} in joint {name!r}")

    tokens.expect("HIERARCHY")
    tokens.expect("ROOT")
    parse_joint(-1)
    return names, parents, np.array(offsets, dtype=np.float64), channels, end_sites


def _adopt_layout(skeleton: Skeleton) -> Skeleton:
    """A file written from the Tang skeleton reads back with its mapping to the 23 Tang joints."""
    if skeleton.names == TANG_SKELETON.names and skeleton.parents == TANG_SKELETON.parents:
        return Skeleton(skeleton.names, skeleton.parents, skeleton.offsets, skeleton.end_sites,
                        TANG_SKELETON.sources, TANG_SKELETON.output_joints)
    return skeleton


def read_bvh(path: str | Path) -> tuple[RotationClip, Skeleton]:
    """Read a BVH file: ``(rotations, skeleton)``; positions via :func:`rotations_to_positions`.

    Parameters
    ----------
    path : str or Path
        A BVH file, any channel order.

    Returns
    -------
    (RotationClip, Skeleton)
        The motion, and the file's skeleton (with the Tang joint mapping when it is the Tang one).

    Raises
    ------
    BvhError
        The file cannot be read or is not BVH this reader understands.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise BvhError(f"cannot read {path}: {exc.strerror or exc}") from None
    found = re.search(r"\bMOTION\b", text)
    if not found or "HIERARCHY" not in text[: found.start()]:
        raise BvhError(f"{path}: not a BVH file (no HIERARCHY and MOTION sections)")
    head, motion_text = text[: found.start()], text[found.end():]
    names, parents, offsets, channels, end_sites = _parse_hierarchy(_Tokens(head, path))
    # the MOTION section: Frames: N, Frame Time: dt, then N rows of numbers
    match = re.match(r"\s*Frames:\s*(\d+)\s*Frame\s+Time:\s*(\S+)\s*", motion_text, flags=re.IGNORECASE)
    if not match:
        raise BvhError(f"{path}: MOTION section lacks 'Frames:' and 'Frame Time:'")
    n_frames = int(match.group(1))
    try:
        frame_time = float(match.group(2))
    except ValueError:
        raise BvhError(f"{path}: bad Frame Time {match.group(2)!r}") from None
    if not frame_time > 0:
        raise BvhError(f"{path}: Frame Time must be positive, got {frame_time}")
    width = sum(len(c) for c in channels)
    try:
        values = np.array(motion_text[match.end():].split(), dtype=np.float64)
    except ValueError:
        raise BvhError(f"{path}: MOTION data contains something that is not a number") from None
    if n_frames == 0 or values.size != n_frames * width:
        raise BvhError(f"{path}: expected {n_frames} frames of {width} values, found {values.size} values")
    values = values.reshape(n_frames, width)

    from scipy.spatial.transform import Rotation  # any channel order; only reading needs it

    quats = np.tile(Q.IDENTITY, (n_frames, len(names), 1))
    root = np.tile(offsets[0], (n_frames, 1))
    column = 0
    for j, chans in enumerate(channels):
        block = values[:, column: column + len(chans)]
        column += len(chans)
        rot_idx = [k for k, c in enumerate(chans) if c in _AXES]
        pos_idx = [chans.index(c) for c in _POSITIONS if c in chans]
        if rot_idx:
            order = "".join(_AXES[chans[k]] for k in rot_idx)
            quats[:, j] = Rotation.from_euler(order, block[:, rot_idx], degrees=True).as_quat(scalar_first=True)
        if pos_idx:
            if len(pos_idx) != 3:
                raise BvhError(f"{path}: joint {names[j]!r} has {len(pos_idx)} position channels, expected 3")
            pos = block[:, pos_idx]
            if j == 0:
                root = root + pos
            elif np.ptp(pos, axis=0).max() > 1e-6:
                raise BvhError(f"{path}: joint {names[j]!r} moves its offset over time (not supported)")
            else:
                offsets[j] = pos[0]
    skeleton = _adopt_layout(Skeleton(tuple(names), tuple(parents), offsets, end_sites))
    return RotationClip(Q.continuous(quats, axis=0), root, 1.0 / frame_time), skeleton
