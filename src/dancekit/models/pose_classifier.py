"""A small temporal network that tells dances apart from 2-D keypoint windows.

Dance identity lives in how the body moves over a bar or two, not in one pose, so the network
convolves over time: a stem, then residual blocks with growing dilation (receptive field about
3 s at 15 fps), then mean and max pooling over time, so any window length works. About 120 K
parameters: the training set is a few dozen songs, and it trains on a CPU in minutes.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from dancekit.models.dance_rnn_network import parameter_count as n_parameters  # noqa: F401  the pose report's name


class _Block(nn.Module):
    def __init__(self, width: int, dilation: int, dropout: float):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(width, width, 3, padding=dilation, dilation=dilation), nn.BatchNorm1d(width), nn.ReLU(),
            nn.Dropout(dropout),
            nn.Conv1d(width, width, 3, padding=1), nn.BatchNorm1d(width))

    def forward(self, x):
        return torch.relu(x + self.body(x))


class PoseTCN(nn.Module):
    """Keypoint features [B, C, T] -> class logits [B, n_classes].

    Parameters
    ----------
    in_channels : int
        Features per frame (``C``).
    n_classes : int
        Number of dances.
    width : int
        Channels of every temporal convolution.
    dilations : sequence of int
        One residual block per dilation; together they set the receptive field.
    dropout : float
        Dropout rate inside the blocks and before the class layer.
    """

    def __init__(self, in_channels: int, n_classes: int, width: int = 64, dilations=(1, 2, 4, 8), dropout: float = 0.2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv1d(in_channels, width, 5, padding=2), nn.BatchNorm1d(width), nn.ReLU())
        self.blocks = nn.Sequential(*[_Block(width, d, dropout) for d in dilations])
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * width, n_classes))

    def forward(self, x):
        """Class logits of keypoint windows; mean and max over time let any length through.

        Parameters
        ----------
        x : torch.Tensor
            Keypoint features, ``[B, C, T]``, any number of frames ``T``.

        Returns
        -------
        logits : torch.Tensor
            ``[B, n_classes]``, one row per window.
        """
        h = self.blocks(self.stem(x))
        return self.head(torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1))


@torch.no_grad()
def predict_proba(model: nn.Module, x: np.ndarray, batch: int = 256) -> np.ndarray:
    """Class probabilities [N, n_classes] for feature windows [N, C, T], in eval mode and batches.

    Parameters
    ----------
    model : nn.Module
        A trained :class:`PoseTCN` (put in eval mode here).
    x : np.ndarray
        ``[N, C, T]`` float32 windows.
    batch : int
        Windows per forward pass, to bound memory.

    Returns
    -------
    np.ndarray
        ``[N, n_classes]``; ``[0, 0]`` when ``x`` is empty.
    """
    model.eval()
    out = [torch.softmax(model(torch.from_numpy(x[i:i + batch])), dim=1) for i in range(0, len(x), batch)]
    return torch.cat(out).numpy() if out else np.zeros((0, 0), np.float32)
