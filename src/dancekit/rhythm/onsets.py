"""Onset-strength envelopes: the one signal every rhythm estimate here is computed from.

The spectrogram is the dance classifier's own front end (``dancekit.features``, paper 1's 224-band
dB mel), so identification measures tempo on the frames it already has and ``analyze(y)`` on a
waveform computes exactly the same thing. Like librosa's ``onset_strength(y=..., S=...)``, the
envelope comes from audio or from a ready spectrogram; both routes equal librosa's
``onset_strength(y=y, n_mels=224)``.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from dancekit.errors import EmptyAudioError
from dancekit.features.config import DANCE_CNN_MEL, FrontEndConfig
from dancekit.features.numpy_frontend import NumpyFrontEnd
from dancekit.rhythm.flux import onset_strength

#: The spectrogram rhythm reads: sr 22050, n_fft 2048, hop 512, 224 mels to Nyquist, power dB (ref 1, no clip).
RHYTHM_MEL = DANCE_CNN_MEL
SR = RHYTHM_MEL.sr
HOP_LENGTH = RHYTHM_MEL.hop_length
#: librosa's ``power_to_db`` default: onset_strength(y=...) sees the spectrogram floored 80 dB below its peak.
TOP_DB = 80.0


@lru_cache(maxsize=4)
def _frontend(config: FrontEndConfig) -> NumpyFrontEnd:
    return NumpyFrontEnd(config)  # identification's CPU front end: the same frames, and no torch


def mel_db(y: np.ndarray, sr: int = SR, hop_length: int = HOP_LENGTH) -> np.ndarray:
    """The dB mel spectrogram rhythm reads (``RHYTHM_MEL`` at ``sr``/``hop_length``), as identification computes it.

    Parameters
    ----------
    y : np.ndarray
        Mono samples ``(n,)`` at ``sr``.
    sr : int
        Their sample rate in Hz (the mel band stops at its Nyquist frequency).
    hop_length : int
        Samples between frames.

    Returns
    -------
    np.ndarray
        float32 ``(224, frames)``, unclipped dB (ref 1.0).
    """
    config = dataclasses.replace(RHYTHM_MEL, sr=sr, hop_length=hop_length, fmax=sr / 2)
    return _frontend(config)(np.ascontiguousarray(y, dtype=np.float32))


def onset_envelope(
    y: np.ndarray | None = None,
    sr: int = SR,
    *,
    S: np.ndarray | None = None,
    hop_length: int = HOP_LENGTH,
    top_db: float | None = TOP_DB,
) -> np.ndarray:
    """Onset strength of a mono waveform ``y`` or of its ready dB mel spectrogram ``S``.

    Flooring ``S`` at ``top_db`` below its peak first reproduces what
    ``librosa.onset.onset_strength(y=y, n_mels=224)`` computes internally, so a caller with the
    spectrogram already in hand gets the identical envelope without a second transform.

    Parameters
    ----------
    y : np.ndarray, optional
        Mono samples at ``sr``; used when ``S`` is not given.
    sr : int
        Sample rate (of ``y``, or of the audio ``S`` was computed from).
    S : np.ndarray, optional
        Unclipped dB mel spectrogram ``(n_mels, frames)``, e.g. :func:`mel_db` or identification's frames.
    hop_length : int
        Samples between frames.
    top_db : float or None
        Floor below the peak applied to ``S`` first; None for none.

    Returns
    -------
    np.ndarray
        One onset strength per frame.
    """
    if S is None:
        if y is None:
            raise ValueError("give the audio (y) or its dB mel spectrogram (S)")
        S = mel_db(y, sr=sr, hop_length=hop_length)
    S = np.asarray(S, dtype=np.float32)
    if S.ndim != 2 or S.shape[1] < 2:
        raise EmptyAudioError(f"need a 2-D mel spectrogram with at least 2 frames, got shape {S.shape}")
    if top_db is not None:
        S = np.maximum(S, S.max() - top_db)
    return onset_strength(S, hop_length=hop_length)  # librosa.onset.onset_strength(S=S) without librosa
