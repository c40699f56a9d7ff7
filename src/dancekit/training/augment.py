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


def _power(db: torch.Tensor) -> torch.Tensor:
    return torch.pow(10.0, db / 10.0)


def domain_randomise(segments: torch.Tensor, rng: np.random.Generator, background: torch.Tensor | None = None,
                     mix_probability: float = 0.5, snr_db: tuple[float, float] = (0.0, 20.0),
                     eq_db: float = 6.0, gain_db: float = 10.0) -> torch.Tensor:
    """Real music under the groove, a random equaliser and a random level, applied to dB mel segments.

    Why: a network trained on synthesised grooves also learns the synthesiser's clean mix, fixed
    EQ and level, which real songs do not share. Mixing is done on mel power (the mel power of a sum
    of independent signals is close to the sum of their mel powers), so it costs one exp/log per
    segment and needs no audio.

    Parameters
    ----------
    segments : torch.Tensor
        ``[batch, bins, frames]`` dB mel segments (ref 1.0, not clipped).
    rng : np.random.Generator
        Draws every choice.
    background : torch.Tensor, optional
        ``[n, bins, frames]`` dB mel crops of real non-dance music to mix under segments.
    mix_probability : float
        Share of segments that get a background.
    snr_db : tuple of float
        Range of the segment-to-background power ratio, in dB.
    eq_db : float
        Largest boost or cut of the smooth random equaliser, in dB.
    gain_db : float
        Largest level change, in dB.

    Returns
    -------
    torch.Tensor
        A new tensor of the same shape.
    """
    x = segments.clone().float()
    n, bins = x.shape[0], x.shape[1]
    axis = torch.linspace(0.0, np.pi, bins, dtype=x.dtype, device=x.device)
    for i in range(n):
        if background is not None and len(background) and rng.random() < mix_probability:
            b = background[int(rng.integers(len(background)))].to(x)
            level = 10.0 * torch.log10(_power(x[i]).mean() / _power(b).mean().clamp_min(1e-20))
            shift = float(level) - float(rng.uniform(*snr_db))
            x[i] = 10.0 * torch.log10(_power(x[i]) + _power(b + shift))
        weights = torch.as_tensor(rng.uniform(-1.0, 1.0, 3), dtype=x.dtype, device=x.device)
        curve = sum(w * torch.cos((k + 1) * axis) for k, w in enumerate(weights)) * (eq_db / 3.0)
        x[i] = x[i] + curve[:, None] + float(rng.uniform(-gain_db, gain_db))
    return x
