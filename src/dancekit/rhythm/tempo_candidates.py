"""Tempo candidates of a recording and the evidence for each: what the octave model scores.

Why: the tempo *family* (which pulse the music has) is easy, Acc2 0.94 on GTZAN-mini; the hard
part is the octave a dancer counts (a quickstep at 200, not 100). That choice needs more than one
salience curve: whether the kick and bass (low band) or the hi-hat (high band) repeat at the
candidate or at its double, how many onsets fall in one beat, and how fast the candidate is. This
module turns the onset frames into a small table, one row per candidate (family x 1/3, 1/2, 1, 2,
3), so a model trained where exact tempi exist (:mod:`dancekit.rhythm.octave_model`) can pick one.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from dancekit.features.mel_filters import mel_frequencies
from dancekit.rhythm.flux import onset_strength_multi
from dancekit.rhythm.peaks import onset_frames
from dancekit.rhythm.tempo import (
    BPM_GRID,
    MAX_BPM,
    MIN_BPM,
    OCTAVE_RATIOS,
    TempoSalience,
    family_peak,
    peak_near,
    tempo_salience,
)

#: Mel-band edges (Hz) of the band envelopes: kick and bass; snare, voice and chords; hi-hat and cymbals.
BANDS_HZ = ((0.0, 200.0), (200.0, 4000.0), (4000.0, 11025.0))
#: Names of the candidate features, in the order of the table's columns.
FEATURE_NAMES = (
    "log2_bpm", "log2_bpm_sq", "log2_onsets_per_beat",
    "acf", "dft", "acf_x2", "dft_x2", "acf_half", "dft_half", "acf_x3", "dft_x3", "acf_third",
    "acf_quarter", "acf_sixth", "acf_x1_5", "acf_two_thirds",
    "low_acf", "low_dft", "low_acf_x2", "low_acf_half", "low_acf_third",
    "high_acf", "high_dft", "high_acf_x2", "high_acf_half", "high_acf_x3",
    "mid_acf", "mid_dft", "mid_acf_x2", "mid_acf_third",
    "family_share",
)


@dataclass(frozen=True)
class TempoCandidates:
    """The candidate tempi of one recording and one feature row per candidate.

    Attributes
    ----------
    bpm : np.ndarray
        ``[K]`` candidate tempi (BPM), increasing.
    features : np.ndarray
        ``[K, len(FEATURE_NAMES)]`` evidence for each candidate.
    family_bpm : float
        The family peak the candidates are octaves of (0.0: no periodicity, no candidates).
    """

    bpm: np.ndarray
    features: np.ndarray
    family_bpm: float


def band_envelopes(S: np.ndarray, sr: int, hop_length: int) -> np.ndarray:
    """Onset strength in each of ``BANDS_HZ``, from a dB mel spectrogram.

    Parameters
    ----------
    S : np.ndarray
        dB mel spectrogram ``(n_mels, frames)`` with mel bands spanning 0 to ``sr / 2``.
    sr : int
        Sample rate of the audio ``S`` was computed from.
    hop_length : int
        Samples between frames.

    Returns
    -------
    np.ndarray
        ``(len(BANDS_HZ), frames)``.
    """
    centres = mel_frequencies(n_mels=S.shape[0] + 2, fmin=0.0, fmax=sr / 2)[1:-1]
    edges = [int(np.searchsorted(centres, lo)) for lo, _ in BANDS_HZ] + [S.shape[0]]
    edges = sorted(set(min(e, S.shape[0]) for e in edges))
    return onset_strength_multi(S, hop_length=hop_length, channels=edges)


@dataclass(frozen=True)
class CandidateEvidence:
    """Everything the candidate features are computed from (kept whole so features can be redefined).

    Attributes
    ----------
    full, low, mid, high : TempoSalience
        Salience of the all-band envelope and of each of ``BANDS_HZ``.
    onset_rate : float
        Detected onsets per second.
    """

    full: TempoSalience
    low: TempoSalience
    mid: TempoSalience
    high: TempoSalience
    onset_rate: float


def candidate_evidence(onset_envelope: np.ndarray, sr: int, hop_length: int,
                       S: np.ndarray | None = None) -> CandidateEvidence:
    """Salience curves of the whole envelope and of each band, and the onset rate.

    Parameters
    ----------
    onset_envelope : np.ndarray
        One onset strength per frame (all bands).
    sr, hop_length : int
        The frame grid.
    S : np.ndarray, optional
        dB mel spectrogram of the same frames; without it the bands repeat the whole envelope.

    Returns
    -------
    CandidateEvidence
    """
    envelopes = [onset_envelope]
    if S is not None and S.shape[0] >= 8:
        envs = band_envelopes(S, sr, hop_length)
        if len(envs) == 3:
            envelopes += list(envs)
    saliences = _saliences(envelopes, sr, hop_length)
    full = saliences[0]
    bands = saliences[1:] if len(saliences) == 4 else [full] * 3
    onsets = onset_frames(onset_envelope, sr=sr, hop_length=hop_length)
    seconds = len(onset_envelope) * hop_length / sr
    return CandidateEvidence(full, *bands, max(len(onsets), 1) / max(seconds, 1e-3))


def _saliences(envelopes: list[np.ndarray], sr: int, hop_length: int) -> list[TempoSalience]:
    """``tempo_salience`` of each envelope, two at a time: numpy's FFTs release the GIL, so a free
    second core halves the wait (each result is the one a single thread computes)."""
    if len(envelopes) == 1:
        return [tempo_salience(envelopes[0], sr, hop_length)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda env: tempo_salience(env, sr, hop_length), envelopes))


def candidates_from_evidence(evidence: CandidateEvidence) -> TempoCandidates:
    """The family peak's octaves and one feature row per candidate.

    Parameters
    ----------
    evidence : CandidateEvidence

    Returns
    -------
    TempoCandidates
    """
    family = family_peak(evidence.full)
    if family <= 0:
        return TempoCandidates(np.zeros(0), np.zeros((0, len(FEATURE_NAMES))), 0.0)
    bpm = np.array([family * r for r in OCTAVE_RATIOS if MIN_BPM <= family * r <= MAX_BPM])
    rows = [_row(c, evidence, family) for c in bpm]
    return TempoCandidates(bpm, np.array(rows, dtype=np.float64), family)


def tempo_candidates(onset_envelope: np.ndarray, sr: int, hop_length: int,
                     S: np.ndarray | None = None) -> TempoCandidates:
    """The family peak's octaves and the evidence for each.

    Parameters
    ----------
    onset_envelope : np.ndarray
        One onset strength per frame (all bands).
    sr, hop_length : int
        The frame grid.
    S : np.ndarray, optional
        dB mel spectrogram of the same frames; without it the band features repeat the all-band ones.

    Returns
    -------
    TempoCandidates
    """
    return candidates_from_evidence(candidate_evidence(onset_envelope, sr, hop_length, S))


def _row(c: float, ev: CandidateEvidence, family: float) -> list[float]:
    def at(curve: np.ndarray, bpm: float) -> float:
        return peak_near(curve, bpm) if BPM_GRID[0] <= bpm <= BPM_GRID[-1] else 0.0

    full, low, mid, high = ev.full, ev.low, ev.mid, ev.high
    t = float(np.log2(c / 120.0))
    return [
        t, t * t, float(np.log2(ev.onset_rate * 60.0 / c)),
        at(full.acf, c), at(full.dft, c), at(full.acf, 2 * c), at(full.dft, 2 * c),
        at(full.acf, c / 2), at(full.dft, c / 2), at(full.acf, 3 * c), at(full.dft, 3 * c), at(full.acf, c / 3),
        at(full.acf, c / 4), at(full.acf, c / 6), at(full.acf, 1.5 * c), at(full.acf, 2 * c / 3),
        at(low.acf, c), at(low.dft, c), at(low.acf, 2 * c), at(low.acf, c / 2), at(low.acf, c / 3),
        at(high.acf, c), at(high.dft, c), at(high.acf, 2 * c), at(high.acf, c / 2), at(high.acf, 3 * c),
        at(mid.acf, c), at(mid.dft, c), at(mid.acf, 2 * c), at(mid.acf, c / 3),
        float(np.log2(c / family)),
    ]
