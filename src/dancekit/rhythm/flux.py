"""Onset strength (spectral flux) of a dB spectrogram, in numpy: librosa's, without importing librosa.

``librosa.onset.onset_strength(S=...)`` and ``onset_strength_multi(S=..., channels=...)`` with their
defaults (lag 1, no maximum filter, mean over bins, centred): the positive difference between
successive frames, averaged over bands, shifted by the lag and half an FFT frame. Importing
librosa costs some 2 s of a 2-core start (numba); this is what identification needs of it, and
``tests/rhythm/test_flux.py`` checks the numbers against librosa's.
"""

from __future__ import annotations

import numpy as np

#: The FFT length librosa assumes when it centres an envelope computed from a given spectrogram.
_LIBROSA_N_FFT = 2048


def onset_strength_multi(S: np.ndarray, hop_length: int = 512, channels: list[int] | None = None,
                         n_fft: int = _LIBROSA_N_FFT) -> np.ndarray:
    """Onset strength in bands of rows of ``S``: ``librosa.onset.onset_strength_multi(S=S, channels=...)``.

    Parameters
    ----------
    S : np.ndarray
        dB spectrogram ``(bins, frames)``.
    hop_length : int
        Samples between frames.
    channels : list of int, optional
        Row boundaries of the bands (``[0, 40, 120, 224]``: three bands); None for one band of all
        rows.
    n_fft : int
        The FFT length the envelope is centred for (librosa's default, 2048, whatever made ``S``).

    Returns
    -------
    np.ndarray
        ``(bands, frames)``, the dtype of ``S``.
    """
    S = np.atleast_2d(S)
    onset_env = np.maximum(0.0, S[..., 1:] - S[..., :-1])
    if channels is None:
        bands = [slice(None)]
    else:
        bounds = np.asarray(channels)  # as librosa.util.sync without padding: out-of-range bounds are dropped
        bounds = np.unique(bounds[(bounds >= 0) & (bounds <= S.shape[-2])]).astype(int)
        bands = [slice(a, b) for a, b in zip(bounds, bounds[1:])]
    pooled = np.empty((len(bands), onset_env.shape[-1]), dtype=onset_env.dtype)
    for i, band in enumerate(bands):
        pooled[i] = np.mean(onset_env[band, :], axis=-2)
    pad_width = 1 + n_fft // (2 * hop_length)
    pooled = np.pad(pooled, [(0, 0), (int(pad_width), 0)], mode="constant")
    return pooled[..., : S.shape[-1]]


def onset_strength(S: np.ndarray, hop_length: int = 512) -> np.ndarray:
    """Onset strength over all rows of ``S``: ``librosa.onset.onset_strength(S=S, hop_length=...)``.

    Parameters
    ----------
    S, hop_length
        As for :func:`onset_strength_multi`.

    Returns
    -------
    np.ndarray
        ``(frames,)``.
    """
    return onset_strength_multi(S, hop_length=hop_length)[0]
