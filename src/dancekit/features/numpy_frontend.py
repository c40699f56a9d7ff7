"""The spectrogram front end in numpy alone: the torch module's numbers without importing torch.

Identifying a song on a CPU must not pay for ``import torch`` (1.5-2 s of a 2-core start) when the
network runs in ONNX Runtime. This module computes what :class:`SpectrogramFrontEnd` computes, in
the same order and the same dtypes: the FFT of each windowed frame in float64 (librosa multiplies
by a float64 window), rounded to complex64, the power in float32, the mel matmul in float32, then
the dB scale. Block by block over frames, so memory stays bounded on a 2-hour file.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dancekit.errors import AudioError
from dancekit.features.config import FrontEndConfig
from dancekit.features.mel_filters import mel_filter_bank

PRECISIONS = {"float64": np.float64, "float32": np.float32}


class NumpyFrontEnd:
    """``frontend(wave[..., samples]) -> float32 [..., bins, frames]``, equal to the torch module's.

    Parameters
    ----------
    config : FrontEndConfig
        What to compute.
    precision : {"float64", "float32"}
        Dtype of the FFT: float64 is librosa-exact in quiet bands (see :mod:`dancekit.features.frontend`).
    block_frames : int
        Frames transformed at once: bounds memory without changing the values.
    """

    def __init__(self, config: FrontEndConfig, precision: str = "float64", block_frames: int = 512):
        if not isinstance(config, FrontEndConfig):
            raise TypeError(f"expected a FrontEndConfig, got {type(config).__name__}")
        check_options(precision, block_frames)
        self.config = config
        self.precision = precision
        self.block_frames = block_frames
        n = np.arange(config.n_fft, dtype=np.float64)  # librosa's 'hann': the periodic window
        self.window = (0.5 - 0.5 * np.cos(2.0 * np.pi * n / config.n_fft)).astype(PRECISIONS[precision])
        self.mel = SparseMel(mel_basis(config)) if config.kind == "mel" else None

    def __repr__(self) -> str:
        return f"NumpyFrontEnd({self.config}, precision={self.precision!r})"

    def __call__(self, wave) -> np.ndarray:
        """The torch module's ``forward`` in numpy: zero centre pad, all frames, ``top_db``.

        Parameters
        ----------
        wave : array_like
            Floating-point samples ``[..., samples]`` at ``config.sr``.

        Returns
        -------
        np.ndarray
            float32 ``[..., bins, frames]``.
        """
        wave = _check_wave(wave)
        self.config.check_signal(wave.shape[-1])
        widths = [(0, 0)] * (wave.ndim - 1) + [(self.config.pad, self.config.pad)]
        spec = self.frames_from_padded(np.pad(wave, widths) if self.config.pad else wave)
        if self.config.top_db is None:
            return spec
        return np.maximum(spec, spec.max(axis=(-2, -1), keepdims=True) - np.float32(self.config.top_db))

    def frames_from_padded(self, padded: np.ndarray) -> np.ndarray:
        """The frames of a signal already padded as the caller wants, no ``top_db`` (for streaming).

        Parameters
        ----------
        padded : np.ndarray
            Samples ``[..., L]``.

        Returns
        -------
        np.ndarray
            float32 ``[..., bins, 1 + (L - n_fft) // hop]``.
        """
        padded = np.asarray(padded)
        rows = padded.reshape(int(np.prod(padded.shape[:-1])), padded.shape[-1])  # not -1: 0 samples is allowed
        n_frames, spans = self.config.blocks(rows.shape[-1], self.block_frames)
        out = np.zeros((rows.shape[0], self.config.n_bins, n_frames), dtype=np.float32)
        for row, signal in enumerate(rows):
            for start, stop, lo, hi in spans:
                if signal[lo:hi].any():  # digital silence: its power is exactly 0, no FFT needed
                    out[row, :, start:stop] = self._block(signal[lo:hi]).T
        self._scale_in_place(out)
        return out.reshape(*padded.shape[:-1], self.config.n_bins, n_frames)

    def frames_from_samples(self, padded: np.ndarray) -> np.ndarray:
        """:meth:`frames_from_padded` under the name :class:`~dancekit.features.FrameStream` calls.

        Parameters
        ----------
        padded : np.ndarray
            Samples ``[L]``, already padded.

        Returns
        -------
        np.ndarray
            float32 ``[bins, frames]``.
        """
        return self.frames_from_padded(padded)

    def _block(self, samples: np.ndarray) -> np.ndarray:
        """``[frames, bins]`` power (or magnitude) of the frames of one block."""
        cfg = self.config
        frames = sliding_window_view(samples, cfg.n_fft)[:: cfg.hop_length] * self.window
        stft = np.fft.rfft(frames, axis=-1).astype(np.complex64)  # as the torch module rounds it
        spec = np.square(stft.real)
        spec += np.square(stft.imag)
        if cfg.power != 2.0:
            spec = np.sqrt(spec) if cfg.power == 1.0 else np.power(spec, np.float32(cfg.power / 2.0))
        return spec if self.mel is None else self.mel(spec)

    def _scale_in_place(self, spec: np.ndarray) -> None:
        cfg = self.config
        if cfg.log == "db":
            factor = np.float32(20.0 / cfg.power)
            np.maximum(spec, np.float32(cfg.amin), out=spec)
            np.log10(spec, out=spec)
            spec *= factor
            if cfg.ref != 1.0:
                spec -= np.float32(factor * np.log10(max(cfg.amin, cfg.ref)))
        elif cfg.log == "log":
            np.maximum(spec, np.float32(cfg.amin), out=spec)
            np.log(spec, out=spec)
        elif cfg.log == "log1p":
            np.log1p(spec, out=spec)


def check_options(precision: str, block_frames: int) -> None:
    """Refuse, in one line, an FFT precision or block size that no front end has.

    Parameters
    ----------
    precision : str
        ``"float64"`` or ``"float32"``.
    block_frames : int
        Frames per block, at least 1.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {tuple(PRECISIONS)}, not {precision!r}")
    if block_frames < 1:
        raise ValueError("block_frames must be >= 1")


def mel_basis(config: FrontEndConfig) -> np.ndarray:
    """The float32 ``[n_mels, 1 + n_fft // 2]`` filters of a mel config: librosa's numbers, without librosa (numba).

    Parameters
    ----------
    config : FrontEndConfig
        A ``kind="mel"`` config.

    Returns
    -------
    np.ndarray
    """
    return mel_filter_bank(sr=config.sr, n_fft=config.n_fft, n_mels=config.n_mels, fmin=config.fmin, fmax=config.fmax,
                           htk=config.htk, norm=config.mel_norm, dtype=np.float32)


class SparseMel:
    """``power[frames, fft_bins] -> mel[frames, bands]`` through the filters' non-zero weights only.

    A mel filter covers a few FFT bins (each bin feeds at most two triangles): the dense float32
    matmul of the 224-band bank does ~100 times the needed work and was 60 % of the front end's time
    on a busy 2-core machine. Sums run in float32 as the dense product does (within ~1e-6 dB).

    Parameters
    ----------
    basis : np.ndarray
        ``[bands, fft_bins]`` filter weights (:func:`~dancekit.features.mel_filters.mel_filter_bank`).
    """

    def __init__(self, basis: np.ndarray):
        bands, self.bins = np.nonzero(basis)  # row-major: grouped by band
        self.weights = basis[bands, self.bins].astype(np.float32)
        starts = np.searchsorted(bands, np.arange(basis.shape[0]))
        self.empty = np.bincount(bands, minlength=basis.shape[0]) == 0
        self.starts = np.minimum(starts, max(len(bands) - 1, 0))
        self.n_bands = basis.shape[0]

    def __call__(self, power: np.ndarray) -> np.ndarray:
        """Mel band energies of ``power`` (``[frames, fft_bins]`` float32)."""
        if not len(self.bins):
            return np.zeros((power.shape[0], self.n_bands), dtype=np.float32)
        terms = power[:, self.bins] * self.weights
        mel = np.add.reduceat(terms, self.starts, axis=1)
        mel[:, self.empty] = 0.0  # reduceat gives an empty group the term at its start
        return mel


def _check_wave(wave) -> np.ndarray:
    wave = np.asarray(wave)
    if wave.ndim == 0:
        raise AudioError("expected samples along the last axis, got a scalar")
    if not np.issubdtype(wave.dtype, np.floating):
        raise AudioError(f"expected floating-point samples in [-1, 1], got dtype {wave.dtype}")
    return wave
