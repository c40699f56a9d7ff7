"""Tempo knowledge: how likely the measured tempo and meter are under each dance.

A CNN hears timbre and rhythm patterns in 5 s windows; it is easily unsure between dances that
sound alike but are played at different speeds (Slow vs Viennese Waltz, Rumba vs Cha Cha Cha).
Real dance music keeps to narrow tempo bands, so the recording's tempo, measured over the whole
recording, is independent evidence. The per-dance tempo densities come from the BPMs of 4180
real Extended Ballroom tracks (``dancekit/synth/tempo_eb.json``). When the rhythm analysis
gives a probability per octave candidate (:mod:`dancekit.rhythm.octave_model`), a dance's
likelihood is its density averaged over those candidates: a confident 168 BPM in 3/4 then
speaks for a Viennese Waltz and barely for a Slow Waltz at half speed. Without them (an older
result, or a tempo alone), half and double tempo are forgiven with a lower weight, as before.
Fusion multiplies: ``p(d) ~ p_cnn(d) * L_tempo(d)**a * L_meter(d)**b``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dancekit.dances import dance_by_name
from dancekit.synth.tempo import load_table

#: Tempo factors a tracker's answer may be off by, and how much each is believed.
OCTAVES = ((1.0, 1.0), (0.5, 0.3), (2.0, 0.3))
#: Kernel width in log-tempo (4 %: a tracker's error on a steady song, and tempo drift).
LOG_WIDTH = 0.04
#: Likelihood floor: one wrong tempo estimate must not veto the network.
FLOOR = 0.05
#: Least probability any octave candidate keeps: the scorer is wrong on some songs, so no octave is ruled out.
CANDIDATE_FLOOR = 0.05


@lru_cache(maxsize=None)
def _histogram(label: str) -> tuple[np.ndarray, np.ndarray] | None:
    hist = load_table()["dances"].get(label)
    if hist is None:
        return None
    bpm = np.array([float(b) for b in hist["histogram"]])
    weight = np.array(list(hist["histogram"].values()), dtype=float)
    return np.log(bpm), weight / weight.sum()


def _density(label: str, bpm: float) -> float | None:
    hist = _histogram(label)
    if hist is None:
        return None
    log_bpm, weight = hist
    return float(np.sum(weight * np.exp(-0.5 * ((np.log(bpm) - log_bpm) / LOG_WIDTH) ** 2)))


def tempo_likelihoods(tempo_bpm: float, classes: list[str], candidates=()) -> np.ndarray:
    """Relative likelihood (FLOOR..1) of the tempo under each class; the dances' mean for classes without data.

    Parameters
    ----------
    tempo_bpm : float
        The measured tempo (0 or less: no evidence).
    classes : list of str
        Class names; dances of the competition table have tempo data.
    candidates : sequence of (float, float), optional
        ``(bpm, probability)`` per octave candidate; when given, they replace the fixed
        half/double forgiveness (each keeps at least ``CANDIDATE_FLOOR``).

    Returns
    -------
    np.ndarray
        ``[C]`` likelihoods.
    """
    if not tempo_bpm or tempo_bpm <= 0:
        return np.ones(len(classes))
    pairs = [(float(b), float(q)) for b, q in candidates if b > 0]
    if pairs:
        weights = np.maximum([q for _, q in pairs], CANDIDATE_FLOOR)
        weights = weights / weights.sum()
    raw = []
    for label in classes:
        if pairs:
            values = [_density(label, b) for b, _ in pairs]
            raw.append(None if values[0] is None else float(np.dot(weights, values)))
            continue
        values = [_density(label, tempo_bpm * factor) for factor, _ in OCTAVES]
        raw.append(None if values[0] is None else max(w * v for (_, w), v in zip(OCTAVES, values)))
    known = [r for r in raw if r is not None]
    top = max(known) if known and max(known) > 0 else 1.0
    return _neutral_for_unknown([None if r is None else FLOOR + (1 - FLOOR) * r / top for r in raw])


def _neutral_for_unknown(values: list[float | None]) -> np.ndarray:
    """Classes without data (e.g. "Other") get the dances' mean: neither favoured nor hurt on average.

    Were they given the top likelihood, every song whose tempo or meter is unusual for its dance
    would drift to "Other".
    """
    known = [v for v in values if v is not None]
    neutral = float(np.mean(known)) if known else 1.0
    return np.array([neutral if v is None else v for v in values])


def meter_likelihoods(beats_per_bar: int, confidence: float, classes: list[str]) -> np.ndarray:
    """Likelihood of the detected meter under each class: triple dances want 3, the rest 2 or 4.

    Parameters
    ----------
    beats_per_bar : int
        The detected meter (3 or 4).
    confidence : float
        Its confidence, in [0.5, 1].
    classes : list of str
        Class names (classes that are not dances get the dances' mean).

    Returns
    -------
    np.ndarray
        ``[C]`` likelihoods, at least ``FLOOR``; 1 everywhere when no class is a dance.
    """
    sure = min(max(float(confidence), 0.5), 1.0)
    out = []
    for label in classes:
        try:
            triple = dance_by_name(label).beats_per_bar == 3
        except KeyError:
            out.append(None)
            continue
        out.append(max(sure if triple == (beats_per_bar == 3) else 1.0 - sure, FLOOR))
    return _neutral_for_unknown(out)


def fuse(probabilities: np.ndarray, classes: list[str], rhythm, tempo_weight: float = 1.0,
         meter_weight: float = 1.0) -> np.ndarray:
    """Network probabilities reweighted by tempo and meter evidence (unchanged without a rhythm result).

    Parameters
    ----------
    probabilities : np.ndarray
        ``[C]`` the network's answer.
    classes : list of str
        Class names.
    rhythm : RhythmResult or None
        Tempo and meter of the recording.
    tempo_weight, meter_weight : float
        Exponents of the two likelihoods.

    Returns
    -------
    np.ndarray
        ``[C]`` probabilities that sum to 1.
    """
    if rhythm is None:
        return np.asarray(probabilities)
    tempo = tempo_likelihoods(rhythm.tempo_bpm, classes, rhythm.tempo_candidates)
    fused = np.asarray(probabilities, dtype=float) * tempo ** tempo_weight
    fused = fused * meter_likelihoods(rhythm.beats_per_bar, rhythm.meter_confidence, classes) ** meter_weight
    return fused / fused.sum()
