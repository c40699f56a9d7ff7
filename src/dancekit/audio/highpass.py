"""The music-band high-pass without importing ``scipy.signal``: a Butterworth design and its filter.

Why: ``import scipy.signal`` costs about 0.6 s of a 2-core start (its ``__init__`` loads
``scipy.stats`` and the whole filter-design library), and identification only needs one fixed
high-pass and scipy's compiled second-order-section kernel. The design below is
``scipy.signal.butter(order, cutoff, "highpass", fs=sr, output="sos")`` worked out in numpy
(analogue prototype, high-pass transform, bilinear transform, conjugate pole pairs ordered as
``zpk2sos`` orders them); the filter is scipy's own ``sosfilt`` kernel, loaded from its compiled
module directly. ``tests/audio/test_highpass.py`` checks both against ``scipy.signal``.
"""

from __future__ import annotations

import glob
import importlib.machinery
import importlib.util
import os
import sys
from functools import lru_cache

import numpy as np


def butter_highpass_sos(order: int, cutoff_hz: float, sr: float) -> np.ndarray:
    """Second-order sections of a Butterworth high-pass, as ``scipy.signal.butter(..., output="sos")``.

    Parameters
    ----------
    order : int
        Filter order, even (two poles per section).
    cutoff_hz : float
        -3 dB frequency in Hz, below ``sr / 2``.
    sr : float
        Sample rate in Hz.

    Returns
    -------
    np.ndarray
        ``(order // 2, 6)``: ``b0 b1 b2 1 a1 a2`` per row, the gain in the first row and the poles
        nearest the unit circle in the last, as scipy orders them.
    """
    if order < 2 or order % 2:
        raise ValueError(f"order must be even and at least 2, got {order}")
    if not 0 < cutoff_hz < sr / 2:
        raise ValueError(f"cutoff {cutoff_hz} Hz must lie between 0 and {sr / 2} Hz")
    wn = 2 * cutoff_hz / sr
    fs = 2.0
    warped = 2 * fs * np.tan(np.pi * wn / fs)
    p = -np.exp(1j * np.pi * np.arange(-order + 1, order, 2) / (2 * order))  # analogue low-pass prototype
    z = np.array([])
    k = 1.0
    p_hp = warped / p  # low-pass to high-pass: order zeros at s = 0
    k_hp = k * np.real(np.prod(-z) / np.prod(-p))
    z_hp = np.append(warped / z, np.zeros(order))
    fs2 = 2.0 * fs  # bilinear transform
    z_z = (fs2 + z_hp) / (fs2 - z_hp)
    p_z = (fs2 + p_hp) / (fs2 - p_hp)
    k_z = k_hp * np.real(np.prod(fs2 - z_hp) / np.prod(fs2 - p_hp))
    upper = p_z[np.imag(p_z) > 0]
    upper = upper[np.argsort(np.abs(1 - np.abs(upper)))[::-1]]  # farthest from the unit circle first
    sos = np.zeros((order // 2, 6))
    for i, pole in enumerate(upper):
        b = np.real(np.poly(z_z[:2]))
        a = np.real(np.poly([pole, np.conj(pole)]))
        sos[i] = np.concatenate([b * (k_z if i == 0 else 1.0), a])
    return sos


def sosfilt(sos: np.ndarray, x: np.ndarray, zi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Filter 1-D ``x`` through second-order sections from state ``zi``: ``scipy.signal.sosfilt(sos, x, zi=zi)``.

    Parameters
    ----------
    sos : np.ndarray
        ``(n_sections, 6)`` coefficients.
    x : np.ndarray
        1-D samples (computed in float64).
    zi : np.ndarray
        ``(n_sections, 2)`` state (zeros: at rest).

    Returns
    -------
    y : np.ndarray
        float64 output, same length as ``x``.
    zf : np.ndarray
        ``(n_sections, 2)`` state after the last sample, to pass to the next call.
    """
    kernel = _sosfilt_kernel()
    if kernel is None:  # scipy laid out differently: the public function, and its import cost
        from scipy.signal import sosfilt as scipy_sosfilt

        return scipy_sosfilt(sos, np.asarray(x, dtype=np.float64), zi=zi)
    y = np.array(np.asarray(x, dtype=np.float64).reshape(1, -1), dtype=np.float64, order="C")
    state = np.ascontiguousarray(np.asarray(zi, dtype=np.float64).reshape(1, -1, 2)).copy()
    kernel(np.ascontiguousarray(sos, dtype=np.float64), y, state)
    return y[0], state[0]


@lru_cache(maxsize=1)
def _sosfilt_kernel():
    """scipy's compiled ``_sosfilt(sos, x, zi)`` (in place), loaded without running ``scipy.signal``'s ``__init__``."""
    name = "scipy.signal._sosfilt"
    if name in sys.modules:
        return getattr(sys.modules[name], "_sosfilt", None)
    try:
        import scipy

        paths = glob.glob(os.path.join(scipy.__path__[0], "signal", "_sosfilt.*"))
        paths = [p for p in paths if p.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))]
        if not paths:
            return None
        loader = importlib.machinery.ExtensionFileLoader(name, paths[0])
        spec = importlib.util.spec_from_file_location(name, paths[0], loader=loader)
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        return getattr(module, "_sosfilt", None)
    except (ImportError, OSError):
        return None
