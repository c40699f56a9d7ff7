"""Paper 1's training recipe: class-balanced recordings, random 224-frame crops, Adam, NLL.

A batch is built by choosing a class uniformly (to undo class imbalance), a recording of
that class uniformly, and a random segment of its spectrogram; repeated ``batch_size``
times. The network sees a fresh random batch at every step.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import nn

from dancekit.inference.segments import pad_to_segment


class SegmentSampler:
    """Draws class-balanced batches of random spectrogram crops."""

    def __init__(self, spectrograms: Sequence[torch.Tensor], labels: Sequence[int], segment_frames: int = 224,
                 seed: int = 0):
        if len(spectrograms) != len(labels) or not spectrograms:
            raise ValueError("need one label per spectrogram, and at least one spectrogram")
        self.spectrograms = list(spectrograms)
        self.labels = np.asarray(labels)
        self.segment_frames = segment_frames
        self.by_class = {c: np.flatnonzero(self.labels == c) for c in np.unique(self.labels)}
        self.classes = sorted(self.by_class)
        self.rng = np.random.default_rng(seed)

    def crop(self, index: int) -> torch.Tensor:
        spec = self.spectrograms[index]
        n = spec.shape[-1]
        if n <= self.segment_frames:
            return pad_to_segment(spec, self.segment_frames)
        start = int(self.rng.integers(0, n - self.segment_frames + 1))
        return spec[:, start : start + self.segment_frames]

    def batch(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        classes = self.rng.choice(self.classes, size=batch_size)
        picks = [int(self.rng.choice(self.by_class[c])) for c in classes]
        segments = torch.stack([self.crop(i) for i in picks])
        return segments, torch.as_tensor(self.labels[picks], dtype=torch.long)


def train_segment_classifier(
    network: nn.Module,
    sampler: SegmentSampler,
    steps: int,
    batch_size: int = 8,
    learning_rate: float = 5e-4,
    device: str | torch.device = "cpu",
) -> list[float]:
    """Train ``network`` in place for ``steps`` batches; returns the loss of each step."""
    network.to(device).train()
    optimiser = torch.optim.Adam(network.parameters(), lr=learning_rate)
    loss_fn = nn.NLLLoss()
    losses = []
    for _ in range(steps):
        segments, targets = sampler.batch(batch_size)
        log_probs = torch.log_softmax(network(segments.to(device)), dim=-1)
        loss = loss_fn(log_probs, targets.to(device))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    network.eval()
    return losses
