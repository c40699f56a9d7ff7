"""The Tang songs that have motion, by side of the dance identifier's split.

Every step-generator stage (prepare, evaluate, movement, beat phase) picks songs the same way:
the folder (default: the shared data), :func:`dancekit.data.tang.tang_split` over all its
recordings (so held-out means held out from the dance identifier too), and the sides wanted.
"""

from __future__ import annotations

from pathlib import Path

from dancekit.data.tang import tang_recordings, tang_split
from dancekit.motion.tang import tang_motion_folders
from dancekit.paths import shared_data_dir


def tang_root(path: str | Path | None = None) -> Path:
    """The Tang dance folder: ``path``, or ``tang_dance`` in the shared data.

    Parameters
    ----------
    path : str or Path, optional

    Returns
    -------
    Path
    """
    return Path(path or shared_data_dir() / "tang_dance")


def tang_motion_songs(root: str | Path, sides=None) -> tuple[list[Path], dict[str, str]]:
    """Song folders with motion whose side is in ``sides`` (all where None), and the whole split.

    Parameters
    ----------
    root : str or Path
        The Tang dance folder.
    sides : iterable of str, optional
        Any of ``train``, ``val``, ``test``.

    Returns
    -------
    folders : list of Path
        In :func:`~dancekit.motion.tang.tang_motion_folders` order.
    split : dict
        Song name -> side, for every Tang recording.
    """
    split = tang_split(tang_recordings(root))
    folders = tang_motion_folders(root)
    if sides is not None:
        sides = set(sides)
        folders = [f for f in folders if split[f.name] in sides]
    return folders, split
