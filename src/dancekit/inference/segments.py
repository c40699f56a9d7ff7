"""Cutting a spectrogram into fixed-length, overlapping segments (paper 1, III-C).

Numpy arrays in, numpy arrays out (the identify path needs no torch); torch tensors, as training
passes them, come back as torch tensors.
"""

from __future__ import annotations

import numpy as np


def segment_starts(n_frames: int, length: int = 224, stride: int = 200) -> list[int]:
    """Start frames of every whole segment; empty when the recording is shorter than one.

    Parameters
    ----------
    n_frames : int
        Frames of the spectrogram.
    length : int
        Frames per segment.
    stride : int
        Frames between segment starts.

    Returns
    -------
    list of int
    """
    if stride < 1 or length < 1:
        raise ValueError("segment length and stride must be positive")
    if n_frames < length:
        return []
    return list(range(0, n_frames - length + 1, stride))


def pad_to_segment(frames, length: int):
    """Loop a too-short spectrogram ``[bins, n]`` until it fills one segment.

    Looping keeps the rhythm and timbre a dance is recognised by, where zero padding would
    add a silence the network never saw in training.

    Parameters
    ----------
    frames : np.ndarray or torch.Tensor
        ``[bins, n]`` with ``n >= 1``.
    length : int
        Frames wanted.

    Returns
    -------
    np.ndarray or torch.Tensor
        ``[bins, length]``, of the type of ``frames``.
    """
    n = frames.shape[-1]
    if n == 0:
        raise ValueError("no frames to pad")
    return frames[:, np.arange(length) % n]


class SegmentCutter:
    """Streaming cutter: push spectrogram frames in any block sizes, get the same segments
    (and start frames) as :func:`segment_starts` on the whole spectrogram.

    Parameters
    ----------
    length : int
        Frames per segment.
    stride : int
        Frames between segment starts.
    """

    def __init__(self, length: int = 224, stride: int = 200):
        if stride < 1 or length < 1:
            raise ValueError("segment length and stride must be positive")
        self.length = length
        self.stride = stride
        self._buffer = None  # frames from self._buffer_start on
        self._buffer_start = 0
        self._next_start = 0
        self.frames_seen = 0
        self.segments_cut = 0

    def push(self, frames) -> tuple[object, list[int]]:
        """Add frames; return the newly complete segments and their start frames.

        Parameters
        ----------
        frames : np.ndarray or torch.Tensor
            ``[bins, n]`` frames that follow the previous ones.

        Returns
        -------
        tuple of (np.ndarray or torch.Tensor or None, list of int)
            ``[k, bins, length]`` segments of the type of ``frames`` (None when none completed) and
            their starts.
        """
        if frames.shape[-1] == 0:
            return None, []
        self._buffer = frames if self._buffer is None else _join([self._buffer, frames], stack=False)
        self.frames_seen += frames.shape[-1]
        segments, starts = [], []
        while self._next_start + self.length <= self.frames_seen:
            offset = self._next_start - self._buffer_start
            segments.append(self._buffer[:, offset : offset + self.length])
            starts.append(self._next_start)
            self._next_start += self.stride
        # Drop frames no future segment needs.
        keep_from = min(self._next_start, self.frames_seen) - self._buffer_start
        if keep_from > 0:
            self._buffer = self._buffer[:, keep_from:]
            self._buffer_start += keep_from
        self.segments_cut += len(segments)
        return (_join(segments, stack=True) if segments else None), starts

    def finish(self) -> tuple[object, list[int]]:
        """For a recording shorter than one segment: one looped segment from all its frames."""
        if self.segments_cut or self._buffer is None or self._buffer.shape[-1] == 0:
            return None, []
        self.segments_cut = 1
        return pad_to_segment(self._buffer, self.length)[None], [0]


def _join(parts: list, stack: bool):
    """Stack (new first axis) or concatenate (frame axis) numpy arrays or torch tensors."""
    if isinstance(parts[0], np.ndarray):
        return np.stack(parts) if stack else np.concatenate(parts, axis=-1)
    import torch  # only when the caller already works in torch

    return torch.stack(parts) if stack else torch.cat(parts, dim=-1)
