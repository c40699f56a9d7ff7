"""SpecAugment for segment classifiers: masks that make a network use the whole spectrogram.

Synthetic songs are clean and regular; masking one frequency band and one time span of every
training segment stops a network from resting on one instrument's band or one drum hit.
"""

from __future__ import annotations

import numpy as np
import torch


def spec_augment(segments: torch.Tensor, rng: np.random.Generator, max_bins: int = 24,
                 max_frames: int = 32) -> torch.Tensor:
    """A copy of ``segments`` with one frequency band and one time span of each filled with its mean.

    Parameters
    ----------
    segments : torch.Tensor
        ``[batch, bins, frames]`` spectrogram segments.
    rng : np.random.Generator
        Draws the masks' places and widths.
    max_bins, max_frames : int
        Widest band and span masked (exclusive).

    Returns
    -------
    torch.Tensor
        The masked copy.
    """
    x = segments.clone()
    bins, frames = x.shape[-2], x.shape[-1]
    for i in range(x.shape[0]):
        f0, fw = int(rng.integers(0, bins)), int(rng.integers(0, max_bins))
        t0, tw = int(rng.integers(0, frames)), int(rng.integers(0, max_frames))
        fill = x[i].mean()
        x[i, f0:f0 + fw, :] = fill
        x[i, :, t0:t0 + tw] = fill
    return x
