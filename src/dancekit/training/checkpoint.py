"""Training checkpoints: written atomically, read back without unpickling arbitrary objects.

A checkpoint holds everything needed to continue as if never stopped: weights, optimiser and
scheduler state, the history, the best weights so far and every random generator's state.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Any

import torch

from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write


class CheckpointError(DancekitError):
    """A checkpoint exists but cannot be used to resume."""


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    """Write a training state atomically, so that a kill mid-save never leaves a damaged checkpoint.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file; its folder is created.
    state : dict
        Tensors and plain Python values (what ``torch.load(weights_only=True)`` reads back).

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, lambda tmp: torch.save(state, tmp))


def resume_checkpoint(path: str | os.PathLike) -> dict[str, Any] | None:
    """For the run that writes ``path``: drop what a kill mid-save left beside it, then load it.

    A save cut short leaves its hidden temporary (``atomic_write``'s ``.<name>.*.tmp``), as big as
    a checkpoint; nobody else would ever remove it. Readers that do not own the file use
    :func:`load_checkpoint`, which never deletes anything.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file this run writes.

    Returns
    -------
    dict or None
        The saved state, or None when there is no checkpoint yet.
    """
    path = Path(path)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    return load_checkpoint(path)


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any] | None:
    """The saved state, read without unpickling arbitrary objects (a checkpoint may come from anywhere).

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file.

    Returns
    -------
    dict or None
        The saved state (tensors on the CPU), or None when there is no checkpoint yet.

    Raises
    ------
    CheckpointError
        The file exists but cannot be read as a checkpoint.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a damaged file
        raise CheckpointError(f"cannot resume from {path}: {str(err).splitlines()[0]} "
                              "(delete it to start over)") from None
