"""Spectrogram front ends (torch, librosa-exact, streamable) and the hand-crafted baseline features.

>>> import torch
>>> from dancekit.features import DANCE_CNN_MEL, build_frontend
>>> frontend = build_frontend(DANCE_CNN_MEL)
>>> frontend(torch.zeros(2, 22050)).shape            # doctest: +SKIP
torch.Size([2, 224, 44])
"""

from dancekit.features.config import BBNN_MEL, DANCE_CNN_MEL, PRCNN_STFT, PRESETS, FrontEndConfig
from dancekit.features.frontend import SpectrogramFrontEnd, build_frontend
from dancekit.features.handcrafted import FRAME_FEATURE_NAMES, HANDCRAFTED_NAMES, frame_features, handcrafted_features
from dancekit.features.stream import FrameStream

__all__ = [
    "BBNN_MEL",
    "DANCE_CNN_MEL",
    "FRAME_FEATURE_NAMES",
    "HANDCRAFTED_NAMES",
    "PRCNN_STFT",
    "PRESETS",
    "FrameStream",
    "FrontEndConfig",
    "SpectrogramFrontEnd",
    "build_frontend",
    "frame_features",
    "handcrafted_features",
]
