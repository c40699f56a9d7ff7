"""Autocorrelation and Fourier tempograms of an onset envelope, in numpy, as librosa computes them.

``librosa.feature.tempogram`` (windowed autocorrelation, each frame scaled to a maximum of 1) and
``librosa.feature.fourier_tempogram`` (an STFT of the envelope with hop 1), with their tempo axes,
for ``center=True`` and a periodic Hann window. Same operations in the same order and layout, so
the same numbers (``tests/rhythm/test_tempograms.py``), without librosa's start-up cost (numba).
"""

from __future__ import annotations

import numpy as np


def hann_window(n: int) -> np.ndarray:
    """The periodic Hann window of ``n`` points: ``scipy.signal.get_window("hann", n, fftbins=True)``.

    Parameters
    ----------
    n : int
        Length.

    Returns
    -------
    np.ndarray
        float64 ``(n,)``.
    """
    if n <= 1:
        return np.ones(n)
    fac = np.linspace(-np.pi, np.pi, n + 1)
    w = np.zeros(n + 1)
    for k, a in enumerate((0.5, 0.5)):
        w += a * np.cos(k * fac)
    return w[:-1]


def _check_window(win_length: int) -> None:
    if win_length < 1:
        raise ValueError("win_length must be a positive integer")


def _frames(x: np.ndarray, length: int) -> np.ndarray:
    """Every window of ``length`` consecutive values, hop 1: ``(length, len(x) - length + 1)``."""
    return np.lib.stride_tricks.sliding_window_view(x, length).T


def _next_fast_len_real(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n (``scipy.fft.next_fast_len(n, real=True)``)."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            q = p35
            while q < n:
                q *= 2
            best = min(best, q)
            p35 *= 3
        p5 *= 5
    return best


def autocorrelation_tempogram(onset_envelope: np.ndarray, win_length: int = 384) -> np.ndarray:
    """``librosa.feature.tempogram(onset_envelope=..., win_length=...)``: local autocorrelation per frame.

    Parameters
    ----------
    onset_envelope : np.ndarray
        ``(frames,)`` onset strength.
    win_length : int
        Window (and maximum lag) in frames.

    Returns
    -------
    np.ndarray
        ``(win_length, frames)``; row ``k`` is lag ``k``, each column scaled to a maximum of 1.
    """
    _check_window(win_length)
    n = onset_envelope.shape[-1]
    half = int(win_length // 2)
    padded = np.pad(onset_envelope, [(half, half)], mode="linear_ramp", end_values=[0, 0])
    odf_frame = _frames(padded, win_length)[..., :n]
    windowed = odf_frame * hann_window(win_length)[:, np.newaxis]
    n_pad = _next_fast_len_real(2 * windowed.shape[-2] - 1)
    spectrum = np.fft.rfft(windowed, n=n_pad, axis=-2)
    power = spectrum.real**2 + spectrum.imag**2
    acf = np.fft.irfft(power, n=n_pad, axis=-2)[: windowed.shape[-2]]
    if not np.all(np.isfinite(acf)):
        raise ValueError("Input must be finite")
    length = np.max(np.abs(acf).astype(float), axis=-2, keepdims=True)
    length[length < np.finfo(acf.dtype).tiny] = 1.0
    out = np.empty_like(acf)
    out[:] = acf / length
    return out


def fourier_tempogram(onset_envelope: np.ndarray, win_length: int = 384) -> np.ndarray:
    """``librosa.feature.fourier_tempogram(onset_envelope=..., win_length=...)``: STFT with hop 1.

    Parameters
    ----------
    onset_envelope : np.ndarray
        ``(frames,)`` onset strength.
    win_length : int
        FFT length in frames.

    Returns
    -------
    np.ndarray
        Complex ``(1 + win_length // 2, frames + 1)``.
    """
    _check_window(win_length)
    y = np.asarray(onset_envelope)
    half = win_length // 2
    padded = np.pad(y, [(half, half)], mode="constant")
    frames = _frames(padded, win_length)
    window = hann_window(win_length)[:, np.newaxis]
    dtype = np.complex64 if y.dtype == np.float32 else np.complex128
    # Fortran order as librosa allocates it: a later mean over frames then sums in the same order
    out = np.zeros((1 + win_length // 2, frames.shape[-1]), dtype=dtype, order="F")
    out[:] = np.fft.rfft(window * frames, axis=-2)
    return out


def tempo_frequencies(n_bins: int, sr: float = 22050, hop_length: int = 512) -> np.ndarray:
    """Tempo (BPM) of each lag of an autocorrelation tempogram; lag 0 is infinite.

    Parameters
    ----------
    n_bins : int
        Number of lags.
    sr, hop_length
        The frame grid: the audio's sample rate (Hz) and the samples between frames.

    Returns
    -------
    np.ndarray
        ``(n_bins,)``.
    """
    bpm = np.zeros(int(n_bins), dtype=np.float64)
    bpm[0] = np.inf
    bpm[1:] = 60.0 * sr / (hop_length * np.arange(1.0, n_bins))
    return bpm


def fourier_tempo_frequencies(sr: float = 22050, win_length: int = 384, hop_length: int = 512) -> np.ndarray:
    """Tempo (BPM) of each row of a Fourier tempogram.

    Parameters
    ----------
    sr : float
        Sample rate of the audio, in Hz.
    win_length : int
        The tempogram's FFT length.
    hop_length : int
        Samples between frames.

    Returns
    -------
    np.ndarray
        ``(1 + win_length // 2,)``.
    """
    return np.fft.rfftfreq(n=win_length, d=1.0 / (sr * 60 / float(hop_length)))
