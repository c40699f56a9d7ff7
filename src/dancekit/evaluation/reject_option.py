"""When should a classifier say "not sure"? Precision against coverage for a threshold rule.

Why two kinds of recordings: raising a threshold on the answer's confidence (or on the margin
between the two most probable classes) trades coverage of the dance recordings for precision on
them, and should also silence the model on music that is no dance at all; a rule is judged on both.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

#: Rules: the score an answer must reach to be given.
RULES = ("confidence", "margin")


def answer_scores(probabilities: Sequence[float], label: str | None, reject_label: str = "Other") -> dict:
    """Confidence (top probability) and margin (top minus second) of one answer.

    Parameters
    ----------
    probabilities : sequence of float
        The answer's class probabilities.
    label : str or None
        The answer; ``reject_label`` scores 0 on both (a model with such a class rejects by answering it).
    reject_label : str
        The class that means "no dance".

    Returns
    -------
    dict
        ``confidence`` and ``margin``.
    """
    if label == reject_label:
        return {"confidence": 0.0, "margin": 0.0}
    p = np.sort(np.asarray(probabilities, dtype=float))[::-1]
    return {"confidence": float(p[0]), "margin": float(p[0] - p[1])}


def threshold_sweep(dance_rows: list[dict], other_rows: list[dict], rule: str,
                    thresholds: Sequence[float]) -> list[dict]:
    """Coverage and precision on dance recordings, and the share of other music still answered, per threshold.

    Parameters
    ----------
    dance_rows : list of dict
        One per dance recording: ``answer_scores`` keys and ``correct`` (bool).
    other_rows : list of dict
        One per recording of other music: ``answer_scores`` keys.
    rule : str
        Which score must reach the threshold (one of ``RULES``).
    thresholds : sequence of float
        Thresholds to try.

    Returns
    -------
    list of dict
        ``threshold``, ``coverage``, ``precision`` (NaN when nothing is answered) and ``other_answered``.
    """
    rows = []
    for t in thresholds:
        kept = [d for d in dance_rows if d[rule] >= t]
        rows.append({"threshold": float(t), "coverage": len(kept) / len(dance_rows),
                     "precision": float(np.mean([d["correct"] for d in kept])) if kept else float("nan"),
                     "other_answered": float(np.mean([o[rule] >= t for o in other_rows]))})
    return rows
