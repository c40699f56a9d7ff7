"""Class probabilities of still frames, in batches: what training validates and ``dancekit video`` answers with."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from dancekit.training.precision import autocast


@torch.no_grad()
def predict_frames(network: nn.Module, images, device="cpu", batch_size: int = 256) -> np.ndarray:
    """Softmax of every frame.

    Parameters
    ----------
    network : torch.nn.Module
        A frame classifier (moved to ``device`` and put in eval mode).
    images : np.ndarray or torch.Tensor
        uint8 ``[N, H, W, 3]`` numpy frames, or a ``[N, 3, H, W]`` tensor (uint8 or float in 0-1).
    device : str or torch.device
    batch_size : int
        Frames per forward pass.

    Returns
    -------
    np.ndarray
        ``[N, classes]`` probabilities (``[0, 0]`` for no frames).
    """
    device = torch.device(device)
    network.eval().to(device)
    x = images if isinstance(images, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)
    out = []
    for first in range(0, len(x), batch_size):
        with autocast(device):
            logits = network(x[first:first + batch_size].to(device)).float()
        out.append(torch.softmax(logits, -1).cpu())
    return torch.cat(out).numpy() if out else np.zeros((0, 0), np.float32)
