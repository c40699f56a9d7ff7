"""Tempo, beats and meter of a recording: the one entry point the CLI, inference and the web app call.

Like librosa's ``beat_track(y=..., onset_envelope=...)``, it starts from whatever the caller has:
audio, a ready dB mel spectrogram (identification keeps its frames), or an onset envelope.
"""

from __future__ import annotations

import numpy as np

from dancekit.audio.samples import from_array
from dancekit.errors import AudioError, EmptyAudioError
from dancekit.rhythm.beats import track_beats
from dancekit.rhythm.meter import estimate_meter
from dancekit.rhythm.onsets import HOP_LENGTH, SR, mel_db
from dancekit.rhythm.onsets import onset_envelope as compute_onset_envelope
from dancekit.rhythm.result import RhythmResult
from dancekit.rhythm.octave_model import estimate_dancer_tempo


def analyze(
    y: np.ndarray | None = None,
    sr: int = SR,
    *,
    S: np.ndarray | None = None,
    onset_envelope: np.ndarray | None = None,
    hop_length: int = HOP_LENGTH,
) -> RhythmResult:
    """Tempo, beats and meter from audio ``y``, a dB mel spectrogram ``S`` or an onset envelope.

    Parameters
    ----------
    y : np.ndarray, optional
        Audio: mono ``(n,)``, or 2-D with channels on the shorter axis; NaN or infinite samples are an
        error here (a measurement must not guess). Mixed and resampled to ``SR`` by
        :func:`dancekit.audio.from_array`, as every array; then ``hop_length`` is ``HOP_LENGTH``.
    sr : int
        The rate of ``y`` in Hz (checked: a 1 Hz rate would resample to gigabytes), or the rate of
        the audio ``S`` / ``onset_envelope`` were computed from.
    S : np.ndarray, optional
        Unclipped dB mel spectrogram ``(n_mels, frames)`` (see :func:`dancekit.rhythm.onsets.mel_db`).
        With ``onset_envelope``, it only sharpens the meter estimate.
    onset_envelope : np.ndarray, optional
        A ready onset envelope (frames of ``S``, if both are given).
    hop_length : int
        Samples between the frames of ``S`` / ``onset_envelope``.

    Returns
    -------
    RhythmResult
        Tempo (0.0 when no steady beat), beat times in seconds, beats per bar (3 or 4) and its confidence.
    """
    if onset_envelope is None and S is None:
        if y is None:
            raise ValueError("give the audio (y), its dB mel spectrogram (S) or an onset envelope")
        y, sr, hop_length = _audio_at_rhythm_rate(y, sr), SR, HOP_LENGTH
        S = mel_db(y)
    if onset_envelope is None:
        onset_envelope = compute_onset_envelope(S=S, sr=sr, hop_length=hop_length)
    env = np.asarray(onset_envelope, dtype=float)
    if env.ndim != 1 or env.size < 2:
        raise EmptyAudioError(f"need a 1-D onset envelope with at least 2 frames, got shape {env.shape}")
    if not np.all(np.isfinite(env)):
        raise AudioError("onset envelope contains NaN or infinite values")
    estimate = estimate_dancer_tempo(env, sr, hop_length, S=S) if np.any(env > 0) else None
    tempo = estimate.bpm if estimate else 0.0
    frames = track_beats(env, sr, hop_length, tempo)
    meter = estimate_meter(env, frames, S)
    return RhythmResult(
        tempo_bpm=tempo,
        beats=(np.asanyarray(frames) * hop_length).astype(int) / float(sr),  # librosa.frames_to_time
        beats_per_bar=meter.beats_per_bar,
        meter_confidence=meter.confidence,
        tempo_confidence=estimate.confidence if estimate else 0.0,
        tempo_candidates=estimate.candidates if estimate else (),
    )


def _audio_at_rhythm_rate(y, sr) -> np.ndarray:
    """A caller's samples as finite mono float32 at ``SR``; refused when empty, not finite or too short."""
    y = np.asarray(y)
    if y.size == 0:
        raise EmptyAudioError("audio has no samples")
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise AudioError("audio contains NaN or infinite samples")
    y = from_array(y, sr, SR)
    if len(y) < 2 * HOP_LENGTH:
        raise EmptyAudioError(f"audio too short for rhythm analysis ({len(y)} samples at {SR} Hz)")
    return y
