"""Reading a tensor file someone else made (e.g. an ImageNet checkpoint) without running code from it.

safetensors files hold tensors only; anything else goes through ``torch.load(weights_only=True)``,
whose unpickler refuses every object that is not a tensor or plain container. Either way a bad
file is one ``ModelError`` line, never a traceback and never executed.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from dancekit.errors import ModelError


def read_weights(path: str | os.PathLike) -> dict:
    """The tensors of a ``.safetensors`` file or of a torch checkpoint (``.pth``, ``.pt``, ``.bin``).

    Parameters
    ----------
    path : str or os.PathLike
        The weights file; its suffix picks the reader (safetensors, else torch's tensors-only
        unpickler).

    Returns
    -------
    dict
        What the file holds: a state dict, or a dict around one (``{"state_dict": ...}``).

    Raises
    ------
    ModelError
        A missing file, or one that is not a plain tensor file (a pickle that would run code
        included).
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"weights file not found: {path}")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch/safetensors raise many types for a bad file
        raise ModelError(f"cannot read weights {path}: {str(err).splitlines()[0]}") from None
