"""Which tempo candidate a dancer counts: a small trained scorer, with a probability per candidate.

Why trained: a fixed prior (a log-normal around 100 BPM) halves fast dances and doubles slow ones,
and no single centre suits both a quickstep (200) and a slow waltz (87). The scorer is a logistic
model over the candidate evidence of :mod:`dancekit.rhythm.tempo_candidates`, fitted where exact
tempi exist (synthetic songs rendered from MIDI at the dancer's tempo, annotated GTZAN clips; see
:mod:`dancekit.training.tempo_octave`). Its weights are a few hundred numbers kept in
``octave_model.json`` beside this module, so inference needs numpy only. A softmax over the
candidates' scores is the octave posterior, which the dance prior integrates over instead of
forgiving every octave alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from dancekit.rhythm.tempo import estimate_tempo
from dancekit.rhythm.tempo_candidates import FEATURE_NAMES, TempoCandidates, tempo_candidates

MODEL_PATH = Path(__file__).with_name("octave_model.json")


@dataclass(frozen=True)
class OctaveModel:
    """Standardisation and a two-layer scorer (``hidden`` may be empty: a linear model).

    Attributes
    ----------
    mean, scale : np.ndarray
        ``[F]`` feature standardisation.
    layers : list of (np.ndarray, np.ndarray)
        Weights ``[in, out]`` and biases ``[out]``; ReLU between layers, the last has one output.
    feature_names : tuple of str
        The features the weights expect, checked against ``FEATURE_NAMES``.
    info : dict
        How it was trained (data, split, figures), as written by the trainer.
    temperature : float
        Divides the scores before the softmax; fitted on held-out recordings so that the
        probabilities are honest (a raw network is over-sure).
    """

    mean: np.ndarray
    scale: np.ndarray
    layers: list
    feature_names: tuple
    info: dict
    temperature: float = 1.0

    def scores(self, features: np.ndarray) -> np.ndarray:
        """One score (logit) per candidate row.

        Parameters
        ----------
        features : np.ndarray
            ``[K, F]`` candidate features.

        Returns
        -------
        np.ndarray
            ``[K]``.
        """
        h = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0]

    def posterior(self, candidates: TempoCandidates) -> np.ndarray:
        """Probability that each candidate is the tempo a dancer counts (sums to 1; empty without candidates).

        Parameters
        ----------
        candidates : TempoCandidates

        Returns
        -------
        np.ndarray
            ``[K]``.
        """
        if len(candidates.bpm) == 0:
            return np.zeros(0)
        s = self.scores(candidates.features) / self.temperature
        e = np.exp(s - s.max())
        return e / e.sum()

    def to_dict(self) -> dict:
        """JSON-ready form (what :func:`save_octave_model` writes)."""
        return {
            "feature_names": list(self.feature_names),
            "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "layers": [{"weight": w.tolist(), "bias": b.tolist()} for w, b in self.layers],
            "info": self.info, "temperature": self.temperature,
        }


def octave_model_from_dict(data: dict) -> OctaveModel:
    """Rebuild a scorer from :meth:`OctaveModel.to_dict` output.

    Parameters
    ----------
    data : dict

    Returns
    -------
    OctaveModel

    Raises
    ------
    ValueError
        When its features are not this version's ``FEATURE_NAMES``.
    """
    names = tuple(data["feature_names"])
    if names != FEATURE_NAMES:
        raise ValueError("the octave model was trained on other tempo features; retrain it")
    layers = [(np.array(layer["weight"], dtype=np.float64), np.array(layer["bias"], dtype=np.float64))
              for layer in data["layers"]]
    return OctaveModel(np.array(data["mean"]), np.array(data["scale"]), layers, names, data.get("info", {}),
                       float(data.get("temperature", 1.0)))


@lru_cache(maxsize=1)
def default_octave_model() -> OctaveModel | None:
    """The shipped scorer, or None when the package has none (the fixed prior decides then).

    Returns
    -------
    OctaveModel or None
    """
    if not MODEL_PATH.exists():
        return None
    return octave_model_from_dict(json.loads(MODEL_PATH.read_text()))


@dataclass(frozen=True)
class TempoEstimate:
    """The tempo a dancer counts, how sure the scorer is, and every candidate it weighed.

    Attributes
    ----------
    bpm : float
        The most probable candidate (0.0: no periodicity).
    confidence : float
        Its probability under the scorer (1.0 when the fixed prior chose it: no probability known).
    candidates : tuple of (float, float)
        ``(bpm, probability)`` per candidate, increasing tempo.
    """

    bpm: float
    confidence: float
    candidates: tuple = ()


def estimate_dancer_tempo(onset_envelope: np.ndarray, sr: int, hop_length: int, S: np.ndarray | None = None,
                          model: OctaveModel | None = None) -> TempoEstimate:
    """Tempo in the dancer's octave, with a probability per octave candidate.

    Parameters
    ----------
    onset_envelope : np.ndarray
        One onset strength per frame.
    sr, hop_length : int
        The frame grid.
    S : np.ndarray, optional
        The dB mel spectrogram of the same frames (band evidence; without it the scorer sees less).
    model : OctaveModel, optional
        The scorer; default the shipped one. Without any, the fixed prior of
        :func:`dancekit.rhythm.tempo.estimate_tempo` decides and no probabilities are given.

    Returns
    -------
    TempoEstimate
    """
    model = model or default_octave_model()
    if model is None:
        return TempoEstimate(estimate_tempo(onset_envelope, sr, hop_length), 1.0)
    found = tempo_candidates(onset_envelope, sr, hop_length, S=S)
    p = model.posterior(found)
    if len(p) == 0:
        return TempoEstimate(0.0, 0.0)
    k = int(np.argmax(p))
    pairs = tuple((round(float(b), 2), float(q)) for b, q in zip(found.bpm, p))
    return TempoEstimate(float(found.bpm[k]), float(p[k]), pairs)
