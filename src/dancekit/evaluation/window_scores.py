"""Scores of a classifier that judges short windows of longer recordings, per window and per recording.

A song is cut into many windows; the windows answer one by one and the song's answer is their
mean probability. Both levels are reported side by side, each with its balanced accuracy and its
majority-class chance, because the classes are unevenly represented (many waltzes, few cha-chas)
and plain accuracy would reward answering the largest class.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from dancekit.evaluation.metrics import balanced_accuracy, confusion_matrix


def song_probabilities(probs: np.ndarray, window_song: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each song's mean window probability.

    Parameters
    ----------
    probs : np.ndarray
        ``[windows, classes]`` window probabilities.
    window_song : np.ndarray
        The song of each window (any integer ids).

    Returns
    -------
    (np.ndarray, np.ndarray)
        The song ids in ascending order and their ``[songs, classes]`` mean probabilities.
    """
    window_song = np.asarray(window_song)
    songs = np.array(sorted(set(window_song.tolist())), dtype=np.int64)
    return songs, np.stack([probs[window_song == s].mean(0) for s in songs])


def _level(prefix: str, truth: np.ndarray, predicted: np.ndarray, classes: Sequence[str]) -> dict:
    """Accuracy, balanced accuracy, per-class recall (None for an absent class) and majority chance."""
    counts = np.bincount(truth, minlength=len(classes))
    return {f"{prefix}_accuracy": float(np.mean(predicted == truth)),
            f"{prefix}_balanced_accuracy": balanced_accuracy(predicted, truth),
            f"{prefix}_recall": {c: (float(np.mean(predicted[truth == i] == i)) if counts[i] else None)
                                 for i, c in enumerate(classes)},
            f"{prefix}_chance_majority": float(counts.max() / counts.sum())}


def window_and_song_scores(probs: np.ndarray, window_labels: np.ndarray, window_song: np.ndarray,
                           song_labels: Sequence[int], song_names: Sequence[str], classes: Sequence[str]) -> dict:
    """Window and song accuracies, balanced accuracies, per-class recalls, confusions and majority chance.

    Parameters
    ----------
    probs : np.ndarray
        ``[windows, classes]`` window probabilities.
    window_labels : np.ndarray
        True class of each window.
    window_song : np.ndarray
        Index of each window's song into ``song_labels`` and ``song_names``.
    song_labels : sequence of int
        True class of each song.
    song_names : sequence of str
        Name of each song.
    classes : sequence of str
        Class names, in the columns' order.

    Returns
    -------
    dict
        ``windows``, ``songs``, per-class counts, ``window_*`` and ``song_*`` accuracy, balanced
        accuracy, recall and majority chance, both confusion matrices (rows true, columns
        predicted) and ``song_predictions`` (song name -> class name).
    """
    window_labels = np.asarray(window_labels)
    predicted = probs.argmax(1)
    song_ids, song_probs = song_probabilities(probs, window_song)
    song_truth = np.array([song_labels[s] for s in song_ids])
    song_predicted = song_probs.argmax(1)
    n = len(classes)
    return {
        "windows": int(len(window_labels)), "songs": int(len(song_ids)),
        "windows_per_class": dict(zip(classes, np.bincount(window_labels, minlength=n).tolist())),
        "songs_per_class": dict(zip(classes, np.bincount(song_truth, minlength=n).tolist())),
        **_level("window", window_labels, predicted, classes),
        **_level("song", song_truth, song_predicted, classes),
        "window_confusion": confusion_matrix(predicted, window_labels, n).tolist(),
        "song_confusion": confusion_matrix(song_predicted, song_truth, n).tolist(),
        "song_predictions": {song_names[s]: classes[int(p)] for s, p in zip(song_ids, song_predicted)},
    }


def song_accuracy(probs: np.ndarray, window_song: np.ndarray, song_labels: Sequence[int]) -> float:
    """Share of songs whose mean window probability peaks at their true class.

    Parameters
    ----------
    probs : np.ndarray
        ``[windows, classes]`` window probabilities.
    window_song : np.ndarray
        Index of each window's song into ``song_labels``.
    song_labels : sequence of int
        True class of each song.

    Returns
    -------
    float
    """
    song_ids, song_probs = song_probabilities(probs, window_song)
    return float(np.mean([p.argmax() == song_labels[s] for s, p in zip(song_ids, song_probs)]))
