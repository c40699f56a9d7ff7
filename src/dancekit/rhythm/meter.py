"""Meter (3 vs 4 beats per bar) from how beats repeat across bars.

Beats are grouped by their index modulo m; if the music has m beats per bar, beats in
the same bar position resemble each other (the downbeat's accent, bass note, chord
change) more than beats in other positions. A one-way ANOVA F statistic measures that
between-group contrast; with no bar structure it is ~1 for any m, so the sign of
F(3) - F(4) needs no tuned scale. Two beat-level views are scored: the within-beat
onset pattern (accents) and the beat-averaged mel spectrum (timbre / harmony).
A tempo octave error (e.g. a waltz tracked at twice its tempo) defeats this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Samples taken across each inter-beat interval of the onset envelope.
PATTERN_POINTS = 8
#: Mel bands are pooled into this many groups before beat averaging (less noise, same shape).
MEL_GROUPS = 28
#: Evidence for 3 over 4 (F(3) - F(4), per view) needed before answering 3: the classes are
#: unbalanced (most music is in duple/quadruple time), so ties and weak evidence go to 4.
MARGIN_PER_VIEW = 0.25
#: Slope of the logistic that turns the margin into a confidence in [0.5, 1].
CONFIDENCE_SLOPE = 2.0
#: Fewer beats than this per candidate group gives no usable statistic.
MIN_BARS = 4


@dataclass(frozen=True)
class MeterEstimate:
    """Beats per bar (3 or 4), a confidence in [0.5, 1] and the raw evidence for 3 over 4.

    Attributes
    ----------
    beats_per_bar : int
        3 or 4.
    confidence : float
        In [0.5, 1]; a monotone score, not a calibrated probability.
    score : float
        F(3) - F(4), summed over the views.
    """

    beats_per_bar: int
    confidence: float
    score: float


def beat_onset_patterns(onset_envelope: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """(PATTERN_POINTS, n_beats - 1) onset strength resampled across each inter-beat interval.

    Parameters
    ----------
    onset_envelope : np.ndarray
        One onset strength per frame.
    beat_frames : np.ndarray
        Beat frame indices.

    Returns
    -------
    np.ndarray
    """
    cols = []
    for start, stop in zip(beat_frames[:-1], beat_frames[1:]):
        seg = onset_envelope[start:stop]
        cols.append(np.interp(np.linspace(0, len(seg) - 1, PATTERN_POINTS), np.arange(len(seg)), seg))
    return np.array(cols).T if cols else np.zeros((PATTERN_POINTS, 0))


def beat_mel_spectra(mel_db: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """(MEL_GROUPS, n_beats - 1) mel dB averaged over band groups and inter-beat intervals.

    Parameters
    ----------
    mel_db : np.ndarray
        dB mel spectrogram ``(n_mels, frames)``.
    beat_frames : np.ndarray
        Beat frame indices.

    Returns
    -------
    np.ndarray
    """
    groups = np.array_split(np.asarray(mel_db, dtype=float), min(MEL_GROUPS, len(mel_db)), axis=0)
    pooled = np.stack([g.mean(axis=0) for g in groups])
    synced = _mean_between_beats(pooled, beat_frames)
    return synced[:, 1:-1]  # drop the partial segments before the first and after the last beat


def _mean_between_beats(data: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """Column means of ``data`` between successive beats, with the parts before the first and after
    the last beat: ``librosa.util.sync(data, beat_frames, aggregate=np.mean, pad=True)``."""
    if np.any(np.asarray(beat_frames) < 0):
        raise ValueError("negative beat frame")
    bounds = np.unique(np.concatenate(([0, data.shape[-1]], np.clip(beat_frames, 0, data.shape[-1])))).astype(int)
    out = np.empty((data.shape[0], len(bounds) - 1), dtype=data.dtype)
    for i, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        out[:, i] = np.mean(data[:, start:stop], axis=-1)
    return out


def bar_position_f_statistic(features: np.ndarray, beats_per_bar: int) -> float:
    """One-way ANOVA F of the feature vectors grouped by beat index mod ``beats_per_bar``.

    Parameters
    ----------
    features : np.ndarray
        ``(dims, n_beats)`` one vector per beat.
    beats_per_bar : int
        The number of groups.

    Returns
    -------
    float
        0.0 when there is no spread within groups.
    """
    x = np.asarray(features, dtype=float)
    n = x.shape[1]
    m = beats_per_bar
    x = (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 1e-9)
    group = np.arange(n) % m
    means = np.stack([x[:, group == j].mean(axis=1) for j in range(m)], axis=1)
    between = sum((group == j).sum() * np.sum(means[:, j] ** 2) for j in range(m)) / (m - 1)
    within = sum(np.sum((x[:, group == j] - means[:, [j]]) ** 2) for j in range(m)) / (n - m)
    return float(between / within) if within > 0 else 0.0


def estimate_meter(
    onset_envelope: np.ndarray, beat_frames: np.ndarray, mel_db: np.ndarray | None = None
) -> MeterEstimate:
    """3 or 4 beats per bar; 4 with confidence 0.5 when there are too few beats to tell.

    Parameters
    ----------
    onset_envelope, beat_frames : np.ndarray
        As for :func:`beat_onset_patterns`.
    mel_db : np.ndarray, optional
        dB mel spectrogram of the same frames: a second view (timbre, harmony).

    Returns
    -------
    MeterEstimate
    """
    beat_frames = np.asarray(beat_frames, dtype=int)
    views = [beat_onset_patterns(onset_envelope, beat_frames)]
    if mel_db is not None:
        views.append(beat_mel_spectra(mel_db, beat_frames))
    if min(v.shape[1] for v in views) < MIN_BARS * 4:
        return MeterEstimate(beats_per_bar=4, confidence=0.5, score=0.0)
    score = sum(bar_position_f_statistic(v, 3) - bar_position_f_statistic(v, 4) for v in views)
    margin = score - MARGIN_PER_VIEW * len(views)
    beats_per_bar = 3 if margin > 0 else 4
    confidence = 1.0 / (1.0 + np.exp(-CONFIDENCE_SLOPE * abs(margin)))
    return MeterEstimate(beats_per_bar=beats_per_bar, confidence=float(confidence), score=float(score))
