"""Paper 1's perturbation experiment (Fig. 4): accuracy as noise of growing intensity is mixed in.

At intensity ``alpha`` a recording becomes ``(1 - alpha) * music + alpha * noise``, both scaled
to the same RMS first, so alpha = 0 is the clean music, 0.5 equal loudness (0 dB SNR) and 1 noise
alone. The curve shows how long the answer survives a worse and worse recording.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from dancekit.synth.degrade import hall_noise


def perturb(music: np.ndarray, alpha: float, noise: np.ndarray) -> np.ndarray:
    """``music`` with ``noise`` mixed in at intensity ``alpha`` in [0, 1] (peak-safe float32).

    Both are scaled to unit RMS before mixing, and the mix to an RMS of 0.25.

    Parameters
    ----------
    music : np.ndarray
        Mono samples.
    alpha : float
        0 is the music alone, 1 the noise alone.
    noise : np.ndarray
        At least as long as ``music``.

    Returns
    -------
    np.ndarray
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], not {alpha}")
    rms = lambda x: float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) or 1.0  # noqa: E731
    mix = (1 - alpha) * music / rms(music) + alpha * noise[: len(music)] / rms(noise[: len(music)])
    return (mix * (0.25 / max(rms(mix), 1e-9))).astype(np.float32)


def robustness_curve(classify: Callable[[np.ndarray], np.ndarray], songs: Sequence[np.ndarray],
                     labels: Sequence[int], sr: int, alphas: Sequence[float], kind: str = "crowd",
                     seed: int = 0) -> list[dict]:
    """Top-1 and top-2 accuracy of a classifier as hall noise grows.

    Each song keeps one noise draw for every alpha, so the curve changes only with the intensity.

    Parameters
    ----------
    classify : callable
        Maps mono audio to class probabilities ``[classes]``.
    songs : sequence of np.ndarray
        Mono recordings at ``sr``.
    labels : sequence of int
        True class of each song.
    sr : int
        Sample rate of the songs.
    alphas : sequence of float
        Noise intensities in [0, 1] (see :func:`perturb`).
    kind : {"white", "crowd", "claps"}
        The noise (:func:`dancekit.synth.degrade.hall_noise`).
    seed : int
        Seeds the noise.

    Returns
    -------
    list of dict
        One ``{"alpha", "noise", "top1", "top2"}`` per alpha.
    """
    rng = np.random.default_rng(seed)
    noises = [hall_noise(kind, len(y), sr, rng) for y in songs]
    rows = []
    for alpha in alphas:
        probs = np.stack([classify(perturb(y, alpha, n)) for y, n in zip(songs, noises)])
        order = np.argsort(-probs, axis=1)
        labels_ = np.asarray(labels)
        rows.append({"alpha": float(alpha), "noise": kind,
                     "top1": float((order[:, 0] == labels_).mean()),
                     "top2": float((order[:, :2] == labels_[:, None]).any(axis=1).mean())})
    return rows
