"""Onset-strength envelopes: the one signal every rhythm estimate here is computed from.

Inference already computes a dB mel spectrogram, so the envelope can be derived from it
instead of from the waveform; both routes give librosa's ``onset_strength`` exactly.
"""

from __future__ import annotations

import librosa
import numpy as np

from dancekit.errors import EmptyAudioError

SR = 22050
HOP_LENGTH = 512
N_FFT = 2048
N_MELS = 224
#: librosa's ``power_to_db`` default: onset_strength(y=...) sees the spectrogram floored 80 dB below its peak.
TOP_DB = 80.0


def mel_db(y: np.ndarray, sr: int = SR, hop_length: int = HOP_LENGTH, n_mels: int = N_MELS) -> np.ndarray:
    """dB mel spectrogram (ref=1.0, no top_db clipping), the same one the classifier's inference uses."""
    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=N_FFT, hop_length=hop_length, n_mels=n_mels)
    return librosa.power_to_db(mel, ref=1.0, top_db=None)


def onset_envelope_from_mel_db(
    mel_db: np.ndarray, sr: int = SR, hop_length: int = HOP_LENGTH, top_db: float | None = TOP_DB
) -> np.ndarray:
    """Onset strength from an unclipped dB mel spectrogram (n_mels x frames).

    Flooring at ``top_db`` below the peak first reproduces what
    ``librosa.onset.onset_strength(y=y, n_mels=n_mels)`` computes internally, so a caller
    with the spectrogram already in hand gets the identical envelope without a second STFT.
    """
    S = np.asarray(mel_db, dtype=np.float32)
    if S.ndim != 2 or S.shape[1] < 2:
        raise EmptyAudioError(f"need a 2-D mel spectrogram with at least 2 frames, got shape {S.shape}")
    if top_db is not None:
        S = np.maximum(S, S.max() - top_db)
    return librosa.onset.onset_strength(S=S, sr=sr, hop_length=hop_length)


def onset_envelope(y: np.ndarray, sr: int = SR, hop_length: int = HOP_LENGTH) -> np.ndarray:
    """Onset strength of a mono waveform, via the same 224-band mel spectrogram as inference."""
    return onset_envelope_from_mel_db(mel_db(y, sr=sr, hop_length=hop_length), sr=sr, hop_length=hop_length)
