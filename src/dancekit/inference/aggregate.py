"""Turning per-segment probabilities into one answer for the recording (paper 1, III-C)."""

from __future__ import annotations

import numpy as np


class IncrementalMean:
    """Arithmetic mean of segment softmax vectors, updated one batch at a time.

    The paper's real-time mode: each new segment updates the average, so a live result is
    always the offline result of the audio heard so far.

    Parameters
    ----------
    n_classes : int
        Length of each probability vector.
    """

    def __init__(self, n_classes: int):
        self._sum = np.zeros(n_classes, dtype=np.float64)
        self.count = 0

    def update(self, probabilities: np.ndarray) -> np.ndarray:
        """Add a batch of segment probabilities.

        Parameters
        ----------
        probabilities : np.ndarray
            ``[n, C]`` (or one ``[C]`` vector).

        Returns
        -------
        np.ndarray
            The mean so far.
        """
        probabilities = np.atleast_2d(np.asarray(probabilities, dtype=np.float64))
        self._sum += probabilities.sum(axis=0)
        self.count += probabilities.shape[0]
        return self.mean

    @property
    def mean(self) -> np.ndarray:
        """The mean so far, ``[C]`` (NaN before the first segment)."""
        if self.count == 0:
            return np.full_like(self._sum, np.nan)
        return self._sum / self.count


def top_k(probabilities: np.ndarray, classes: list[str], k: int) -> list[tuple[str, float]]:
    """The k most probable classes, most probable first.

    Parameters
    ----------
    probabilities : np.ndarray
        ``[C]`` probabilities.
    classes : list of str
        Their class names.
    k : int
        How many (at least one is returned).

    Returns
    -------
    list of (str, float)
    """
    order = np.argsort(-np.asarray(probabilities), kind="stable")[: max(1, k)]
    return [(classes[i], float(probabilities[i])) for i in order]
