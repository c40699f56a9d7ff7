"""The frame classifiers of paper 4 as model files: their task name and their loading.

The networks are :mod:`dancekit.models.video_cnn_network`, which knows nothing of cards or model
folders; they are re-exported here, where their users have always imported them from.
"""

from __future__ import annotations

import os

import torch

from dancekit.models.files import LoadedModel, load_model
from dancekit.models.registry import VIDEO
from dancekit.models.video_cnn_network import (  # noqa: F401  re-exported for the frame classifiers' users
    IMAGENET_MEAN,
    IMAGENET_STD,
    VIDEO_ARCHITECTURES,
    FrameClassifier,
    build_video_cnn,
    load_backbone_weights,
)

#: the model-file task of frame classifiers (``dancekit.models.registry.VIDEO``)
VIDEO_TASK = VIDEO


def load_video_model(name_or_path: str | os.PathLike, device: str | torch.device = "cpu") -> LoadedModel:
    """``load_model(name_or_path, device, task="video")``: a frame classifier, hash-checked.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A model folder (``model.json`` + ``model.safetensors``) or built-in name.
    device : str or torch.device
        Where the network goes.

    Returns
    -------
    LoadedModel
    """
    return load_model(name_or_path, device, task=VIDEO)
