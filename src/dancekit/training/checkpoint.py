"""Training checkpoints: written atomically, read back without unpickling arbitrary objects.

A checkpoint holds everything needed to continue as if never stopped: weights, optimiser and
scheduler state, the history, the best weights so far and every random generator's state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write


class CheckpointError(DancekitError):
    """A checkpoint exists but cannot be used to resume."""


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, lambda tmp: torch.save(state, tmp))


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any] | None:
    """The saved state, or None when there is no checkpoint yet."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a damaged file
        raise CheckpointError(f"cannot resume from {path}: {str(err).splitlines()[0]} "
                              "(delete it to start over)") from None
