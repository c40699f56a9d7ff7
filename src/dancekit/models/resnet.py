"""ResNet-18 written out, so that loading the ballroom model does not import torchvision.

``import torchvision`` costs about 1.5 s of a 2-core start: its model package imports
``torchvision.ops``, which imports ``torch._dynamo``, only for detection layers a ResNet never
uses. This module is torchvision's ``resnet18`` layer for layer: the same modules, created in the
same order (so that one seed gives the same initial weights), the same initialisation, the same
``state_dict`` keys and the same forward computation. ``tests/models/test_resnet.py`` checks all
three against torchvision.
"""

from __future__ import annotations

import torch
from torch import nn


def _conv3x3(inplanes: int, planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a shortcut (torchvision's ``BasicBlock``, groups 1, no dilation).

    Parameters
    ----------
    inplanes : int
        Input channels.
    planes : int
        Output channels.
    stride : int
        Stride of the first convolution.
    downsample : nn.Module, optional
        Maps the input onto the output's shape for the shortcut.
    """

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.conv1 = _conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = _conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output.

        Parameters
        ----------
        x : torch.Tensor
            ``[B, inplanes, H, W]``.

        Returns
        -------
        torch.Tensor
            ``[B, planes, H / stride, W / stride]``.
        """
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet18(nn.Module):
    """torchvision's ``resnet18(weights=None, num_classes=...)``, same modules and parameter names.

    Parameters
    ----------
    num_classes : int
        Outputs of the final linear layer.
    """

    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(64, 2)
        self.layer2 = self._make_layer(128, 2, stride=2)
        self.layer3 = self._make_layer(256, 2, stride=2)
        self.layer4 = self._make_layer(512, 2, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * BasicBlock.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _make_layer(self, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, kernel_size=1, stride=stride, bias=False),
                                       nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits of a batch of images.

        Parameters
        ----------
        x : torch.Tensor
            ``[B, C, H, W]`` with C the first convolution's input channels.

        Returns
        -------
        torch.Tensor
            ``[B, num_classes]``.
        """
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def resnet18(weights: None = None, num_classes: int = 1000) -> ResNet18:
    """A fresh ResNet-18, called as torchvision's factory is (no pretrained weights here).

    Parameters
    ----------
    weights : None
        Only None: pretrained weights come from a local file (``load_rgb_backbone_weights``).
    num_classes : int
        Outputs of the final linear layer.

    Returns
    -------
    ResNet18
    """
    if weights is not None:
        raise ValueError("pretrained weights are not downloaded here; load a local checkpoint instead")
    return ResNet18(num_classes=num_classes)
