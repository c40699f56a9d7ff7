"""Generated spectrogram sets with an easy, known answer, for training and evaluation tests."""

import numpy as np
import torch

from dancekit.training.spectrograms import SpectrogramSet


def toy_spectrogram_set(n_per_class: int, seed: int, bins: int = 64, frames: int = 160) -> SpectrogramSet:
    """Class 0 has energy in the low bands, class 1 in the high bands."""
    rng = np.random.default_rng(seed)
    specs, labels = [], []
    for label in (0, 1):
        for _ in range(n_per_class):
            spec = rng.normal(0, 1, (bins, frames)).astype(np.float32)
            band = slice(0, bins // 4) if label == 0 else slice(3 * bins // 4, bins)
            spec[band] += 3.0
            specs.append(torch.from_numpy(spec))
            labels.append(label)
    groups = [f"s{seed}_{i}" for i in range(len(specs))]
    return SpectrogramSet(specs, np.asarray(labels), groups, ["low", "high"])


def losses_of_a_few_steps(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> list[float]:
    """Cross-entropy after each of ``steps`` Adam updates on one batch: a network that can learn drops it fast."""
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
