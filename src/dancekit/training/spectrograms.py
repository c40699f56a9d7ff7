"""Recordings turned into spectrograms once, then cut into segments for training and testing.

Every segment remembers its recording, so evaluation can aggregate per recording and splits
can be checked for leaks (segments of one recording never on both sides).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import torch

from dancekit.audio import load
from dancekit.data.recordings import Recording
from dancekit.features import PRESETS, build_frontend
from dancekit.inference.segments import pad_to_segment, segment_starts


@dataclass
class SpectrogramSet:
    """Spectrograms ``[bins, frames]`` with integer labels and the recording (group) of each.

    Parameters
    ----------
    spectrograms : list of torch.Tensor
        One ``[bins, frames]`` spectrogram per recording.
    labels : np.ndarray [shape=(R,)]
        Class index of each recording.
    groups : list of str
        Recording (group) of each, so that splits can be checked for leaks.
    classes : list of str
        Class names, indexed by the labels.
    """

    spectrograms: list[torch.Tensor]
    labels: np.ndarray
    groups: list[str]
    classes: list[str]

    def __len__(self) -> int:
        return len(self.spectrograms)

    def subset(self, indices: Iterable[int]) -> "SpectrogramSet":
        """Some recordings as a set of their own (a fold or split), with the same classes.

        Parameters
        ----------
        indices : iterable of int
            Recording indices, in the order wanted (cross-validation folds pass the indices of
            whole groups, so that no recording is on both sides).

        Returns
        -------
        SpectrogramSet
        """
        indices = list(indices)
        return SpectrogramSet([self.spectrograms[i] for i in indices], self.labels[indices],
                              [self.groups[i] for i in indices], self.classes)

    def segment_index(self, length: int, stride: int) -> list[tuple[int, int]]:
        """``(recording, start frame)`` of every segment; a short recording gives one padded segment.

        Parameters
        ----------
        length : int
            Frames per segment.
        stride : int
            Hop between segment starts, in frames (as inference cuts a recording).

        Returns
        -------
        list of (int, int)
        """
        return [(i, s) for i, spec in enumerate(self.spectrograms)
                for s in (segment_starts(spec.shape[-1], length, stride) or [0])]

    def segment(self, recording: int, start: int, length: int) -> torch.Tensor:
        """One segment of a recording, padded (looped) to ``length`` when the recording is shorter.

        Parameters
        ----------
        recording : int
            Recording index.
        start : int
            First frame (from :meth:`segment_index`).
        length : int
            Frames per segment.

        Returns
        -------
        torch.Tensor [shape=(bins, length)]
        """
        spec = self.spectrograms[recording]
        return pad_to_segment(spec[:, start:start + length], length)


def compute_spectrograms(recordings: Sequence[Recording], frontend_name: str, classes: Sequence[str],
                         device: str = "cpu", progress: Callable[[Iterable], Iterable] | None = None,
                         dtype: torch.dtype = torch.float32, keep_on_device: bool = False, workers: int = 1,
                         ) -> SpectrogramSet:
    """Decode each recording at the front end's rate and compute its whole spectrogram.

    Parameters
    ----------
    recordings : sequence of Recording
        Files with their label and group.
    frontend_name : str
        A key of :data:`dancekit.features.PRESETS`.
    classes : sequence of str
        Class names; a recording's label must be one of them.
    device : str
        Where the front end runs.
    progress : callable, optional
        Wraps the recordings for a progress bar (e.g. ``tqdm``).
    dtype : torch.dtype
        Storage type of the spectrograms (float16 halves a large training set).
    keep_on_device : bool
        Keep the spectrograms on ``device`` (a GPU trainer crops them there) instead of the CPU.
    workers : int
        Decoding threads (decoders release the GIL).

    Returns
    -------
    SpectrogramSet
    """
    config = PRESETS[frontend_name]
    frontend = build_frontend(config).to(device)
    index = {c: i for i, c in enumerate(classes)}
    recordings = list(recordings)
    specs = []
    with ThreadPoolExecutor(max(1, workers)) as pool:
        waves = pool.map(lambda rec: load(rec.path, sr=config.sr), recordings)
        for wave in (progress(waves) if progress else waves):
            with torch.no_grad():
                spec = frontend(torch.from_numpy(wave).to(device)[None])[0].to(dtype)
            specs.append(spec if keep_on_device else spec.cpu())
    labels = np.asarray([index[rec.label] for rec in recordings], dtype=np.int64)
    return SpectrogramSet(specs, labels, [rec.group for rec in recordings], list(classes))
