"""Paper 1's batches: class-balanced recordings, random 224-frame crops.

A batch is built by choosing a class uniformly (to undo class imbalance), a recording of
that class uniformly, and a random segment of its spectrogram; repeated ``batch_size``
times. The network sees a fresh random batch at every step.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from dancekit.inference.segments import pad_to_segment


class SegmentSampler:
    """Draws class-balanced batches of random spectrogram crops.

    Parameters
    ----------
    spectrograms : sequence of torch.Tensor
        ``[bins, frames]`` spectrograms; one shorter than a segment is looped to its length.
    labels : sequence of int
        Class of each spectrogram.
    segment_frames : int
        Frames per crop.
    seed : int or np.random.SeedSequence
        Seeds the draws (``rng``, whose state a checkpoint keeps).
    """

    def __init__(self, spectrograms: Sequence[torch.Tensor], labels: Sequence[int], segment_frames: int = 224,
                 seed: int | np.random.SeedSequence = 0):
        if len(spectrograms) != len(labels) or not spectrograms:
            raise ValueError("need one label per spectrogram, and at least one spectrogram")
        self.spectrograms = list(spectrograms)
        self.labels = np.asarray(labels)
        self.segment_frames = segment_frames
        self.by_class = {c: np.flatnonzero(self.labels == c) for c in np.unique(self.labels)}
        self.classes = sorted(self.by_class)
        self.rng = np.random.default_rng(seed)

    def crop(self, index: int) -> torch.Tensor:
        """A random ``segment_frames`` crop of spectrogram ``index``; a short one is looped to that length.

        Parameters
        ----------
        index : int
            Which spectrogram.

        Returns
        -------
        torch.Tensor [shape=(bins, segment_frames)]
        """
        spec = self.spectrograms[index]
        n = spec.shape[-1]
        if n <= self.segment_frames:
            return pad_to_segment(spec, self.segment_frames)
        start = int(self.rng.integers(0, n - self.segment_frames + 1))
        return spec[:, start : start + self.segment_frames]

    def batch(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``batch_size`` crops ``[B, bins, frames]`` and their labels ``[B]``.

        Each crop draws a class uniformly, then one of its spectrograms, so rare classes are seen
        as often as common ones.

        Parameters
        ----------
        batch_size : int
            Crops to draw.

        Returns
        -------
        (torch.Tensor, torch.Tensor)
            The crops ``[B, bins, segment_frames]`` and their labels ``[B]`` (int64).
        """
        classes = self.rng.choice(self.classes, size=batch_size)
        picks = [int(self.rng.choice(self.by_class[c])) for c in classes]
        segments = torch.stack([self.crop(i) for i in picks])
        return segments, torch.as_tensor(self.labels[picks], dtype=torch.long)

