"""Global tempo from an onset envelope, with an explicit octave decision.

librosa's ``tempo`` picks the autocorrelation peak weighted by a log-normal prior at
120 BPM, which halves or doubles about one track in four on GTZAN. Here the tempo
*family* comes from the product of the autocorrelation and Fourier tempograms (Peeters'
hybrid: autocorrelation favours sub-multiples, the DFT favours harmonics, so their
product peaks only where both agree), and the *octave* within that family
(x1/3, x1/2, x1, x2, x3) is the candidate with the strongest autocorrelation, barely
weighted by DFT support, under a log-normal prior. benchmarks/rhythm_accuracy.py measures the gain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dancekit.rhythm.tempograms import (
    autocorrelation_tempogram,
    fourier_tempo_frequencies,
    fourier_tempogram,
    tempo_frequencies,
)

#: Tempo axis (BPM) every salience curve is resampled onto: log-spaced, ~0.3 % steps.
BPM_GRID = np.geomspace(30.0, 300.0, 800)
MIN_BPM, MAX_BPM = 35.0, 290.0
#: Octave candidates considered around the family peak.
OCTAVE_RATIOS = (1 / 3, 1 / 2, 1.0, 2.0, 3.0)
#: Weak prior for the family peak (librosa's default centre and width, in octaves).
FAMILY_PRIOR = (120.0, 1.0)
#: Octave choice: candidate score = ACF**a * DFT**b * log-normal(centre, octaves). The small DFT
#: power vetoes candidates that are no harmonic of the rhythm (half of a 3/4 tempo), which
#: otherwise halves fast dances such as a Viennese Waltz at 176 BPM.
OCTAVE_PRIOR = (100.0, 1.0)
OCTAVE_ACF_POWER = 2.0
OCTAVE_DFT_POWER = 0.1
#: Tempogram window in frames (librosa's default: ~8.9 s at 22050 Hz / hop 512).
WIN_LENGTH = 384


@dataclass(frozen=True)
class TempoSalience:
    """Autocorrelation and Fourier tempo salience on ``BPM_GRID``, each scaled to max 1.

    Attributes
    ----------
    acf : np.ndarray
        Autocorrelation tempogram, time-averaged.
    dft : np.ndarray
        Fourier tempogram magnitude, time-averaged.
    """

    acf: np.ndarray
    dft: np.ndarray


def log_normal_prior(bpm: np.ndarray, centre: float, octaves: float) -> np.ndarray:
    """Unnormalised log-normal weight with ``octaves`` standard deviation in log2 units.

    Parameters
    ----------
    bpm : np.ndarray
        Tempi.
    centre : float
        The most likely tempo.
    octaves : float
        Standard deviation in octaves.

    Returns
    -------
    np.ndarray
        Weights in (0, 1].
    """
    return np.exp(-0.5 * ((np.log2(bpm) - np.log2(centre)) / octaves) ** 2)


def tempo_salience(onset_envelope: np.ndarray, sr: int, hop_length: int) -> TempoSalience:
    """Time-averaged autocorrelation and Fourier tempograms, resampled onto ``BPM_GRID``.

    Parameters
    ----------
    onset_envelope : np.ndarray
        One onset strength per frame.
    sr : int
        Sample rate of the audio, in Hz.
    hop_length : int
        Samples between frames.

    Returns
    -------
    TempoSalience
    """
    win = min(WIN_LENGTH, len(onset_envelope))
    acf = autocorrelation_tempogram(onset_envelope, win_length=win)
    acf_bpm = tempo_frequencies(win, sr=sr, hop_length=hop_length)
    dft = np.abs(fourier_tempogram(onset_envelope, win_length=win))
    dft_bpm = fourier_tempo_frequencies(sr=sr, win_length=win, hop_length=hop_length)
    # Lag 0 (infinite BPM) and frequency 0 carry no tempo information.
    a = np.interp(BPM_GRID, acf_bpm[1:][::-1], acf.mean(axis=1)[1:][::-1])
    d = np.interp(BPM_GRID, dft_bpm[1:], dft.mean(axis=1)[1:])
    a = np.maximum(a, 0.0)
    return TempoSalience(acf=_unit_max(a), dft=_unit_max(d))


def _unit_max(x: np.ndarray) -> np.ndarray:
    peak = float(x.max())
    return x / peak if peak > 0 else x


def peak_near(curve: np.ndarray, bpm: float, rel_width: float = 0.025) -> float:
    """Largest value of ``curve`` within ``rel_width`` of ``bpm`` (peaks are not exactly at k x f0).

    Parameters
    ----------
    curve : np.ndarray
        A salience curve on ``BPM_GRID``.
    bpm : float
        Where to look.
    rel_width : float
        Relative half-width of the window.

    Returns
    -------
    float
        0.0 when ``bpm`` lies off the grid.
    """
    mask = np.abs(np.log(BPM_GRID / bpm)) <= np.log1p(rel_width)
    return float(curve[mask].max()) if mask.any() else 0.0


def estimate_tempo(
    onset_envelope: np.ndarray,
    sr: int,
    hop_length: int,
    octave_prior: tuple[float, float] = OCTAVE_PRIOR,
    acf_power: float = OCTAVE_ACF_POWER,
    dft_power: float = OCTAVE_DFT_POWER,
) -> float:
    """Global tempo in BPM (0.0 when the envelope carries no periodicity, e.g. silence).

    Parameters
    ----------
    onset_envelope, sr, hop_length
        The onset envelope and its frame grid, as for :func:`tempo_salience`.
    octave_prior : tuple of (float, float)
        Centre (BPM) and width (octaves) of the prior for the octave choice.
    acf_power, dft_power : float
        Weights of the autocorrelation and Fourier support in the octave choice.

    Returns
    -------
    float
    """
    return choose_octave_fixed(tempo_salience(onset_envelope, sr, hop_length), octave_prior, acf_power, dft_power)


def family_peak(sal: TempoSalience) -> float:
    """Peak of the product of the two saliences under a weak prior: which pulse, not which octave.

    Parameters
    ----------
    sal : TempoSalience

    Returns
    -------
    float
        0.0 when the saliences share no periodicity.
    """
    hybrid = sal.acf * sal.dft * log_normal_prior(BPM_GRID, *FAMILY_PRIOR)
    return float(BPM_GRID[np.argmax(hybrid)]) if np.any(hybrid > 0) else 0.0


def choose_octave_fixed(
    sal: TempoSalience,
    octave_prior: tuple[float, float] = OCTAVE_PRIOR,
    acf_power: float = OCTAVE_ACF_POWER,
    dft_power: float = OCTAVE_DFT_POWER,
) -> float:
    """The family peak and the octave a fixed prior prefers (the choice before the trained scorer).

    Parameters
    ----------
    sal : TempoSalience
        Salience of the onset envelope.
    octave_prior, acf_power, dft_power
        As for :func:`estimate_tempo`.

    Returns
    -------
    float
        0.0 without periodicity.
    """
    family = family_peak(sal)
    if family <= 0:
        return 0.0
    candidates = [family * r for r in OCTAVE_RATIOS if MIN_BPM <= family * r <= MAX_BPM]
    scores = [
        peak_near(sal.acf, c) ** acf_power
        * peak_near(sal.dft, c) ** dft_power
        * float(log_normal_prior(np.array(c), *octave_prior))
        for c in candidates
    ]
    return float(candidates[int(np.argmax(scores))])
