"""The 72-d hand-crafted vector of the SVM baseline (paper 1, section IV-B a), computed with librosa.

36 frame-level features -- ZCR (1), chroma (12), spectral centroid (1), bandwidth (1), roll-off (1),
MFCC (20) -- summarised by their mean and standard deviation over time: 36 + 36 = 72. All use
librosa's defaults (n_fft 2048, hop 512, centred frames), so the frames line up; the STFT is
computed once and shared, which changes nothing in the values but halves the time.
"""

from __future__ import annotations

import warnings

import librosa
import numpy as np

from dancekit.errors import AudioError, EmptyAudioError

N_FFT = 2048
HOP_LENGTH = 512
N_MFCC = 20
_CHROMA = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FRAME_FEATURE_NAMES = (
    ["zcr"]
    + [f"chroma_{pitch}" for pitch in _CHROMA]
    + ["spectral_centroid", "spectral_bandwidth", "spectral_rolloff"]
    + [f"mfcc_{i:02d}" for i in range(N_MFCC)]
)
HANDCRAFTED_NAMES = tuple(
    [f"{name}.mean" for name in FRAME_FEATURE_NAMES] + [f"{name}.std" for name in FRAME_FEATURE_NAMES]
)
"""Order of ``handcrafted_features``: the 36 means first, then the 36 standard deviations."""


def frame_features(y: np.ndarray, sr: int = 22050) -> np.ndarray:
    """The 36 frame-level features, ``[36, frames]`` in ``FRAME_FEATURE_NAMES`` order.

    Parameters
    ----------
    y : np.ndarray
        Mono float samples, finite and not empty.
    sr : int
        Sample rate of ``y`` in Hz.

    Returns
    -------
    np.ndarray
        ``[36, frames]``.
    """
    y = _check_signal(y)
    with warnings.catch_warnings():
        # Defined behaviour, not a problem worth a warning: clips shorter than n_fft are zero-padded,
        # and silence or a pure tone leave tuning estimation without peaks (librosa then uses 0).
        warnings.filterwarnings("ignore", message="n_fft=.* is too large", category=UserWarning)
        warnings.filterwarnings("ignore", message="Trying to estimate tuning", category=UserWarning)
        power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP_LENGTH)) ** 2
        magnitude = np.sqrt(power)
        rows = [
            librosa.feature.zero_crossing_rate(y, frame_length=N_FFT, hop_length=HOP_LENGTH),
            librosa.feature.chroma_stft(S=power, sr=sr, n_fft=N_FFT, hop_length=HOP_LENGTH),
            librosa.feature.spectral_centroid(S=magnitude, sr=sr, n_fft=N_FFT, hop_length=HOP_LENGTH),
            librosa.feature.spectral_bandwidth(S=magnitude, sr=sr, n_fft=N_FFT, hop_length=HOP_LENGTH),
            librosa.feature.spectral_rolloff(S=magnitude, sr=sr, n_fft=N_FFT, hop_length=HOP_LENGTH),
            librosa.feature.mfcc(
                S=librosa.power_to_db(librosa.feature.melspectrogram(S=power, sr=sr)), sr=sr, n_mfcc=N_MFCC
            ),
        ]
    return np.concatenate(rows, axis=0)


def handcrafted_features(y: np.ndarray, sr: int = 22050) -> np.ndarray:
    """72-d float32 vector: mean then std over time of each frame feature (see ``HANDCRAFTED_NAMES``).

    Parameters
    ----------
    y : np.ndarray
        Mono float samples, as for :func:`frame_features`.
    sr : int
        Their sample rate in Hz.

    Returns
    -------
    np.ndarray
        ``[72]`` float32, in ``HANDCRAFTED_NAMES`` order.
    """
    frames = frame_features(y, sr=sr)
    return np.concatenate([frames.mean(axis=1), frames.std(axis=1)]).astype(np.float32)


def _check_signal(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise AudioError(f"expected a 1-D array of mono samples, got shape {y.shape}")
    if y.size == 0:
        raise EmptyAudioError("cannot compute features of zero samples")
    if not np.issubdtype(y.dtype, np.floating):
        raise AudioError(f"expected floating-point samples, got dtype {y.dtype}")
    if not np.all(np.isfinite(y)):
        raise AudioError("samples contain NaN or infinity")
    return y.astype(np.float32, copy=False)
