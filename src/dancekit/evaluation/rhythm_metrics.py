"""Tempo, beat and meter scores as the MIR literature reports them, and their means over a set.

* Acc1: the estimate is within 4 % of the reference tempo.
* Acc2: the estimate is within 4 % of the reference times 1, 2, 3, 1/2 or 1/3 (octave and
  triple/duple errors forgiven), each band 4 % of that multiple.
* Beat F-measure: mir_eval's, with a 70 ms window and the beats of the first 5 s left out of both
  sides (``mir_eval.beat.trim_beats``), so that tracker start-up is not scored.
* Meter: the bar length (3 or 4) against the reference, next to the trivial "always 4" answer.

Beat F needs mir_eval (the ``eval`` extra).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import mir_eval
import numpy as np

#: Relative tempo tolerance of Acc1 and Acc2.
TEMPO_TOLERANCE = 0.04
#: Multiples of the reference tempo Acc2 accepts.
ACC2_FACTORS = (1.0, 2.0, 3.0, 1 / 2, 1 / 3)
#: Beat F-measure window in seconds.
BEAT_WINDOW_S = 0.07


def tempo_acc1(estimate: float, reference: float, tolerance: float = TEMPO_TOLERANCE) -> bool:
    """Whether ``estimate`` is within ``tolerance`` (relative) of ``reference``.

    Parameters
    ----------
    estimate, reference : float
        Tempi in BPM.
    tolerance : float
        Relative tolerance (0.04 = 4 %).

    Returns
    -------
    bool
    """
    return bool(abs(estimate - reference) <= tolerance * reference)


def tempo_acc2(estimate: float, reference: float, tolerance: float = TEMPO_TOLERANCE,
               factors: Sequence[float] = ACC2_FACTORS) -> bool:
    """Whether ``estimate`` is within ``tolerance`` of ``reference`` times one of ``factors``.

    Parameters
    ----------
    estimate, reference : float
        Tempi in BPM.
    tolerance : float
        Relative tolerance around each multiple.
    factors : sequence of float
        Accepted multiples of the reference (1 should be among them).

    Returns
    -------
    bool
    """
    return any(tempo_acc1(estimate, reference * f, tolerance) for f in factors)


def tempo_hits(estimate: float, reference: float) -> tuple[bool, bool]:
    """Acc1 and Acc2 of one estimate.

    Parameters
    ----------
    estimate, reference : float
        Tempi in BPM.

    Returns
    -------
    tuple of (bool, bool)
        (Acc1 hit, Acc2 hit).
    """
    return tempo_acc1(estimate, reference), tempo_acc2(estimate, reference)


def beat_f_measure(reference: Iterable[float], estimate: Iterable[float], window: float = BEAT_WINDOW_S) -> float:
    """F-measure of estimated beat times against reference ones (beats before 5 s left out).

    Parameters
    ----------
    reference, estimate : iterable of float
        Beat times in seconds.
    window : float
        Largest distance in seconds at which an estimate hits a reference beat.

    Returns
    -------
    float
        In [0, 1]; 0 when either side has no beat after 5 s.
    """
    ref = mir_eval.beat.trim_beats(np.asarray(list(reference), dtype=float))
    est = mir_eval.beat.trim_beats(np.asarray(list(estimate), dtype=float))
    return float(mir_eval.beat.f_measure(ref, est, f_measure_threshold=window))


def score_rhythm(tempo: float, beats: Iterable[float], meter: int | None, *, bpm: float | None,
                 reference_beats: Iterable[float] | None, reference_meter: int | None) -> dict:
    """The scores of one answer against one recording's truth, as a row for ``summarise_rhythm``.

    Parameters
    ----------
    tempo : float
        Estimated tempo in BPM.
    beats : iterable of float
        Estimated beat times in seconds.
    meter : int or None
        Estimated beats per bar (None: the method does not estimate meter).
    bpm : float or None
        Reference tempo; None leaves out the tempo and beat scores.
    reference_beats : iterable of float or None
        Reference beat times.
    reference_meter : int or None
        Reference beats per bar; None leaves the row out of the meter scores.

    Returns
    -------
    dict
        ``tempo_est``, ``meter_est``, ``meter_ref`` and, with a reference tempo, ``tempo_ref``,
        ``acc1``, ``acc2`` and ``beat_f``.
    """
    row = {"tempo_est": round(float(tempo), 2), "meter_est": meter, "meter_ref": reference_meter}
    if bpm is not None:
        row["tempo_ref"] = bpm
        row["acc1"], row["acc2"] = tempo_hits(tempo, bpm)
        row["beat_f"] = beat_f_measure(reference_beats or (), beats)
    return row


def summarise_rhythm(rows: list[dict]) -> dict:
    """Means over the rows of one method on one set.

    Parameters
    ----------
    rows : list of dict
        ``score_rhythm`` rows with a ``seconds`` key (time the method took).

    Returns
    -------
    dict
        ``n`` and ``seconds_per_clip``; ``acc1``, ``acc2`` and ``beat_f`` over the rows with a
        reference tempo; ``meter_n``, ``meter_n_triple`` and ``meter_always4`` over the rows with a
        reference meter, and, when the method estimates meter, ``meter_acc``,
        ``meter_triple_recall`` (None without triple references) and ``meter_false_triple``.
    """
    out = {"n": len(rows), "seconds_per_clip": float(np.mean([r["seconds"] for r in rows]))}
    timed = [r for r in rows if "acc1" in r]
    if timed:
        for key in ("acc1", "acc2", "beat_f"):
            out[key] = float(np.mean([r[key] for r in timed]))
    metered = [r for r in rows if r["meter_ref"] is not None]
    if metered:
        out["meter_n"] = len(metered)
        out["meter_n_triple"] = sum(r["meter_ref"] == 3 for r in metered)
        out["meter_always4"] = float(np.mean([r["meter_ref"] == 4 for r in metered]))
        if metered[0]["meter_est"] is not None:
            out["meter_acc"] = float(np.mean([r["meter_est"] == r["meter_ref"] for r in metered]))
            out["meter_triple_recall"] = (
                float(np.mean([r["meter_est"] == 3 for r in metered if r["meter_ref"] == 3]))
                if out["meter_n_triple"] else None
            )
            out["meter_false_triple"] = sum(r["meter_est"] == 3 and r["meter_ref"] == 4 for r in metered)
    return out
