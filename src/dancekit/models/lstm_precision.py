"""LSTM copies with float16 or int8 weights for CPU inference: the one place that uses ``torch.ao.quantization``.

Why: generating steps runs the decoder's LSTM one frame at a time with a batch of one, so every
frame reads all its weights (21 MB in float32 for 3 x 500 units) for a few multiply-adds each;
the time goes to memory, not arithmetic. fbgemm's packed float16 weights (arithmetic and
activations stay float32) read half the bytes, int8 weights (one scale per output row,
activations quantised on every call) a quarter. Measured on a 2-core AMD EPYC, the shipped
decoder, one frame: 1.6-2.2 ms float32, 0.24-0.33 ms float16, 0.16-0.18 ms int8. A model saved
with float16 weights (the shipped one) loses nothing in float16: only the order of the float32
sums changes.

Why here: ``torch.ao.quantization`` is deprecated in torch 2.x (its successor is the separate
torchao package) and warns on every use. We pin torch, and the API is still there and works; this
module keeps its warnings from users, and ``tests/models/test_lstm_precision.py`` fails the day it
is gone.
"""

from __future__ import annotations

import copy
import warnings

import torch
from torch import nn

#: Weight formats :func:`packed_lstm` makes, with the torch dtype each asks of ``quantize_dynamic``.
PACKED = {"fp16": torch.float16, "int8": torch.qint8}
#: Quantised engines with fbgemm's packed float16 and int8 kernels (x86 CPUs).
_ENGINES = ("x86", "fbgemm")


def packed_supported() -> bool:
    """Whether this torch build has fbgemm, which runs the packed LSTMs of :func:`packed_lstm`.

    Returns
    -------
    bool
        True on x86 builds (Linux, Windows, Intel macOS); False e.g. on ARM.
    """
    return any(engine in torch.backends.quantized.supported_engines for engine in _ENGINES)


def packed_lstm(lstm: nn.LSTM, precision: str) -> nn.Module:
    """A copy of ``lstm`` with packed ``"fp16"`` or ``"int8"`` weights, called as the LSTM is.

    The copy takes and returns ``(h, c)`` in ``nn.LSTM``'s layout, in float32; ``lstm`` itself is
    left as it is. int8 weights have one scale per output row, and activations are quantised
    afresh on every call: called one time step at a time, its numbers do not depend on how a
    sequence is cut into calls.

    Parameters
    ----------
    lstm : nn.LSTM
        A CPU LSTM (any dtype; the copy is made from its float32 values).
    precision : {"fp16", "int8"}
        The weights' format.

    Returns
    -------
    nn.Module
        A ``torch.ao.nn.quantized.dynamic.LSTM``, in eval mode.

    Raises
    ------
    ValueError
        Another precision.
    RuntimeError
        This torch has no fbgemm engine (:func:`packed_supported`).
    """
    if precision not in PACKED:
        raise ValueError(f"packed LSTM weights are {' or '.join(PACKED)}, not {precision!r}")
    if not packed_supported():
        raise RuntimeError(f"{precision} inference needs an x86 CPU build of torch (fbgemm); use fp32")
    source = copy.deepcopy(lstm).float().cpu().eval()
    with warnings.catch_warnings():  # deprecation notices meant for torch's developers, not our users
        warnings.simplefilter("ignore")
        from torch.ao.quantization import float16_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

        qconfig = float16_dynamic_qconfig if precision == "fp16" else per_channel_dynamic_qconfig
        wrapped = quantize_dynamic(nn.Sequential(source), {nn.LSTM: qconfig}, dtype=PACKED[precision])
    return wrapped[0].eval()
