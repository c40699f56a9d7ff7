"""Downmix decoded blocks to mono float32: the plain mean of the channels (as librosa.to_mono does)."""

from __future__ import annotations

import numpy as np

# Full-scale divisors for integer sample formats, so every backend yields floats in [-1, 1).
_INT_SCALE = {np.dtype(np.int8): 2.0**7, np.dtype(np.int16): 2.0**15, np.dtype(np.int32): 2.0**31, np.dtype(np.int64): 2.0**63}


def downmix_interleaved(block: np.ndarray) -> np.ndarray:
    """``(frames, channels)`` float32 -> contiguous ``(frames,)`` float32."""
    if block.shape[1] == 1:
        return np.ascontiguousarray(block[:, 0])
    return block.mean(axis=1, dtype=np.float32)


def downmix_planar(planes: np.ndarray) -> np.ndarray:
    """``(channels, frames)`` of any sample dtype -> contiguous ``(frames,)`` float32 in [-1, 1)."""
    planes = to_float32(planes)
    if planes.shape[0] == 1:
        return np.ascontiguousarray(planes[0])
    return planes.mean(axis=0, dtype=np.float32)


def to_float32(x: np.ndarray) -> np.ndarray:
    if x.dtype == np.float32:
        return x
    if x.dtype.kind == "f":
        return x.astype(np.float32)
    if x.dtype.kind == "u":  # offset binary: mid-scale is silence
        half = 2.0 ** (8 * x.dtype.itemsize - 1)
        return ((x.astype(np.float64) - half) / half).astype(np.float32)
    scale = _INT_SCALE.get(x.dtype)
    if scale is None:
        raise TypeError(f"unsupported sample dtype {x.dtype}")
    return (x / scale).astype(np.float32)
