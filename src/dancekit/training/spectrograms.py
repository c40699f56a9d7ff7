"""Recordings turned into spectrograms once, then cut into segments for training and testing.

Every segment remembers its recording, so evaluation can aggregate per recording and splits
can be checked for leaks (segments of one recording never on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import torch

from dancekit.data.recordings import Recording
from dancekit.inference.segments import pad_to_segment, segment_starts


@dataclass
class SpectrogramSet:
    """Spectrograms ``[bins, frames]`` with integer labels and the recording (group) of each."""

    spectrograms: list[torch.Tensor]
    labels: np.ndarray
    groups: list[str]
    classes: list[str]

    def __len__(self) -> int:
        return len(self.spectrograms)

    def subset(self, indices: Iterable[int]) -> "SpectrogramSet":
        indices = list(indices)
        return SpectrogramSet([self.spectrograms[i] for i in indices], self.labels[indices],
                              [self.groups[i] for i in indices], self.classes)

    def segment_index(self, length: int, stride: int) -> list[tuple[int, int]]:
        """``(recording, start frame)`` of every segment; a short recording gives one padded segment."""
        return [(i, s) for i, spec in enumerate(self.spectrograms)
                for s in (segment_starts(spec.shape[-1], length, stride) or [0])]

    def segment(self, recording: int, start: int, length: int) -> torch.Tensor:
        spec = self.spectrograms[recording]
        return pad_to_segment(spec[:, start:start + length], length)


def compute_spectrograms(recordings: Sequence[Recording], frontend_name: str, classes: Sequence[str],
                         device: str = "cpu", progress: Callable[[Iterable], Iterable] | None = None,
                         ) -> SpectrogramSet:
    """Decode each recording at the front end's rate and compute its whole spectrogram (float32, CPU)."""
    from dancekit.audio import load
    from dancekit.features import PRESETS, build_frontend

    config = PRESETS[frontend_name]
    frontend = build_frontend(config).to(device)
    index = {c: i for i, c in enumerate(classes)}
    specs, labels, groups = [], [], []
    for rec in (progress(recordings) if progress else recordings):
        wave = torch.from_numpy(load(rec.path, sr=config.sr)).to(device)
        with torch.no_grad():
            specs.append(frontend(wave[None])[0].float().cpu())
        labels.append(index[rec.label])
        groups.append(rec.group)
    return SpectrogramSet(specs, np.asarray(labels, dtype=np.int64), groups, list(classes))
