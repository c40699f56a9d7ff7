"""The frame classifiers of paper 4 as model files: their task name and their loading.

The networks are :mod:`dancekit.models.video_cnn_network`, which the registry builds from a card;
they are re-exported here, where their users have always imported them from. Kept apart because
loading a model goes through the registry: a network module that loaded files would import itself
in a circle.
"""

from __future__ import annotations

import os

import torch

from dancekit.errors import ModelError
from dancekit.models.files import load_model, read_card, resolve_model
from dancekit.models.video_cnn_network import (  # noqa: F401  re-exported for the frame classifiers' users
    IMAGENET_MEAN,
    IMAGENET_STD,
    VIDEO_ARCHITECTURES,
    FrameClassifier,
    build_video_cnn,
    load_backbone_weights,
)

#: the model-file task of frame classifiers
VIDEO_TASK = "video"


def load_video_model(name_or_path: str | os.PathLike, device: str | torch.device = "cpu"):
    """A frame-classifier model folder (``model.json`` + ``model.safetensors``), hash-checked."""
    directory = resolve_model(name_or_path)
    card = read_card(directory)
    if card.task != VIDEO_TASK or card.architecture not in VIDEO_ARCHITECTURES:
        raise ModelError(f"model {card.name} is a {card.task} model ({card.architecture}), not a video frame model")
    return load_model(directory, device)
