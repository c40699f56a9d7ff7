"""Tables of the step-generator evaluation (paper 5, Tables III-V) from its per-song rows.

The rows come from :func:`dancekit.evaluation.step_evaluation.evaluate_step_models`; each holds one
song, one method (the dancer or a model) and one listening condition. Numpy only, so shipping a
model (which records :func:`held_out_summary` in its card) needs no audio or plotting libraries.
"""

from __future__ import annotations

import numpy as np


def mean_or_none(values) -> float | None:
    """The mean of the values that are not None, or None where there are none.

    Parameters
    ----------
    values : iterable of float or None

    Returns
    -------
    float or None
    """
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def held_out_summary(rows: list[dict], method: str) -> dict:
    """Mean F-score, its chance floor, motion beats per minute and BAS of one method on held-out songs.

    Parameters
    ----------
    rows : list of dict
        Evaluation rows (``method``, ``condition``, ``trained``, ``f_score``, ``f_chance``,
        ``motion_beats``, ``seconds``, ``bas``).
    method : str
        ``Dancer`` or a model's label (``S2S``, ``S2S-MC``).

    Returns
    -------
    dict
        Per condition: ``songs``, ``f_score``, ``f_chance``, ``motion_beats_per_min``, ``bas``.
    """
    out = {}
    for condition in sorted({r["condition"] for r in rows if r["method"] == method}):
        part = [r for r in rows if r["method"] == method and r["condition"] == condition and not r["trained"]]
        if part:
            out[condition] = {"songs": len(part), "f_score": mean_or_none([r["f_score"] for r in part]),
                              "f_chance": mean_or_none([r["f_chance"] for r in part]),
                              "motion_beats_per_min": mean_or_none([60 * r["motion_beats"] / r["seconds"]
                                                                    for r in part]),
                              "bas": mean_or_none([r["bas"] for r in part])}
    return out


def _cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def step_report_markdown(rows: list[dict], conditions: list[str]) -> str:
    """Tables like the paper's: F-score (%) per method and condition, trained* / untrained songs, per dance.

    Parameters
    ----------
    rows : list of dict
        Evaluation rows.
    conditions : list of str
        The listening conditions, in column order.

    Returns
    -------
    str
        The report as markdown.
    """
    methods = list(dict.fromkeys(r["method"] for r in rows))
    lines = ["# Dance-step generation: motion beat vs music beat", "",
             "F-score (%) of motion beats against the music beats of `dancekit.rhythm` (70 ms window); "
             "chance: the F-score of the same motion beats shifted in time (what their density alone scores); "
             "BAS: AIST++ beat-alignment score; CE: cross entropy of generated vs dancer motion (nats, lower is "
             "closer). * = songs the models were trained on. Conditions: clean music, white noise, claps and "
             "crowd noise at 20 dB SNR.", ""]
    for trained in (True, False):
        subset = [r for r in rows if r["trained"] == trained]
        if not subset:
            continue
        lines += [f"## {'Trained songs*' if trained else 'Untrained (held-out) songs'}", ""]
        for dance in ["all"] + sorted({r["dance"] for r in subset}):
            part = [r for r in subset if dance == "all" or r["dance"] == dance]
            n_songs = len({r["song"] for r in part})
            lines += [f"### {dance} ({n_songs} songs)", "",
                      "| method | " + " | ".join(f"F {c}" for c in conditions)
                      + " | F chance (clean) | beats/min (clean) | BAS clean | CE clean |",
                      "|---|" + "---|" * (len(conditions) + 4)]
            for m in methods:
                cells = []
                for c in conditions:
                    v = mean_or_none([r["f_score"] for r in part if r["method"] == m and r["condition"] == c])
                    cells.append(_cell(None if v is None else 100 * v, ".2f"))
                clean = [r for r in part if r["method"] == m and r["condition"] == "clean"]
                chance = mean_or_none([r["f_chance"] for r in clean])
                rate = mean_or_none([60 * r["motion_beats"] / r["seconds"] for r in clean])
                cells += [_cell(None if chance is None else 100 * chance, ".2f"), _cell(rate, ".0f"),
                          _cell(mean_or_none([r["bas"] for r in clean]), ".3f"),
                          _cell(mean_or_none([r["cross_entropy"] for r in clean]), ".3f")]
                lines.append(f"| {m} | " + " | ".join(cells) + " |")
            lines.append("")
    return "\n".join(lines)
