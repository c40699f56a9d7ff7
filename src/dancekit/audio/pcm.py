"""Raw PCM bytes (as a browser or a sound card sends them) -> float32 samples in [-1, 1).

Why here: integer samples are scaled from full scale in one place (``_mono.to_float32``), the same
rule that decoded files and arrays follow, so a microphone chunk and a WAV file of the same samples
give the same spectrogram.
"""

from __future__ import annotations

import numpy as np

from dancekit.audio._mono import to_float32

#: Sample formats of raw PCM (little-endian, mono), by the names ffmpeg gives them.
PCM_FORMATS = {"f32le": np.dtype("<f4"), "s16le": np.dtype("<i2")}


def decode_pcm(data: bytes, sample_format: str = "s16le") -> np.ndarray:
    """Little-endian mono PCM bytes as float32 samples (``s16le`` divided by 32768).

    Parameters
    ----------
    data : bytes
        The raw samples; a whole number of samples (checked).
    sample_format : str
        A key of ``PCM_FORMATS``: ``"s16le"`` or ``"f32le"``.

    Returns
    -------
    np.ndarray
        float32 samples, one per input sample. Float input is returned as is (NaN included: whether
        that is an error is the caller's decision).
    """
    if sample_format not in PCM_FORMATS:
        raise ValueError(f"sample format must be one of {', '.join(PCM_FORMATS)}, not {sample_format!r:.40}")
    dtype = PCM_FORMATS[sample_format]
    if len(data) % dtype.itemsize:
        raise ValueError(f"{len(data)} bytes are not a whole number of {dtype.itemsize}-byte samples")
    return to_float32(np.frombuffer(data, dtype=dtype)).astype(np.float32, copy=False)
