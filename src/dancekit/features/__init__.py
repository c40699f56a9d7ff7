"""Spectrogram front ends (torch or numpy, librosa-exact, streamable) and the hand-crafted baseline features.

>>> import torch
>>> from dancekit.features import DANCE_CNN_MEL, build_frontend
>>> frontend = build_frontend(DANCE_CNN_MEL)
>>> frontend(torch.zeros(2, 22050)).shape            # doctest: +SKIP
torch.Size([2, 224, 44])
"""

from importlib import import_module
from typing import TYPE_CHECKING

from dancekit.features.config import BBNN_MEL, DANCE_CNN_MEL, PRCNN_STFT, PRESETS, FrontEndConfig

if TYPE_CHECKING:  # the lazy names below, declared once for readers and type checkers
    from dancekit.features.frontend import SpectrogramFrontEnd, build_frontend
    from dancekit.features.handcrafted import (FRAME_FEATURE_NAMES, HANDCRAFTED_NAMES, frame_features,
                                               handcrafted_features)
    from dancekit.features.numpy_frontend import NumpyFrontEnd
    from dancekit.features.stream import FrameStream

#: Names whose modules need librosa, imported on first use: ``dancekit.features.step_audio``
#: (torch + numpy) then loads on a bare GPU machine, where the step generator trains.
_LAZY = {"SpectrogramFrontEnd": "frontend", "build_frontend": "frontend", "FRAME_FEATURE_NAMES": "handcrafted",
         "HANDCRAFTED_NAMES": "handcrafted", "frame_features": "handcrafted", "handcrafted_features": "handcrafted",
         "FrameStream": "stream", "NumpyFrontEnd": "numpy_frontend"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BBNN_MEL",
    "DANCE_CNN_MEL",
    "FRAME_FEATURE_NAMES",
    "HANDCRAFTED_NAMES",
    "PRCNN_STFT",
    "PRESETS",
    "FrameStream",
    "FrontEndConfig",
    "NumpyFrontEnd",
    "SpectrogramFrontEnd",
    "build_frontend",
    "frame_features",
    "handcrafted_features",
]
