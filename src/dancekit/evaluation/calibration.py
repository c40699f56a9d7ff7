"""Is the confidence honest? Temperature fitting, expected calibration error and reliability bins.

Used by ``benchmarks/calibration.py`` on real held-out recordings: each row is one recording's final
probabilities and the index of its true class.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from dancekit.inference.calibration import apply_temperature

#: Temperatures tried when fitting (log-spaced).
TEMPERATURE_GRID = np.geomspace(0.25, 8.0, 141)


def negative_log_likelihood(probabilities: np.ndarray, truth: Sequence[int], temperature: float = 1.0,
                            weights: Sequence[float] | None = None) -> float:
    """Mean (weighted) negative log-probability of the true class after the temperature.

    Parameters
    ----------
    probabilities : np.ndarray [shape=(n, C)]
        Each recording's probabilities.
    truth : sequence of int
        Each recording's true class index.
    temperature : float
        Applied first (see :func:`dancekit.inference.calibration.apply_temperature`).
    weights : sequence of float, optional
        Per recording, e.g. so that dance songs and other music count equally (default: all 1).

    Returns
    -------
    float
    """
    p = apply_temperature(np.asarray(probabilities, dtype=float), temperature)
    return float(-np.average(np.log(np.maximum(p[np.arange(len(p)), np.asarray(truth)], 1e-12)), weights=weights))


def fit_temperature(probabilities: np.ndarray, truth: Sequence[int], grid: np.ndarray = TEMPERATURE_GRID,
                    weights: Sequence[float] | None = None) -> float:
    """The temperature of least negative log-likelihood on held-out recordings.

    Parameters
    ----------
    probabilities : np.ndarray [shape=(n, C)]
        Held-out recordings' probabilities (never the training songs').
    truth : sequence of int
        True class indices.
    grid : np.ndarray
        Temperatures tried.
    weights : sequence of float, optional
        Per recording (see :func:`negative_log_likelihood`).

    Returns
    -------
    float
    """
    if not len(probabilities):
        raise ValueError("no recordings to fit a temperature on")
    return float(grid[int(np.argmin([negative_log_likelihood(probabilities, truth, t, weights) for t in grid]))])


def reliability_bins(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> list[dict]:
    """Recordings grouped by top probability: how sure, and how often right, in each bin.

    Parameters
    ----------
    confidence : sequence of float
        Top probability of each recording.
    correct : sequence of bool
        Whether its answer was right.
    n_bins : int
        Equal-width bins over [0, 1].

    Returns
    -------
    list of dict
        Non-empty bins: ``low``, ``high``, ``count``, ``confidence`` (mean), ``accuracy``.
    """
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, n_bins - 1)
    return [{"low": round(float(edges[b]), 3), "high": round(float(edges[b + 1]), 3), "count": int((which == b).sum()),
             "confidence": float(confidence[which == b].mean()), "accuracy": float(correct[which == b].mean())}
            for b in range(n_bins) if (which == b).any()]


def expected_calibration_error(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> float:
    """Expected calibration error: the count-weighted gap between confidence and accuracy over the bins.

    Parameters
    ----------
    confidence, correct, n_bins
        As for :func:`reliability_bins`.

    Returns
    -------
    float
        0 for a perfectly calibrated set.
    """
    bins = reliability_bins(confidence, correct, n_bins)
    total = sum(b["count"] for b in bins)
    return float(sum(b["count"] * abs(b["confidence"] - b["accuracy"]) for b in bins) / total) if total else 0.0


#: Log-biases tried for one class when fitting it with the temperature.
LOG_BIAS_GRID = np.linspace(-6.0, 6.0, 97)


def fit_class_bias_and_temperature(probabilities: np.ndarray, truth: Sequence[int], index: int,
                                   biases: np.ndarray = LOG_BIAS_GRID,
                                   temperatures: np.ndarray = TEMPERATURE_GRID,
                                   weights: Sequence[float] | None = None) -> tuple[float, float]:
    """One class's log-bias and the temperature, jointly, of least negative log-likelihood.

    For a model whose reject class ("Other") learnt real music while the dances were mostly synthetic:
    held-out real dance songs and real other music together say how far to move that class back.

    Parameters
    ----------
    probabilities : np.ndarray [shape=(n, C)]
        Held-out recordings' probabilities.
    truth : sequence of int
        True class indices.
    index : int
        The class that gets the bias.
    biases, temperatures : np.ndarray
        Values tried.
    weights : sequence of float, optional
        Per recording (see :func:`negative_log_likelihood`).

    Returns
    -------
    (float, float)
        Log-bias, temperature.
    """
    p = np.asarray(probabilities, dtype=float)
    if not len(p):
        raise ValueError("no recordings to fit a bias and temperature on")
    best = (np.inf, 0.0, 1.0)
    for bias in biases:
        q = p.copy()
        q[:, index] *= np.exp(bias)
        q /= q.sum(axis=1, keepdims=True)
        t = fit_temperature(q, truth, temperatures, weights)
        best = min(best, (negative_log_likelihood(q, truth, t, weights), float(bias), t))
    return best[1], best[2]
