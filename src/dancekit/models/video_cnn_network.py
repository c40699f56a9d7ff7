"""Frame classifiers of paper 4: AlexNet, ResNet18 and SqueezeNet1_0 from torchvision, N outputs.

ImageNet weights cannot be downloaded here, so networks start from scratch (``weights=None``).
A user who has a torchvision ImageNet checkpoint can pass it as ``weights_path`` (read by
:func:`dancekit.models.weights.read_weights`, which never unpickles objects): every tensor
of the backbone must match in name and shape (a wrong file fails loudly instead of half
loading), and the 1000-class head is replaced by a fresh N-class one.

Inputs are RGB uint8 frames [B, H, W, 3] or float [B, 3, H, W] in 0..1; the network itself
scales and normalises with the ImageNet statistics, so a model file needs no separate front end.
"""

from __future__ import annotations

import os

import torch
from torch import nn
from torchvision import models as tvm

from dancekit.errors import ModelError
from dancekit.models.weights import read_weights

VIDEO_ARCHITECTURES = ("alexnet", "resnet18", "squeezenet1_0")
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class FrameClassifier(nn.Module):
    """uint8 or 0..1 frames -> class logits, with the ImageNet normalisation built in.

    Parameters
    ----------
    backbone : nn.Module
        A torchvision image network with an N-class head.
    """

    def __init__(self, backbone: nn.Module):
        super().__init__()
        self.backbone = backbone
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """Class logits of a batch of video frames, scaled and normalised here.

        Parameters
        ----------
        frames : torch.Tensor
            uint8 ``[B, H, W, 3]`` (or ``[B, 3, H, W]``), or float ``[B, 3, H, W]`` in 0..1.

        Returns
        -------
        torch.Tensor
            ``[B, N]`` logits.
        """
        if frames.dtype == torch.uint8:
            if frames.shape[-1] == 3 and frames.shape[1] != 3:
                frames = frames.permute(0, 3, 1, 2)
            frames = frames.float() / 255.0
        return self.backbone((frames - self.mean) / self.std)


def _head(net: nn.Module, arch: str) -> tuple[str, nn.Module]:
    """Name prefix and module of the classifier layer that gets N outputs."""
    if arch == "alexnet":
        return "classifier.6", net.classifier[6]
    if arch == "resnet18":
        return "fc", net.fc
    return "classifier.1", net.classifier[1]


def _set_head(net: nn.Module, arch: str, num_classes: int) -> None:
    if arch == "alexnet":
        net.classifier[6] = nn.Linear(net.classifier[6].in_features, num_classes)
    elif arch == "resnet18":
        net.fc = nn.Linear(net.fc.in_features, num_classes)
    else:
        net.classifier[1] = nn.Conv2d(512, num_classes, kernel_size=1)
        nn.init.normal_(net.classifier[1].weight, mean=0.0, std=0.01)
        nn.init.zeros_(net.classifier[1].bias)
        net.num_classes = num_classes


def load_backbone_weights(net: nn.Module, arch: str, path: str | os.PathLike) -> None:
    """Load an ImageNet (or any) checkpoint into ``net`` except its head, with strict shape checks.

    Parameters
    ----------
    net : nn.Module
        The bare torchvision network, filled in place.
    arch : str
        Its architecture name, which says where the head is.
    path : str or os.PathLike
        The checkpoint; ``module.`` and ``backbone.`` prefixes are dropped.

    Raises
    ------
    ModelError
        When the file is not a state dict, or a backbone tensor is missing or has another shape.
    """
    state = read_weights(path)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise ModelError(f"{path}: not a state dict")
    state = {k.removeprefix("module.").removeprefix("backbone."): v for k, v in state.items()}
    head, _ = _head(net, arch)
    own = {k: v for k, v in net.state_dict().items() if not k.startswith(head + ".")}
    missing = sorted(set(own) - set(state))
    wrong = sorted(k for k in own if k in state and tuple(state[k].shape) != tuple(own[k].shape))
    if missing or wrong:
        detail = f"missing {missing[:3]}" if missing else f"shape mismatch in {wrong[:3]}"
        raise ModelError(f"{path} does not fit {arch}: {detail}")
    net.load_state_dict({**net.state_dict(), **{k: state[k] for k in own}})


def build_video_cnn(arch: str, num_classes: int, weights_path: str | os.PathLike | None = None) -> FrameClassifier:
    """A paper-4 network with ``num_classes`` outputs (random init, or ``weights_path`` minus its head).

    Parameters
    ----------
    arch : str
        One of :data:`VIDEO_ARCHITECTURES`.
    num_classes : int
        Number of outputs, at least 2.
    weights_path : str or os.PathLike, optional
        A local ImageNet checkpoint to start from.

    Returns
    -------
    FrameClassifier
        The network with its normalisation.

    Raises
    ------
    ModelError
        For an unknown architecture or fewer than 2 classes.
    """
    if arch not in VIDEO_ARCHITECTURES:
        raise ModelError(f"unknown video architecture {arch!r}; choose from {', '.join(VIDEO_ARCHITECTURES)}")
    if num_classes < 2:
        raise ModelError(f"a classifier needs at least 2 classes, got {num_classes}")
    net = getattr(tvm, arch)(weights=None)
    if weights_path is not None:
        load_backbone_weights(net, arch, weights_path)
    _set_head(net, arch, num_classes)
    return FrameClassifier(net)
