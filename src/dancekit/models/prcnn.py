"""PRCNN, the Paralleling Recurrent Convolutional Neural Network of paper 3 (Feng et al. 2017).

Input: a 3 s clip of the PRCNN STFT front end, 513 bins x 128 frames (``[B, bins, frames]``),
transposed to the paper's 128 x 513 (time x frequency). Two branches see the same input:

* CNN block (section 3.1): five conv layers of 16/32/64/128/64 filters, 3x1 kernels (3 frames x
  1 bin) with 1x1 zero padding, ReLU, each followed by max-pooling: 2x2/2 three times, then 4x4/4
  twice. With the literal 1x1 padding the maps are 128x515 -> 64x257 -> 32x129 -> 16x65 -> 4x16
  -> 1x4, so the flattened output is 64 x 1 x 4 = 256, as the paper says.
* Bi-GRU block (section 3.2): max-pooling over frequency to 128 x 256, a dense embedding of each
  frame to 128, a bidirectional GRU (hidden 128; one layer, the paper's final choice, Table 1),
  whose last forward and backward states are spliced into a 256-d vector.

Fusion (section 3.3) by addition (256-d) or concatenation (512-d; the paper's "521" is a typo),
then one dense layer to the classes; the softmax is left to the loss and to inference.

Table 2 variants: the CNN block can be swapped for AlexNet, VGG11 or ResNet-11, each with or
without the Bi-GRU block. The paper does not define them further; here they are torchvision's
definitions with a one-channel first convolution and their last layer giving the 256-d branch
output (so both fusions work as for the paper's CNN). ResNet-11 is not a torchvision model:
it is a ResNet of one BasicBlock per stage (conv1 + 8 convs + a dense to 256 in the branch;
with the classifier, 11 weighted layers on the main path). The paper gives no parameter counts.

Not in the paper: ``standardize`` (on by default) makes each clip zero-mean, unit-variance
before both branches, so the output does not depend on the playback level; it has no weights.
"""

from __future__ import annotations

import torch
from torch import nn
from torchvision import models as tvm
from torchvision.models.resnet import BasicBlock

from dancekit.models.dance_cnn import SegmentStandardize
from dancekit.models.errors import InputShapeError

#: The PRCNN STFT front end's rows (n_fft 1024) and the paper's clip length in frames.
STFT_BINS = 513
CLIP_FRAMES = 128
FEATURE_SIZE = 256
CNN_CHANNELS = (16, 32, 64, 128, 64)
CNN_POOLS = (2, 2, 2, 4, 4)
EMBEDDING = 128
GRU_HIDDEN = 128
FUSIONS = ("add", "concat")


class PRCNNConvBlock(nn.Module):
    """Paper 3's CNN block: ``[B, 1, frames, bins]`` -> 256-d (for 128..255 frames x 513 bins)."""

    def __init__(self) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = 1
        for out, pool in zip(CNN_CHANNELS, CNN_POOLS):
            layers += [nn.Conv2d(channels, out, kernel_size=(3, 1), padding=(1, 1)), nn.ReLU(inplace=True),
                       nn.MaxPool2d(pool)]
            channels = out
        self.layers = nn.Sequential(*layers)

    @staticmethod
    def output_size(frames: int, bins: int) -> int:
        """Length of the flattened output for an input of ``frames x bins`` (0 when too small).

        Parameters
        ----------
        frames : int
            Time frames of the input.
        bins : int
            Frequency bins of the input.

        Returns
        -------
        int
            :data:`FEATURE_SIZE` for the clip size the block is built for.
        """
        for pool in CNN_POOLS:
            frames, bins = frames // pool, (bins + 2) // pool  # 3x1 kernel, 1x1 padding: width grows by 2
        return CNN_CHANNELS[-1] * max(frames, 0) * max(bins, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The CNN branch's feature vector of a batch of clips.

        Parameters
        ----------
        x : torch.Tensor
            ``[B, 1, frames, bins]``, sized to give a 256-d output.

        Returns
        -------
        torch.Tensor
            ``[B, 256]``.

        Raises
        ------
        InputShapeError
            For a clip of another size.
        """
        if self.output_size(x.shape[-2], x.shape[-1]) != FEATURE_SIZE:
            raise InputShapeError(
                f"the PRCNN CNN block needs {CLIP_FRAMES} frames x {STFT_BINS} bins (3 s of the prcnn_stft front end), "
                f"got {x.shape[-2]} frames x {x.shape[-1]} bins"
            )
        return torch.flatten(self.layers(x), 1)


class BiGRUBlock(nn.Module):
    """Paper 3's Bi-GRU block: ``[B, frames, bins]`` -> 256-d (last forward and backward states).

    Parameters
    ----------
    n_bins : int
        Frequency bins of the input; max-pooled to half before the embedding.
    layers : int
        Stacked GRU layers.
    """

    def __init__(self, n_bins: int = STFT_BINS, layers: int = 1) -> None:
        super().__init__()
        self.n_bins = n_bins
        self.pool = nn.MaxPool1d(2)  # over frequency: 513 -> 256
        self.embedding = nn.Linear(n_bins // 2, EMBEDDING)
        self.gru = nn.GRU(EMBEDDING, GRU_HIDDEN, num_layers=layers, batch_first=True, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The recurrent branch's summary of a clip: the GRU's final states, both directions.

        Parameters
        ----------
        x : torch.Tensor
            ``[B, frames, n_bins]``.

        Returns
        -------
        torch.Tensor
            ``[B, 256]``.
        """
        if x.shape[-1] != self.n_bins:
            raise InputShapeError(f"the PRCNN Bi-GRU block was built for {self.n_bins} bins, got {x.shape[-1]}")
        _, hidden = self.gru(self.embedding(self.pool(x)))  # hidden: [layers * 2, B, 128]
        return torch.cat([hidden[-2], hidden[-1]], dim=1)


def _one_channel(conv: nn.Conv2d) -> nn.Conv2d:
    return nn.Conv2d(1, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, bias=conv.bias is not None)


def _alexnet() -> nn.Module:
    net = tvm.alexnet(weights=None, num_classes=FEATURE_SIZE)
    net.features[0] = _one_channel(net.features[0])
    return net


def _vgg11() -> nn.Module:
    net = tvm.vgg11(weights=None, num_classes=FEATURE_SIZE)
    net.features[0] = _one_channel(net.features[0])
    return net


def _resnet11() -> nn.Module:
    net = tvm.ResNet(BasicBlock, [1, 1, 1, 1], num_classes=FEATURE_SIZE)
    net.conv1 = _one_channel(net.conv1)
    return net


#: CNN branches of Table 2, each giving a 256-d vector from ``[B, 1, frames, bins]``.
CNN_BLOCKS = {"prcnn": PRCNNConvBlock, "alexnet": _alexnet, "vgg11": _vgg11, "resnet11": _resnet11}


class PRCNN(nn.Module):
    """STFT clip ``[B, bins, frames]`` (or ``[B, 1, bins, frames]``) -> class logits ``[B, C]``.

    Parameters
    ----------
    num_classes : int
        Number of output classes, at least 2.
    cnn : str
        CNN branch, a key of :data:`CNN_BLOCKS` (Table 2's variants).
    rnn : bool
        Add the parallel Bi-GRU branch (False: the CNN alone).
    fusion : {"concat", "add"}
        How the two branches' vectors are joined.
    rnn_layers : int
        GRU layers of the recurrent branch.
    n_bins : int
        STFT bins of the input.
    standardize : bool
        Standardise each clip first, so the recording level does not matter.
    """

    def __init__(self, num_classes: int, cnn: str = "prcnn", rnn: bool = True, fusion: str = "concat",
                 rnn_layers: int = 1, n_bins: int = STFT_BINS, standardize: bool = True) -> None:
        super().__init__()
        if num_classes < 2:
            raise ValueError(f"a classifier needs at least 2 classes, not {num_classes}")
        if cnn not in CNN_BLOCKS:
            raise ValueError(f"unknown PRCNN CNN block {cnn!r}; choose from {', '.join(CNN_BLOCKS)}")
        if fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {fusion!r}; choose from {', '.join(FUSIONS)}")
        if rnn_layers < 1:
            raise ValueError(f"rnn_layers must be at least 1, not {rnn_layers}")
        self.fusion = fusion if rnn else None
        self.standardize = SegmentStandardize() if standardize else nn.Identity()
        self.cnn = CNN_BLOCKS[cnn]()
        self.rnn = BiGRUBlock(n_bins, rnn_layers) if rnn else None
        fused = 2 * FEATURE_SIZE if self.fusion == "concat" else FEATURE_SIZE
        self.classifier = nn.Linear(fused, num_classes)

    def forward(self, spectrogram: torch.Tensor) -> torch.Tensor:
        """Class logits of a batch of STFT clips, through both branches.

        Parameters
        ----------
        spectrogram : torch.Tensor
            STFT clips ``[B, bins, frames]``, with or without a channel axis after ``B``.

        Returns
        -------
        logits : torch.Tensor
            ``[B, num_classes]``, before any softmax.
        """
        if spectrogram.dim() == 4 and spectrogram.shape[1] == 1:
            spectrogram = spectrogram[:, 0]
        if spectrogram.dim() != 3:
            raise InputShapeError(
                f"PRCNN expects [B, bins, frames] or [B, 1, bins, frames], got {tuple(spectrogram.shape)}")
        x = self.standardize(spectrogram).transpose(-1, -2)  # [B, frames, bins]: the paper's 128 x 513
        features = self.cnn(x.unsqueeze(1))
        if self.rnn is not None:
            sequence = self.rnn(x.contiguous())
            features = features + sequence if self.fusion == "add" else torch.cat([features, sequence], dim=1)
        return self.classifier(features)


def build_prcnn(num_classes: int, cnn: str = "prcnn", rnn: bool = True, fusion: str = "concat", rnn_layers: int = 1,
                n_bins: int = STFT_BINS, standardize: bool = True) -> PRCNN:
    """A freshly initialised PRCNN or Table 2 variant (``cnn``, with or without the parallel ``rnn``).

    Parameters
    ----------
    num_classes, cnn, rnn, fusion, rnn_layers, n_bins, standardize
        As for :class:`PRCNN`.

    Returns
    -------
    PRCNN
        The untrained network.
    """
    return PRCNN(num_classes, cnn=cnn, rnn=rnn, fusion=fusion, rnn_layers=rnn_layers, n_bins=n_bins,
                 standardize=standardize)
