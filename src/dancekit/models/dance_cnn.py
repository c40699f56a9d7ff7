"""Dance-CNN classifiers: image CNN backbones adapted to one-channel spectrogram segments.

Paper 1 (Table VI) compares DenseNet161, ResNet-18, ResNeXt-50 32x4d and VGG16 on 224x224
mel segments. The torchvision definitions are used as they are; only the first convolution
(1 input channel instead of RGB) and the classifier (N classes) change. ResNet-18, the shipped
backbone, is :mod:`dancekit.models.resnet`'s copy of torchvision's (same weights, names and
output), so that loading the ballroom model does not import torchvision (~1.5 s); torchvision is
imported only to build the other backbones. ``small_cnn`` is a fast few-layer network for tests
and quick experiments.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from dancekit.models.resnet import resnet18


class SegmentStandardize(nn.Module):
    """Zero-mean, unit-variance per segment: makes the network blind to playback level.

    Parameters
    ----------
    eps : float
        Added to the standard deviation so a silent segment does not divide by zero.
    """

    def __init__(self, eps: float = 1e-5):
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Standardise each segment over its last two axes.

        Parameters
        ----------
        x : torch.Tensor
            ``[..., bins, frames]``.

        Returns
        -------
        torch.Tensor
            Same shape, zero mean and unit variance per segment.
        """
        mean = x.mean(dim=(-2, -1), keepdim=True)
        std = x.std(dim=(-2, -1), keepdim=True)
        return (x - mean) / (std + self.eps)


class SegmentClassifier(nn.Module):
    """Spectrogram segments ``[B, bins, frames]`` -> class logits ``[B, C]``.

    Parameters
    ----------
    backbone : nn.Module
        A one-channel image network that ends in the class layer; it gets standardised segments.
    """

    def __init__(self, backbone: nn.Module):
        super().__init__()
        self.standardize = SegmentStandardize()
        self.backbone = backbone

    def forward(self, segments: torch.Tensor) -> torch.Tensor:
        """Class logits of a batch of segments.

        Parameters
        ----------
        segments : torch.Tensor
            ``[B, bins, frames]`` or ``[B, 1, bins, frames]``.

        Returns
        -------
        torch.Tensor
            ``[B, C]`` logits (no softmax).
        """
        if segments.dim() == 3:
            segments = segments.unsqueeze(1)
        return self.backbone(self.standardize(segments))


def _one_channel_conv(conv: nn.Conv2d) -> nn.Conv2d:
    return nn.Conv2d(
        1,
        conv.out_channels,
        kernel_size=conv.kernel_size,
        stride=conv.stride,
        padding=conv.padding,
        bias=conv.bias is not None,
    )


def _resnet(factory: Callable[..., nn.Module], num_classes: int) -> nn.Module:
    net = factory(weights=None, num_classes=num_classes)
    net.conv1 = _one_channel_conv(net.conv1)
    return net


def _torchvision_models():
    from torchvision import models as tvm  # heavy (~1.5 s, torch._dynamo): only for the backbones that need it

    return tvm


def _densenet161(num_classes: int) -> nn.Module:
    tvm = _torchvision_models()
    # Paper 1, III: dense blocks 6/12/36/24, 96 initial features, growth rate 48.
    net = tvm.DenseNet(growth_rate=48, block_config=(6, 12, 36, 24), num_init_features=96, num_classes=num_classes)
    net.features.conv0 = _one_channel_conv(net.features.conv0)
    return net


def _vgg16(num_classes: int) -> nn.Module:
    net = _torchvision_models().vgg16(weights=None, num_classes=num_classes)
    net.features[0] = _one_channel_conv(net.features[0])
    return net


def _small_cnn(num_classes: int, width: int = 16) -> nn.Module:
    layers: list[nn.Module] = []
    channels = 1
    for i in range(4):
        out = width * 2**i
        layers += [nn.Conv2d(channels, out, 3, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
        layers.append(nn.MaxPool2d(4 if i < 2 else 2))
        channels = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(channels, num_classes))


BACKBONES: dict[str, Callable[..., nn.Module]] = {
    "densenet161": _densenet161,
    "resnet18": lambda num_classes: _resnet(resnet18, num_classes),
    "resnext50_32x4d": lambda num_classes: _resnet(_torchvision_models().resnext50_32x4d, num_classes),
    "vgg16": _vgg16,
    "small_cnn": _small_cnn,
}


def build_dance_cnn(architecture: str, num_classes: int, **kwargs) -> SegmentClassifier:
    """A Dance-CNN segment classifier with a freshly initialised backbone (the registry's builder).

    Parameters
    ----------
    architecture : str
        A key of :data:`BACKBONES`, e.g. ``"resnet18"``.
    num_classes : int
        Number of output classes.
    **kwargs
        Passed to the backbone factory (``width`` for ``small_cnn``).

    Returns
    -------
    SegmentClassifier
        The untrained classifier.

    Raises
    ------
    ValueError
        For an unknown architecture.
    """
    try:
        factory = BACKBONES[architecture]
    except KeyError:
        raise ValueError(f"unknown architecture {architecture!r}; choose from {', '.join(BACKBONES)}") from None
    return SegmentClassifier(factory(num_classes=num_classes, **kwargs))


def load_rgb_backbone_weights(model: SegmentClassifier, state_dict: dict[str, torch.Tensor]) -> None:
    """Start from a local ImageNet checkpoint: RGB first-conv kernels are summed into one channel.

    The classifier layer is skipped (its shape differs); every other tensor must match.

    Parameters
    ----------
    model : SegmentClassifier
        The classifier whose backbone is filled in place.
    state_dict : dict of str to torch.Tensor
        The torchvision ImageNet weights of the same architecture.

    Raises
    ------
    ValueError
        When more than the class layer's tensors do not fit.
    """
    own = model.backbone.state_dict()
    adapted = {}
    for name, tensor in state_dict.items():
        if name not in own:
            continue
        if tensor.dim() == 4 and tensor.shape[1] == 3 and own[name].shape[1] == 1:
            tensor = tensor.sum(dim=1, keepdim=True)
        if tensor.shape != own[name].shape:
            continue  # the N-class head
        adapted[name] = tensor
    missing = [k for k in own if k not in adapted]
    model.backbone.load_state_dict(adapted, strict=False)
    if len(missing) > 4:
        raise ValueError(f"weights do not fit this architecture ({len(missing)} tensors missing)")
