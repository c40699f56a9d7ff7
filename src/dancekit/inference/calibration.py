"""Honest confidence: a model's final probabilities sharpened or softened by a fitted temperature.

A network trained on synthetic music is over-sure on real songs, so its top probability says little
about how often it is right. ``benchmarks/calibration.py`` fits a temperature on real held-out songs
(and the "not sure" threshold with it) and records both in the model card under ``calibration``;
identification applies them. A card without them keeps temperature 1 and the package's threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Below this top probability the answer is "not sure: A or B?" unless the card says otherwise;
#: what it costs and gains on real recordings is measured by benchmarks/reject_option.py.
SURE_FROM = 0.6


@dataclass(frozen=True)
class Calibration:
    """A temperature for the final probabilities and the threshold under which the answer is not sure.

    Parameters
    ----------
    temperature : float
        ``p ** (1 / temperature)``, renormalised: above 1 softens an over-sure model.
    sure_from : float
        Top probability (after the temperature) from which the answer is "sure".
    log_bias : dict
        Class -> added to its log-probability before the temperature: a class that training made
        too likely on real music (e.g. "Other", learnt from real recordings while the dances were
        mostly synthetic) is moved back by a negative bias.
    """

    temperature: float = 1.0
    sure_from: float = SURE_FROM
    log_bias: dict = field(default_factory=dict)

    @classmethod
    def from_card(cls, card) -> "Calibration":
        """The card's ``calibration`` entry, or the defaults when it has none.

        Parameters
        ----------
        card : ModelCard
            A loaded model card.

        Returns
        -------
        Calibration
        """
        entry = getattr(card, "calibration", None) or {}
        return cls(float(entry.get("temperature", 1.0)), float(entry.get("sure_from", SURE_FROM)),
                   {str(k): float(v) for k, v in (entry.get("log_bias") or {}).items()})

    def apply(self, probabilities: np.ndarray, classes: list[str] | None = None) -> np.ndarray:
        """Probabilities under the class biases and the temperature (unchanged when there are none).

        Parameters
        ----------
        probabilities : np.ndarray [shape=(..., C)]
            Probabilities over the classes (last axis).
        classes : list of str, optional
            The class names (needed for ``log_bias``; biases of absent classes are ignored).

        Returns
        -------
        np.ndarray
            Same shape, rows summing to 1.
        """
        p = np.asarray(probabilities, dtype=float)
        bias = np.array([self.log_bias.get(c, 0.0) for c in classes]) if classes and self.log_bias else None
        if bias is not None and bias.any():
            p = p * np.exp(bias)
            p = p / p.sum(axis=-1, keepdims=True)
        return apply_temperature(p, self.temperature)


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``p ** (1 / temperature)`` renormalised over the last axis, computed in the log domain.

    Parameters
    ----------
    probabilities : np.ndarray [shape=(..., C)]
        Probabilities (zeros allowed).
    temperature : float
        Positive.

    Returns
    -------
    np.ndarray
    """
    p = np.asarray(probabilities, dtype=float)
    if temperature == 1.0 or p.shape[-1] == 0:
        return p
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    z = np.log(np.maximum(p, 1e-300)) / temperature
    z -= z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
