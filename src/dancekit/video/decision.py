"""From frame probabilities to one answer per video: the mean, as audio segments are averaged.

A frame is a single pose; a video is many. Averaging the softmax of every kept frame (the
paper classifies frames only) is the video-level decision used for evaluation and by
``dancekit video``; it matches ``dancekit.inference.aggregate`` for audio segments.
"""

from __future__ import annotations

import numpy as np


def video_probabilities(frame_probs: np.ndarray, videos: np.ndarray, n_videos: int | None = None) -> np.ndarray:
    """Mean frame probability of each video [V, C]; a video with no frame gets NaN.

    Parameters
    ----------
    frame_probs : np.ndarray
        ``[frames, classes]`` probabilities.
    videos : np.ndarray
        The video index of each frame.
    n_videos : int, optional
        Number of videos (default: the largest index + 1).

    Returns
    -------
    np.ndarray
    """
    frame_probs = np.asarray(frame_probs, dtype=np.float64)
    videos = np.asarray(videos, dtype=np.int64)
    n_videos = int(videos.max()) + 1 if n_videos is None else n_videos
    sums = np.zeros((n_videos, frame_probs.shape[1]))
    np.add.at(sums, videos, frame_probs)
    counts = np.bincount(videos, minlength=n_videos).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]


def video_decisions(frame_probs: np.ndarray, videos: np.ndarray, video_labels: np.ndarray) -> dict:
    """Per-video probabilities, predictions and accuracy over the videos that have frames here.

    Parameters
    ----------
    frame_probs, videos
        As for :func:`video_probabilities`.
    video_labels : np.ndarray
        True class of every video.

    Returns
    -------
    dict
        ``videos`` (those with frames), ``probabilities``, ``predicted``, ``labels`` and ``accuracy``.
    """
    probs = video_probabilities(frame_probs, videos, len(video_labels))
    present = np.flatnonzero(np.bincount(np.asarray(videos), minlength=len(video_labels)) > 0)
    predicted = probs[present].argmax(1)
    truth = np.asarray(video_labels)[present]
    return {"videos": present, "probabilities": probs[present], "predicted": predicted, "labels": truth,
            "accuracy": float((predicted == truth).mean()) if len(present) else float("nan")}
