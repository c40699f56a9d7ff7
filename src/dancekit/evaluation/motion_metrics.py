"""How generated motion compares with the dancer's and with the music's beats (paper 5 and AIST++).

Three measures of a step generator beside :func:`dancekit.motion.beats.beat_f_score`: the cross
entropy of pose distributions (paper 5), the beat-alignment score of the AIST++ work, and the
F-score that motion beats reach by chance (their density alone), which every F-score needs beside it.
"""

from __future__ import annotations

import numpy as np

from dancekit.motion.beats import beat_f_score


def motion_histogram_cross_entropy(real: np.ndarray, generated: np.ndarray, bins: int = 40) -> float:
    """Cross entropy H(real, generated) of per-component value histograms over [-1, 1], averaged (nats).

    The paper compares generated and dancer motion by a cross entropy; this reads it as the two
    pose distributions per normalised motion component (smoothed so an empty bin is finite).

    Parameters
    ----------
    real, generated : ndarray
        Normalised motion features ``[frames, components]`` of the dancer and of the model.
    bins : int
        Histogram bins over [-1, 1] (values outside are clipped into the end bins).

    Returns
    -------
    float
        The mean cross entropy over components; ``log(bins)`` for two uniform distributions.
    """
    edges = np.linspace(-1.0, 1.0, bins + 1)
    total = 0.0
    for j in range(real.shape[1]):
        p = np.histogram(np.clip(real[:, j], -1, 1), edges)[0] + 1e-3
        q = np.histogram(np.clip(generated[:, j], -1, 1), edges)[0] + 1e-3
        p, q = p / p.sum(), q / q.sum()
        total += -(p * np.log(q)).sum()
    return total / real.shape[1]


def beat_alignment_score(motion_beats: np.ndarray, music_beats: np.ndarray, sigma: float = 0.1) -> float:
    """AIST++ (Li et al. 2021) beat alignment: mean over motion beats of exp(-d^2 / 2 sigma^2).

    Parameters
    ----------
    motion_beats, music_beats : array_like
        Beat times (s) on one clock.
    sigma : float
        Tolerance (s); 0.1 is 3 frames at 30 fps.

    Returns
    -------
    float
        In [0, 1]; ``d`` is each motion beat's distance to the nearest music beat. 0 where either is empty.
    """
    if len(motion_beats) == 0 or len(music_beats) == 0:
        return 0.0
    d = np.min(np.abs(np.asarray(motion_beats)[:, None] - np.asarray(music_beats)[None, :]), axis=1)
    return float(np.mean(np.exp(-(d**2) / (2 * sigma**2))))


def chance_f_score(beats: np.ndarray, music: np.ndarray, start: float, stop: float, rng: np.random.Generator,
                   shifts: int = 8) -> float:
    """F-score of the same beats shifted in time (circularly, by 1 s or more): what their density alone scores.

    A clip with many motion beats hits music beats by chance; this is the floor an F-score must clear.

    Parameters
    ----------
    beats, music : array_like
        Motion beats and music beats (s, one clock).
    start, stop : float
        The span the beats are shifted around in.
    rng : numpy.random.Generator
        Draws the shifts.
    shifts : int
        How many shifted copies are averaged.

    Returns
    -------
    float
        The mean F-score of the shifted copies; 0 for a span of 2 s or less or no beats.
    """
    span = stop - start
    if span <= 2.0 or len(beats) == 0:
        return 0.0
    offsets = rng.uniform(1.0, span - 1.0, shifts)
    return float(np.mean([beat_f_score(start + (np.asarray(beats) - start + o) % span, music) for o in offsets]))
