"""BBNN, the Bottom-up Broadcast Neural Network of paper 2 (Liu et al. 2019), as its Table 1.

Shallow layer: 3x3 conv (32) + 4x1 max-pool over time. Broadcast Module: 3 Inception blocks,
densely connected (block l sees the shallow output and every earlier block's output), each
adding k = 128 maps (four 32-map branches: 1x1; 1x1 -> 3x3; 1x1 -> 5x5; 3x3/1 max-pool -> 1x1).
Transition: 1x1 conv (32) + 2x2 max-pool. Decision: global average pooling, dense, softmax.

Layout. Table 1 is written for a ``647 x 128`` input (time x mel bands); the front end gives
``[bins, frames]``, so the input is transposed to the paper's orientation, which keeps the
4x1 pooling on the time axis (647 -> 161 frames, 128 bands kept).

Normalisation. The paper says both "BN immediately after each convolution, then ReLU" (section
2.2) and "each convolution layer ... corresponds to the sequence BN-ReLU-Conv" (Table 1). The
reading that satisfies both, as in DenseNet (which the module is modelled on): the shallow conv
is Conv-BN-ReLU (the raw spectrogram is not passed through a ReLU), and every Broadcast-Module
and transition conv is BN-ReLU-Conv with its own BN.

Parameter count. Table 1's 180,458 counts the convolution and dense weights and biases only:
with 10 classes those are exactly 180,458 here too (``paper_parameter_count``). The 2,560 BN
channels add 5,120 trainable parameters (gamma, beta) and 5,120 running statistics, so
PyTorch counts 185,578 trainable parameters; Keras's model summary would say 190,698 in all.

Not in the paper: ``standardize`` (on by default) makes each input zero-mean, unit-variance
before the first layer, as the Dance-CNN networks do, so the output does not depend on the
playback level. It has no parameters; ``standardize=False`` gives the bare Table 1 network.
"""

from __future__ import annotations

import torch
from torch import nn

from dancekit.models.dance_cnn import SegmentStandardize
from dancekit.models.errors import InputShapeError

#: Table 1's total.
PAPER_PARAMETERS = 180_458
#: Table 1's sizes: 32 maps per conv, growth k = 128 per block, 3 blocks.
FILTERS = 32
BLOCKS = 3


def _bn_relu_conv(in_channels: int, out_channels: int, kernel: int) -> nn.Sequential:
    """One Table 1 convolution: BN-ReLU-Conv, zero-padded to keep the size."""
    return nn.Sequential(
        nn.BatchNorm2d(in_channels),
        nn.ReLU(inplace=True),
        nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2),
    )


class InceptionBlock(nn.Module):
    """Four 32-map branches (1x1; 1x1-3x3; 1x1-5x5; maxpool-1x1), concatenated: 128 maps.

    Parameters
    ----------
    in_channels : int
        Feature maps coming into the block.
    filters : int
        Maps per branch; the block adds ``4 * filters`` maps.
    """

    def __init__(self, in_channels: int, filters: int = FILTERS):
        super().__init__()
        # "top" row of Table 1: three 1x1 convs and a 3x3/1 max-pool on the block input
        self.top_1x1 = _bn_relu_conv(in_channels, filters, 1)
        self.top_reduce3 = _bn_relu_conv(in_channels, filters, 1)
        self.top_reduce5 = _bn_relu_conv(in_channels, filters, 1)
        self.top_pool = nn.MaxPool2d(3, stride=1, padding=1)
        # "bottom" row: 3x3 and 5x5 on the reductions, 1x1 projection of the pooled input
        self.bottom_3x3 = _bn_relu_conv(filters, filters, 3)
        self.bottom_5x5 = _bn_relu_conv(filters, filters, 5)
        self.bottom_pool_proj = _bn_relu_conv(in_channels, filters, 1)
        self.out_channels = 4 * filters

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run the four branches on one input and stack their maps.

        Parameters
        ----------
        x : torch.Tensor
            The block input, ``[B, in_channels, H, W]``.

        Returns
        -------
        torch.Tensor
            ``[B, 4 * filters, H, W]``: every branch keeps the spatial size.
        """
        return torch.cat(
            [
                self.top_1x1(x),
                self.bottom_3x3(self.top_reduce3(x)),
                self.bottom_5x5(self.top_reduce5(x)),
                self.bottom_pool_proj(self.top_pool(x)),
            ],
            dim=1,
        )


class BroadcastModule(nn.Module):
    """Dense connectivity over Inception blocks: block l gets [X_SL, X_1, ..., X_{l-1}] (eq. 1).

    Parameters
    ----------
    in_channels : int
        Maps of the shallow layer's output.
    blocks : int
        Number of Inception blocks (Table 1: 3).
    filters : int
        Maps per branch of each block.
    """

    def __init__(self, in_channels: int, blocks: int = BLOCKS, filters: int = FILTERS):
        super().__init__()
        self.blocks = nn.ModuleList()
        channels = in_channels
        for _ in range(blocks):
            block = InceptionBlock(channels, filters)
            self.blocks.append(block)
            channels += block.out_channels
        self.out_channels = channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Append each block's maps to everything before it, so later blocks see all earlier ones.

        Parameters
        ----------
        x : torch.Tensor
            The shallow layer's maps, ``[B, in_channels, H, W]``.

        Returns
        -------
        torch.Tensor
            ``[B, out_channels, H, W]``: the input followed by every block's output.
        """
        features = x
        for block in self.blocks:
            features = torch.cat([features, block(features)], dim=1)
        return features


class BBNN(nn.Module):
    """Mel spectrogram ``[B, bands, frames]`` (or ``[B, 1, bands, frames]``) -> class logits ``[B, C]``.

    The softmax of Table 1 is left to the loss (cross-entropy) and to inference, as for every
    dancekit network. Any number of frames works (global average pooling); the paper uses 647.

    Parameters
    ----------
    num_classes : int
        Number of output classes, at least 2.
    standardize : bool
        Standardise each input first, so the level of the recording does not matter; ``False``
        gives the bare Table 1 network.
    """

    def __init__(self, num_classes: int, standardize: bool = True):
        super().__init__()
        if num_classes < 2:
            raise ValueError(f"a classifier needs at least 2 classes, not {num_classes}")
        self.standardize = SegmentStandardize() if standardize else nn.Identity()
        self.shallow = nn.Sequential(
            nn.Conv2d(1, FILTERS, 3, padding=1),
            nn.BatchNorm2d(FILTERS),
            nn.ReLU(inplace=True),
            nn.MaxPool2d((4, 1)),
        )
        self.broadcast = BroadcastModule(FILTERS)
        self.transition = nn.Sequential(_bn_relu_conv(self.broadcast.out_channels, FILTERS, 1), nn.MaxPool2d(2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(FILTERS, num_classes)

    def forward(self, spectrogram: torch.Tensor) -> torch.Tensor:
        """Class logits of a batch of mel spectrograms.

        Parameters
        ----------
        spectrogram : torch.Tensor
            ``[B, bands, frames]`` or ``[B, 1, bands, frames]``, at least 8 frames.

        Returns
        -------
        torch.Tensor
            ``[B, num_classes]`` logits (no softmax).
        """
        if spectrogram.dim() == 3:
            spectrogram = spectrogram.unsqueeze(1)
        if spectrogram.dim() != 4 or spectrogram.shape[1] != 1:
            raise InputShapeError(
                f"BBNN expects [B, bands, frames] or [B, 1, bands, frames], got {tuple(spectrogram.shape)}")
        if spectrogram.shape[-1] < 8:
            raise InputShapeError(f"BBNN needs at least 8 frames (4x1 then 2x2 pooling), got {spectrogram.shape[-1]}")
        x = self.standardize(spectrogram).transpose(-1, -2)  # [B, 1, frames, bands]: the paper's layout
        x = self.transition(self.broadcast(self.shallow(x)))
        return self.classifier(torch.flatten(self.pool(x), 1))


def paper_parameter_count(network: nn.Module) -> int:
    """Weights and biases of the convolution and dense layers: what paper 2's Table 1 counts.

    Parameters
    ----------
    network : nn.Module
        Any network; batch-norm parameters are left out.

    Returns
    -------
    int
        The count to compare with :data:`PAPER_PARAMETERS`.
    """
    return sum(p.numel() for m in network.modules() if isinstance(m, (nn.Conv2d, nn.Linear)) for p in m.parameters())


def build_bbnn(num_classes: int, standardize: bool = True) -> BBNN:
    """A freshly initialised BBNN for ``num_classes`` classes (the registry's builder).

    Parameters
    ----------
    num_classes : int
        Number of output classes.
    standardize : bool
        Standardise each input before the first layer.

    Returns
    -------
    BBNN
        The untrained network.
    """
    return BBNN(num_classes, standardize=standardize)
