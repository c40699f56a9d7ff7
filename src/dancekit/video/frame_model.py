"""A model folder for ``dancekit video`` from a finished frame-classifier experiment (paper 4's recipe).

The shipped network is the one trained on the training side of the *video* split, so the card's
held-out figures are on videos it never saw; which network is shipped is chosen by that held-out
video accuracy, AlexNet only when nothing else was trained (its weights are 228 MB). The card
names the groups on each side, so a later test can re-measure exactly the held-out videos.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from dancekit.models.files import ModelCard, save_model
from dancekit.models.video_cnn import VIDEO_TASK, build_video_cnn
from dancekit.training.checkpoint import load_checkpoint
from dancekit.video.datasets import FrameSet
from dancekit.video.training import RunResult, VideoRecipe

#: too large to ship when any other network was trained
HEAVY_ARCHITECTURES = ("alexnet",)


def choose_shipped_architecture(results: Mapping[tuple[str, str], RunResult], architectures: Sequence[str]) -> str:
    """The network of best held-out video accuracy on the video split, a heavy one only as the last resort.

    Parameters
    ----------
    results : mapping
        ``(split, architecture)`` -> :class:`RunResult`, with the ``"video"`` split of every architecture.
    architectures : sequence of str
        The networks trained.

    Returns
    -------
    str
    """
    candidates = [a for a in architectures if a not in HEAVY_ARCHITECTURES] or list(architectures)
    return max(candidates, key=lambda a: results[("video", a)].video_accuracy)


def frame_model_card(architecture: str, results: Mapping[tuple[str, str], RunResult], data: FrameSet,
                     val_mask: np.ndarray, recipe: VideoRecipe, source: dict, every: int = 1,
                     name: str = "video_dance") -> ModelCard:
    """The card of a frame classifier trained on the training side of the video split.

    Parameters
    ----------
    architecture : str
    results : mapping
        ``(split, architecture)`` -> :class:`RunResult`; every split of ``architecture`` found is
        reported in the metrics.
    data : FrameSet
        The frames trained and validated on.
    val_mask : np.ndarray
        The video split's validation frames.
    recipe : VideoRecipe
    source : dict
        What is known of the data (``load_frame_data``'s third value); its video list and sides are
        left out of the card.
    every : int
        Every how many frames of each video were used.
    name : str

    Returns
    -------
    ModelCard
    """
    metrics = {split: {"frame_accuracy": results[(split, architecture)].frame_accuracy,
                       "video_accuracy": results[(split, architecture)].video_accuracy,
                       "val_frames": len(results[(split, architecture)].val_frames),
                       "val_videos": results[(split, architecture)].val_videos}
               for split in ("frame", "video") if (split, architecture) in results}
    size = int(data.images.shape[1])
    return ModelCard(
        name=name, task=VIDEO_TASK, architecture=architecture, classes=list(data.classes),
        frontend={"kind": "rgb_frames", "image_size": size, "resize": "squash", "fps": 1.0,
                  "normalise": "imagenet mean/std inside the network"},
        segment_frames=1, default_stride=1,
        summary=f"{architecture} frame classifier (paper 4) trained from scratch on rendered real motion; "
                f"mean frame probability per video",
        training={"recipe": "recipes/video_classification.py", "paper_recipe": recipe.to_dict(),
                  "data": {k: v for k, v in source.items() if k not in ("videos", "song_sides")},
                  "frames_used": {"every": every, "size": size, **data.summary()},
                  "split": "video-level: trained on the training side of the video split only",
                  "train_groups": sorted({data.video_groups[v] for v in np.unique(data.videos[~val_mask])}),
                  "val_groups": sorted({data.video_groups[v] for v in np.unique(data.videos[val_mask])}),
                  "history": results[("video", architecture)].history},
        metrics=metrics)


def save_frame_model(card: ModelCard, network_path: str | os.PathLike, directory: str | os.PathLike) -> Path:
    """Write the model folder: the card and the trained weights that ``run_experiment`` kept.

    Parameters
    ----------
    card : ModelCard
        From :func:`frame_model_card`.
    network_path : str or os.PathLike
        The ``network.pt`` state dict of the run (``run_experiment(..., keep_networks=True)``).
    directory : str or os.PathLike
        The model folder to write.

    Returns
    -------
    Path
        The model folder.
    """
    network = build_video_cnn(card.architecture, len(card.classes))
    network.load_state_dict(load_checkpoint(network_path))
    return save_model(network, card, directory)
