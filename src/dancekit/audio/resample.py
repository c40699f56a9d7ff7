"""The one resampler of dancekit: soxr at ``RESAMPLE_QUALITY``, for whole arrays and for streams.

Why one module: files, arrays handed to the API, live microphone chunks and rendered videos all change
rate somewhere, and two resamplers (librosa's and soxr's, or two soxr qualities) would give the same
recording two slightly different spectrograms. Everything that resamples calls this.
"""

from __future__ import annotations

import numpy as np
import soxr

#: soxr quality of every resampling in dancekit (see ``dancekit.audio.decode`` for why 'HQ').
RESAMPLE_QUALITY = "HQ"


def resample(y: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """Mono float32 ``y`` at ``in_rate`` as float32 at ``out_rate`` (``y`` itself when the rates agree).

    Parameters
    ----------
    y : np.ndarray
        Mono samples ``(n,)``, float32.
    in_rate, out_rate : int
        Sample rates in Hz (checked by the caller; see :func:`dancekit.audio.check_sample_rate`).

    Returns
    -------
    np.ndarray
        float32 samples, ``round(n * out_rate / in_rate)`` of them.
    """
    if in_rate == out_rate:
        return y
    return soxr.resample(y, in_rate, out_rate, quality=RESAMPLE_QUALITY).astype(np.float32, copy=False)


class StreamResampler:
    """Chunks in at one rate, chunks out at another; concatenated, equal to resampling the whole.

    Parameters
    ----------
    in_rate, out_rate : int
        Sample rates in Hz. When equal, chunks pass through unchanged.
    """

    def __init__(self, in_rate: int, out_rate: int):
        self.in_rate = in_rate
        self.out_rate = out_rate
        self._soxr = None
        if in_rate != out_rate:
            self._soxr = soxr.ResampleStream(in_rate, out_rate, 1, dtype="float32", quality=RESAMPLE_QUALITY)

    def push(self, chunk: np.ndarray) -> np.ndarray:
        """Resample one mono float32 chunk; the output may be shorter (the filter's delay is held back).

        Parameters
        ----------
        chunk : np.ndarray
            Mono float32 samples at ``in_rate``.

        Returns
        -------
        np.ndarray
            The float32 samples at ``out_rate`` that are ready now.
        """
        return chunk if self._soxr is None else self._soxr.resample_chunk(chunk)

    def flush(self) -> np.ndarray:
        """The samples held back at the end of the stream (empty when the rates agree).

        Returns
        -------
        np.ndarray
            The last float32 samples at ``out_rate``.
        """
        if self._soxr is None:
            return np.zeros(0, dtype=np.float32)
        return self._soxr.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
