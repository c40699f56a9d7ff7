"""Local maxima and onset picking in numpy, as librosa's numba kernels compute them.

``local_maxima`` is ``librosa.util.localmax`` on a 1-D array; ``onset_frames`` is
``librosa.onset.onset_detect(onset_envelope=...)`` with its defaults (normalised envelope, peaks
that are the maximum of their 30 ms neighbourhood and 0.07 above the 100 ms mean around them, at
least 30 ms apart). The candidate tests are vectorised; only the minimum spacing is applied peak
by peak, as librosa's loop does. Checked against librosa in ``tests/rhythm/test_peaks.py``.
"""

from __future__ import annotations

import numpy as np

#: librosa passes ``delta`` to its kernel as float32.
_DELTA = float(np.float32(0.07))


def local_maxima(x: np.ndarray) -> np.ndarray:
    """True where ``x[i] > x[i - 1]`` and ``x[i] >= x[i + 1]``; never at 0, at the end if above its neighbour.

    Parameters
    ----------
    x : np.ndarray
        1-D values.

    Returns
    -------
    np.ndarray
        Booleans, same length.
    """
    x = np.asarray(x)
    out = np.zeros(x.shape, dtype=bool)
    if x.size >= 3:
        out[1:-1] = (x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:])
    if x.size >= 2:
        out[-1] = x[-1] > x[-2]
    return out


def peak_pick(x: np.ndarray, pre_max: int, post_max: int, pre_avg: int, post_avg: int, delta: float,
              wait: int) -> np.ndarray:
    """Frames where ``x`` peaks: ``librosa.util.peak_pick`` (sparse) on a 1-D array.

    Parameters
    ----------
    x : np.ndarray
        1-D float values.
    pre_max, post_max : int
        A peak is the maximum of ``x[n - pre_max : n + post_max]``.
    pre_avg, post_avg : int
        ... and at least ``delta`` above the mean of ``x[n - pre_avg : n + post_avg]``.
    delta : float
        Threshold above the local mean.
    wait : int
        Frames skipped after each peak.

    Returns
    -------
    np.ndarray
        Increasing frame indices.
    """
    x = np.asarray(x)
    n = x.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    index = np.arange(n)
    is_max = x == _window_reduce(x, index - pre_max, index + post_max, np.maximum)
    candidates = np.flatnonzero(is_max & (x >= _sequential_window_mean(x, pre_avg, post_avg) + delta))
    peaks, next_allowed = [], 0
    for c in candidates.tolist():
        if c >= next_allowed:
            peaks.append(c)
            next_allowed = c + wait + 1
    return np.asarray(peaks, dtype=np.int64)


def _window_reduce(x: np.ndarray, starts: np.ndarray, stops: np.ndarray, ufunc) -> np.ndarray:
    """``ufunc.reduce(x[max(0, s):min(e, n)])`` for every (s, e) of windows of one common length."""
    n = x.shape[0]
    width = int(stops[0] - starts[0])
    padded = np.concatenate([np.full(width, x[0]), x, np.full(width, x[-1])])  # edge values change no max
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    return ufunc.reduce(windows[starts + width], axis=-1)[:n]


def _sequential_window_mean(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """Mean of ``x[max(0, n - before) : min(n + after, len(x))]`` for every n, summed left to right.

    Left to right from 0, as librosa's numba loop sums (numpy's pairwise sum rounds differently).
    """
    n = x.shape[0]
    index = np.arange(n)
    total = np.zeros(n, dtype=np.result_type(x.dtype, np.float64))
    count = np.zeros(n)
    for k in range(-before, after):
        j = index + k
        inside = (j >= 0) & (j < n)
        total += np.where(inside, x[np.clip(j, 0, n - 1)], 0.0)
        count += inside
    return total / count


def onset_frames(onset_envelope: np.ndarray, sr: float = 22050, hop_length: int = 512) -> np.ndarray:
    """Onset frames of an envelope: ``librosa.onset.onset_detect(onset_envelope=..., sr=..., hop_length=...)``.

    Parameters
    ----------
    onset_envelope : np.ndarray
        ``(frames,)`` onset strength.
    sr : float
        Sample rate of the audio, in Hz.
    hop_length : int
        Samples between frames.

    Returns
    -------
    np.ndarray
        Increasing frame indices (empty for a flat or non-finite envelope).
    """
    env = onset_envelope - np.min(onset_envelope, keepdims=True, axis=-1)
    env /= np.max(env, keepdims=True, axis=-1) + np.finfo(env.dtype).tiny
    if not env.any() or not np.all(np.isfinite(env)):
        return np.zeros(0, dtype=int)
    frames_per = lambda seconds: int(np.ceil(seconds * sr // hop_length))  # noqa: E731  librosa's defaults
    return peak_pick(env, pre_max=frames_per(0.03), post_max=frames_per(0.0) + 1, pre_avg=frames_per(0.10),
                     post_avg=frames_per(0.10) + 1, delta=_DELTA, wait=frames_per(0.03))
