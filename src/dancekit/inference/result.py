"""The answer for one recording, for people (``describe``) and for programs (``to_dict``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dancekit.dances import OTHER
from dancekit.inference.aggregate import top_k
from dancekit.inference.calibration import SURE_FROM

#: status values of a result
OK, NO_MUSIC, SHORT = "ok", "no_music", "short"


@dataclass
class IdentifyResult:
    """Recording-level probabilities, the per-segment timeline, tempo and meter.

    Attributes
    ----------
    source : str
        How the recording was named.
    classes : list of str
        The model's classes.
    probabilities : np.ndarray
        ``[C]``, the answer: the network's mean, reweighted by tempo and meter when known.
    segment_starts_s : np.ndarray
        ``[n]`` start of each classified segment, in seconds.
    segment_probabilities : np.ndarray
        ``[n, C]`` each segment's softmax.
    segment_length_s : float
        Length of one segment in seconds.
    duration_s : float
        Length of the recording in seconds.
    status : str
        ``ok``, ``short`` or ``no_music``.
    rhythm : RhythmResult or None
        Tempo, beats and meter.
    model : dict
        The model's ``name`` and ``version``.
    warnings : list of str
        Notes for the reader.
    network_probabilities : np.ndarray or None
        ``[C]``, the mean of the segments' softmax alone.
    sure_from : float
        Top probability from which the answer is sure (the model card's calibration, else ``SURE_FROM``).
    """

    source: str
    classes: list[str]
    probabilities: np.ndarray  # [C], the answer: network mean, reweighted by tempo/meter when known
    segment_starts_s: np.ndarray  # [n]
    segment_probabilities: np.ndarray  # [n, C]
    segment_length_s: float
    duration_s: float
    status: str = OK
    rhythm: Any = None  # dancekit.rhythm.RhythmResult or None
    model: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    network_probabilities: np.ndarray | None = None  # [C], mean of segment softmax alone
    sure_from: float = SURE_FROM

    def _network(self) -> np.ndarray:
        return self.probabilities if self.network_probabilities is None else self.network_probabilities

    @property
    def label(self) -> str | None:
        """The predicted class, or None when no music was detected."""
        if self.status == NO_MUSIC or not len(self.probabilities):
            return None
        return self.top(1)[0][0]

    @property
    def confidence(self) -> float | None:
        """The answer's probability, or None when no music was detected."""
        return None if self.label is None else float(np.max(self.probabilities))

    @property
    def sure(self) -> bool:
        """False when the evidence is weak: the top probability is under ``sure_from``."""
        return self.confidence is not None and self.confidence >= self.sure_from

    def top(self, k: int = 2) -> list[tuple[str, float]]:
        """The ``k`` most probable classes with their probabilities, most probable first.

        Parameters
        ----------
        k : int
            How many.

        Returns
        -------
        list of (str, float)
        """
        return top_k(self.probabilities, self.classes, k)

    def describe(self) -> str:
        """One line, e.g. ``Slow Waltz 83% (Viennese Waltz 9%)``."""
        if self.status == NO_MUSIC:
            return "no music detected"
        (first, p1), *rest = self.top(2)
        if first == OTHER:
            nearest = f"; nearest dance: {rest[0][0]} {rest[0][1]:.0%}" if rest else ""
            return f"not one of the {len(self.classes) - 1} dances (Other {p1:.0%}{nearest})"
        if not self.sure and rest:
            return f"not sure: {first} ({p1:.0%}) or {rest[0][0]} ({rest[0][1]:.0%})?"
        text = f"{first} {p1:.0%}"
        if rest:
            text += f" ({rest[0][0]} {rest[0][1]:.0%})"
        return text

    def to_dict(self, top: int = 3, timeline: bool = True) -> dict[str, Any]:
        """JSON-ready dictionary; the schema is documented in the README.

        Parameters
        ----------
        top : int
            Classes listed under ``top``.
        timeline : bool
            Include the per-segment ``segments`` object.

        Returns
        -------
        dict
        """
        out: dict[str, Any] = {
            "file": self.source,
            "status": self.status,
            "label": self.label,
            "confidence": self.confidence,
            "sure": self.sure,
            "top": [{"label": name, "probability": round(p, 6)} for name, p in self.top(top)] if self.label else [],
            "probabilities": {c: round(float(p), 6) for c, p in zip(self.classes, self.probabilities)},
            "network_probabilities": {c: round(float(p), 6) for c, p in zip(self.classes, self._network())},
            "duration_s": round(self.duration_s, 3),
            "tempo": self.rhythm.to_dict() if self.rhythm is not None else None,
            "model": self.model,
            "warnings": list(self.warnings),
        }
        if timeline:
            out["segments"] = {
                "length_s": round(self.segment_length_s, 4),
                "start_s": [round(float(t), 3) for t in self.segment_starts_s],
                "probabilities": np.round(self.segment_probabilities, 5).tolist(),
            }
        return out
