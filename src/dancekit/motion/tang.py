"""Motion capture of the "Dance with Melody" set (Tang et al. 2018), aligned with its song.

Per song folder: ``skeletons.json`` or ``skeletons.json.gz`` (``length``, ``center`` [T, 3] root
trajectory, ``skeletons`` [T, 23, 3] joints relative to the root, ~cm, 25 fps) and
``config.json`` (``start_position``/``end_position``: the danced span of the song in 25 fps
frames). Frame 0 of the motion is song time ``start_position / 25``; some captures stop
0.3-2.2 s before ``end_position``, so the clip is the shorter of the two.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from dancekit.data.tang import TANG_DANCES, _FOLDER
from dancekit.errors import DancekitError
from dancekit.motion.clip import MotionClip

TANG_FPS = 25.0


class MotionFileError(DancekitError):
    """A motion file is missing or not in the expected layout."""


def _read_json(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise MotionFileError(f"cannot read {path}: {exc}") from None


def load_tang_motion(folder: str | Path) -> MotionClip:
    """The danced span of one Tang song as a :class:`MotionClip` at 25 fps (dance in ``meta``).

    Parameters
    ----------
    folder : str or Path
        A song folder of the set (``DANCE_C_1`` ...).

    Returns
    -------
    MotionClip
        Starting at the song time of the danced span; ``meta`` holds ``song``, ``dance`` and
        ``audio`` (the song's audio file, or None).

    Raises
    ------
    MotionFileError
        No motion file, or one that cannot be read or is not laid out as expected.
    """
    folder = Path(folder)
    source = next((folder / n for n in ("skeletons.json.gz", "skeletons.json") if (folder / n).is_file()), None)
    if source is None:
        raise MotionFileError(f"no skeletons.json(.gz) in {folder}")
    data = _read_json(source)
    try:
        joints = np.asarray(data["skeletons"], dtype=np.float32)
        root = np.asarray(data["center"], dtype=np.float32)
    except (KeyError, TypeError, ValueError) as exc:
        raise MotionFileError(f"{source}: expected 'skeletons' [T,J,3] and 'center' [T,3] ({exc})") from None
    if joints.ndim != 3 or joints.shape[2] != 3 or root.shape != (len(joints), 3) or len(joints) < 2:
        raise MotionFileError(f"{source}: expected 'skeletons' [T,J,3] and 'center' [T,3], "
                              f"got {joints.shape} and {root.shape}")
    start, end = 0, len(joints)
    config = folder / "config.json"
    if config.is_file():
        span = _read_json(config)
        start = int(span.get("start_position", 0))
        end = int(span.get("end_position", start + len(joints)))
    n = min(len(joints), max(end - start, 1))
    match = _FOLDER.match(folder.name)
    meta = {"song": folder.name, "dance": TANG_DANCES[match.group(1)] if match else None,
            "audio": next((str(p) for p in sorted(folder.glob("audio.*")) if p.is_file()), None)}
    return MotionClip(joints[:n], root[:n], TANG_FPS, start / TANG_FPS, meta)


def tang_motion_folders(root: str | Path) -> list[Path]:
    """Song folders that have motion, sorted by dance letter and number.

    Parameters
    ----------
    root : str or Path
        The set's folder of song folders.

    Returns
    -------
    list of Path

    Raises
    ------
    MotionFileError
        ``root`` is not a folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise MotionFileError(f"Tang dance folder not found: {root}")
    found = []
    for folder in root.iterdir():
        match = _FOLDER.match(folder.name)
        if match and any((folder / n).is_file() for n in ("skeletons.json.gz", "skeletons.json")):
            found.append((match.group(1), int(match.group(2)), folder))
    return [f for _, _, f in sorted(found)]
