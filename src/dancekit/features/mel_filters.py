"""Mel scale and mel filter bank in numpy: librosa's formulas, without importing librosa.

Why not librosa: ``import librosa`` loads numba and compiles or loads its kernels, some 2 s of a
2-core start, and the front end needs only these few lines of arithmetic. The functions follow
``librosa.hz_to_mel``, ``mel_to_hz``, ``mel_frequencies`` and ``filters.mel`` (0.11) operation for
operation, so the numbers are the same (``tests/features/test_mel_filters.py`` compares them).
"""

from __future__ import annotations

import warnings

import numpy as np

#: Slaney's scale: linear below this frequency (Hz), logarithmic above.
_MIN_LOG_HZ = 1000.0
_F_SP = 200.0 / 3
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def hz_to_mel(frequencies, htk: bool = False) -> np.ndarray:
    """Frequencies in Hz on the mel scale (Slaney's by default, HTK's with ``htk``).

    Parameters
    ----------
    frequencies : float or array_like
        Frequencies in Hz.
    htk : bool
        Use the HTK formula instead of Slaney's.

    Returns
    -------
    np.ndarray
        Mels, same shape.
    """
    frequencies = np.asanyarray(frequencies)
    if htk:
        return 2595.0 * np.log10(1.0 + frequencies / 700.0)
    mels = (frequencies - 0.0) / _F_SP
    if frequencies.ndim:
        log_t = frequencies >= _MIN_LOG_HZ
        mels[log_t] = _MIN_LOG_MEL + np.log(frequencies[log_t] / _MIN_LOG_HZ) / _LOGSTEP
    elif frequencies >= _MIN_LOG_HZ:
        mels = _MIN_LOG_MEL + np.log(frequencies / _MIN_LOG_HZ) / _LOGSTEP
    return mels


def mel_to_hz(mels, htk: bool = False) -> np.ndarray:
    """Mels back to Hz (the inverse of :func:`hz_to_mel`).

    Parameters
    ----------
    mels : float or array_like
        Mel values.
    htk : bool
        Use the HTK formula instead of Slaney's.

    Returns
    -------
    np.ndarray
        Frequencies in Hz, same shape.
    """
    mels = np.asanyarray(mels)
    if htk:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    freqs = 0.0 + _F_SP * mels
    if mels.ndim:
        log_t = mels >= _MIN_LOG_MEL
        freqs[log_t] = _MIN_LOG_HZ * np.exp(_LOGSTEP * (mels[log_t] - _MIN_LOG_MEL))
    elif mels >= _MIN_LOG_MEL:
        freqs = _MIN_LOG_HZ * np.exp(_LOGSTEP * (mels - _MIN_LOG_MEL))
    return freqs


def mel_frequencies(n_mels: int = 128, fmin: float = 0.0, fmax: float = 11025.0, htk: bool = False) -> np.ndarray:
    """``n_mels`` frequencies (Hz) evenly spaced on the mel scale from ``fmin`` to ``fmax``.

    Parameters
    ----------
    n_mels : int
        How many.
    fmin, fmax : float
        Lowest and highest frequency in Hz.
    htk : bool
        HTK's mel scale instead of Slaney's.

    Returns
    -------
    np.ndarray
        ``(n_mels,)`` frequencies in Hz.
    """
    mels = np.linspace(hz_to_mel(fmin, htk=htk), hz_to_mel(fmax, htk=htk), n_mels)
    return mel_to_hz(mels, htk=htk)


def mel_filter_bank(sr: float, n_fft: int, n_mels: int = 128, fmin: float = 0.0, fmax: float | None = None,
                    htk: bool = False, norm: str | float | None = "slaney", dtype=np.float32) -> np.ndarray:
    """Triangular mel filters over the FFT bins: ``librosa.filters.mel`` with the same arguments.

    Parameters
    ----------
    sr : float
        Sample rate in Hz.
    n_fft : int
        FFT length.
    n_mels : int
        Number of filters.
    fmin, fmax : float
        Band edges in Hz (``fmax`` None: ``sr / 2``).
    htk : bool
        HTK's mel scale instead of Slaney's.
    norm : "slaney", number or None
        "slaney" divides each triangle by its width (constant energy per band); a number
        normalises each filter to unit p-norm; None leaves the triangles' peaks at 1.
    dtype : numpy dtype
        Of the result.

    Returns
    -------
    np.ndarray
        ``(n_mels, 1 + n_fft // 2)``.
    """
    if fmax is None:
        fmax = float(sr) / 2
    n_mels = int(n_mels)
    weights = np.zeros((n_mels, int(1 + n_fft // 2)), dtype=dtype)
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == "slaney":
        enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    elif isinstance(norm, str):
        raise ValueError(f"unsupported norm {norm!r}")
    elif norm is not None:
        weights = _unit_norm_rows(weights, float(norm))
    if not np.all((mel_f[:-2] == 0) | (weights.max(axis=1) > 0)):
        warnings.warn("Empty filters detected in mel frequency basis. Some channels will produce empty responses. "
                      "Try increasing your sampling rate (and fmax) or reducing n_mels.", stacklevel=2)
    return weights


def _unit_norm_rows(weights: np.ndarray, p: float) -> np.ndarray:
    """Each row divided by its p-norm (rows of norm below the dtype's tiny are left alone), as librosa does."""
    mag = np.abs(weights).astype(float)
    if p == np.inf:
        length = np.max(mag, axis=-1, keepdims=True)
    elif p == -np.inf:
        length = np.min(mag, axis=-1, keepdims=True)
    elif p == 0:
        length = np.sum(mag > 0, axis=-1, keepdims=True, dtype=mag.dtype)
    elif p > 0:
        length = np.sum(mag**p, axis=-1, keepdims=True) ** (1.0 / p)
    else:
        raise ValueError(f"unsupported norm {p!r}")
    length[length < np.finfo(weights.dtype).tiny] = 1.0
    out = np.empty_like(weights)
    out[:] = weights / length
    return out
