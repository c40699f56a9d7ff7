"""Tempo, beats and meter of a recording: the one entry point the CLI and inference call."""

from __future__ import annotations

import librosa
import numpy as np

from dancekit.errors import AudioError, EmptyAudioError
from dancekit.rhythm.beats import track_beats
from dancekit.rhythm.meter import estimate_meter
from dancekit.rhythm.onsets import HOP_LENGTH, SR, mel_db as compute_mel_db, onset_envelope_from_mel_db
from dancekit.rhythm.result import RhythmResult
from dancekit.rhythm.tempo import estimate_tempo


def analyze(y: np.ndarray, sr: int = SR) -> RhythmResult:
    """Analyse a waveform at any plausible sample rate.

    Parameters
    ----------
    y : np.ndarray
        Mono ``(n,)``, or 2-D with channels on the shorter axis; NaN or infinite samples are an error
        here (a measurement must not guess). Mixed and resampled as the audio layer does every array.
    sr : int
        Its sample rate in Hz (checked: a 1 Hz rate would resample to gigabytes).
    """
    from dancekit.audio import from_array

    y = np.asarray(y)
    if y.size == 0:
        raise EmptyAudioError("audio has no samples")
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise AudioError("audio contains NaN or infinite samples")
    y = from_array(y, sr, SR)
    if len(y) < 2 * HOP_LENGTH:
        raise EmptyAudioError(f"audio too short for rhythm analysis ({len(y)} samples at {SR} Hz)")
    spec = compute_mel_db(y, sr=SR, hop_length=HOP_LENGTH)
    return analyze_onsets(onset_envelope_from_mel_db(spec, sr=SR, hop_length=HOP_LENGTH), SR, HOP_LENGTH, mel_db=spec)


def analyze_onsets(
    onset_envelope: np.ndarray, sr: int = SR, hop_length: int = HOP_LENGTH, mel_db: np.ndarray | None = None
) -> RhythmResult:
    """Analyse a precomputed onset envelope; ``mel_db`` (same frames) sharpens the meter estimate.

    Use :func:`dancekit.rhythm.onset_envelope_from_mel_db` to get the envelope from a
    spectrogram you already have, so the audio is transformed once.
    """
    env = np.asarray(onset_envelope, dtype=float)
    if env.ndim != 1 or env.size < 2:
        raise EmptyAudioError(f"need a 1-D onset envelope with at least 2 frames, got shape {env.shape}")
    if not np.all(np.isfinite(env)):
        raise AudioError("onset envelope contains NaN or infinite values")
    tempo = estimate_tempo(env, sr, hop_length) if np.any(env > 0) else 0.0
    frames = track_beats(env, sr, hop_length, tempo)
    meter = estimate_meter(env, frames, mel_db)
    return RhythmResult(
        tempo_bpm=tempo,
        beats=librosa.frames_to_time(frames, sr=sr, hop_length=hop_length),
        beats_per_bar=meter.beats_per_bar,
        meter_confidence=meter.confidence,
    )
