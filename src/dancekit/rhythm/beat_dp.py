"""Ellis's dynamic-programming beat tracker at a given tempo, in numpy: librosa 0.11's ``beat_track``.

``librosa.beat.beat_track(onset_envelope=..., bpm=..., tightness=...)`` compiles five numba kernels
when librosa.beat is imported (about 2 s of a 2-core start). This is the same algorithm, step for
step: the onset envelope scaled by its standard deviation, smoothed by a Gaussian a beat wide
(the local score), the best predecessor of each frame between half a beat and two beats back, the
last beat among the cumulative score's strong local maxima, back-tracking, and trimming of weak
beats at both ends. Sums run in librosa's order, so the beats are the same frames
(``tests/rhythm/test_beat_dp.py``). The search over predecessors is vectorised over every frame
whose window lies wholly before the block being scored, so a 3-minute song takes a few dozen
numpy steps rather than 8,000 Python iterations.
"""

from __future__ import annotations

import math

import numpy as np

from dancekit.rhythm.peaks import local_maxima


def beat_frames(onset_envelope: np.ndarray, sr: float, hop_length: int, bpm: float,
                tightness: float = 100.0, trim: bool = True) -> np.ndarray:
    """Beat frames of an onset envelope tracked at ``bpm``; empty when the envelope is all zero.

    Parameters
    ----------
    onset_envelope, sr, hop_length
        The envelope and its frame grid, as for :func:`dancekit.rhythm.peaks.onset_frames`.
    bpm : float
        The tempo to track (> 0).
    tightness : float
        How strictly beats keep to the tempo (librosa's default 100).
    trim : bool
        Drop weak beats at the start and the end.

    Returns
    -------
    np.ndarray
        Increasing frame indices.
    """
    env = np.asarray(onset_envelope)
    if env.ndim != 1:
        raise ValueError("need a 1-D onset envelope")
    if not env.any():
        return np.array([], dtype=int)
    if bpm <= 0:
        raise ValueError(f"bpm={bpm} must be strictly positive")
    if tightness <= 0:
        raise ValueError("tightness must be strictly positive")
    frames_per_beat = float(np.round(float(sr) / hop_length * 60.0 / bpm))
    localscore = _local_score(_normalize(env), frames_per_beat)
    backlink, cumscore = _dp(localscore, frames_per_beat, float(np.float32(tightness)))
    beats = np.zeros(env.shape, dtype=bool)
    n = _last_beat(cumscore)
    while n >= 0:
        beats[n] = True
        n = backlink[n]
    return np.flatnonzero(_trim(localscore, beats, trim))


def _normalize(env: np.ndarray) -> np.ndarray:
    return env / (env.std(ddof=1, axis=-1, keepdims=True) + np.finfo(env.dtype).tiny)


def _local_score(env: np.ndarray, frames_per_beat: float) -> np.ndarray:
    """``sum_k window[k] * env[i + K//2 - k]`` over librosa's k (``env[0]`` never counts), in increasing k.

    The window's exponentials come from the C library (``math.exp``), as in librosa's numba kernel.
    """
    lags = np.arange(-frames_per_beat, frames_per_beat + 1) * 32.0 / frames_per_beat
    window = np.array([math.exp(v) for v in (-0.5 * lags**2).tolist()])
    n, k_len = len(env), len(window)
    index = np.arange(n)
    score = np.zeros(n, dtype=env.dtype)
    for k in range(k_len):
        j = index + k_len // 2 - k
        inside = (j >= 1) & (j < n)  # librosa's loop stops before env[0]
        score += np.where(inside, window[k] * env[np.clip(j, 0, n - 1)], 0.0).astype(env.dtype, copy=False)
    return score


def _dp(localscore: np.ndarray, frames_per_beat: float, tightness: float) -> tuple[np.ndarray, np.ndarray]:
    """Best predecessor (``backlink``) and cumulative score of every frame.

    Frame i looks back at ``loc`` from ``i - round(fpb / 2)`` down to ``i - 2 fpb``, keeping the first
    strict maximum of ``cumscore[loc] - tightness * (log(i - loc) - log(fpb))**2`` in that order.
    Frames in a block shorter than ``round(fpb / 2)`` depend only on frames before the block, so
    each block is one vectorised step.
    """
    n = len(localscore)
    near = int(np.round(frames_per_beat / 2))
    far = int(2 * frames_per_beat)  # the last loc looked at is i - far
    cumscore = np.zeros(n, dtype=localscore.dtype)
    backlink = np.full(n, -1, dtype=np.int64)
    offsets = np.arange(near, far + 1)  # loc = i - offset, in librosa's search order
    log_fpb = math.log(frames_per_beat)  # the C library's log, as numba calls it
    penalty = tightness * (np.array([math.log(o) for o in offsets.tolist()]) - log_fpb) ** 2
    score_thresh = 0.01 * localscore.max()
    step = max(1, near)
    for start in range(0, n, step):
        i = np.arange(start, min(n, start + step))
        loc = i[:, np.newaxis] - offsets[np.newaxis, :]
        valid = loc >= 0
        scores = np.where(valid, cumscore[np.clip(loc, 0, None)] - penalty, -np.inf)
        best = np.argmax(scores, axis=1)  # the first of equal maxima: librosa keeps a strictly better one
        found = valid[np.arange(len(i)), best]
        best_score = scores[np.arange(len(i)), best]
        cumscore[i] = np.where(found, localscore[i] + best_score, localscore[i])
        backlink[i] = np.where(found, i - offsets[best], -1)
    # before the first strong frame, no frame links back (librosa's ``first_beat``)
    strong = np.flatnonzero(localscore >= score_thresh)
    first = strong[0] if strong.size else n
    backlink[:first] = -1
    return backlink, cumscore


def _last_beat(cumscore: np.ndarray) -> int:
    """The last local maximum of the cumulative score above half the median of its local maxima."""
    peaks = local_maxima(cumscore)
    threshold = 0.5 * np.ma.getdata(np.ma.median(np.ma.masked_array(data=cumscore, mask=~peaks)))
    good = np.flatnonzero(peaks & (cumscore >= threshold))
    return int(good[-1]) if good.size else len(cumscore) - 1


def _trim(localscore: np.ndarray, beats: np.ndarray, trim: bool) -> np.ndarray:
    """Unset beats in the leading and trailing frames whose local score is at most the threshold."""
    out = beats.copy()
    w = np.hanning(5)
    smooth_boe = np.convolve(localscore[beats], w)[len(w) // 2 : len(localscore) + len(w) // 2]
    mean_square = np.cumsum(smooth_boe**2)[-1] / smooth_boe.size if smooth_boe.size else np.nan  # summed in order
    threshold = 0.5 * (mean_square**0.5) if trim else 0.0
    above = np.flatnonzero(localscore > threshold)
    if not above.size:
        out[:] = False
        return out
    out[: above[0]] = False
    out[above[-1] + 1 :] = False
    return out
