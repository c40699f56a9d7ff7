"""Bar charts of the step-generator evaluation: F-score per dance, method and listening condition.

Drawn on a bare :class:`matplotlib.figure.Figure` (no pyplot, no global backend switch), so a
report can be written from any thread or server process.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from dancekit.evaluation.step_report import mean_or_none
from dancekit.fileio import atomic_write


def plot_step_results(rows: list[dict], conditions: list[str], out: str | Path) -> list[Path]:
    """``fscore_trained.png`` and ``fscore_untrained.png`` in ``out``: one panel per dance.

    Parameters
    ----------
    rows : list of dict
        Evaluation rows (``trained``, ``dance``, ``method``, ``condition``, ``f_score``).
    conditions : list of str
        The listening conditions, in bar order.
    out : str or Path
        The report folder.

    Returns
    -------
    list of Path
        The images written (none for a group without rows).
    """
    methods = list(dict.fromkeys(r["method"] for r in rows))
    written = []
    for trained in (True, False):
        subset = [r for r in rows if r["trained"] == trained]
        if not subset:
            continue
        dances = sorted({r["dance"] for r in subset})
        fig = Figure(figsize=(4 * len(dances), 3.2))
        axes = fig.subplots(1, len(dances), squeeze=False, sharey=True)
        width = 0.8 / len(methods)
        for ax, dance in zip(axes[0], dances):
            for k, m in enumerate(methods):
                vals = [mean_or_none([r["f_score"] for r in subset if r["dance"] == dance and r["method"] == m
                                      and r["condition"] == c]) for c in conditions]
                ax.bar(np.arange(len(conditions)) + k * width, [100 * (v or 0) for v in vals], width, label=m)
            ax.set_xticks(np.arange(len(conditions)) + 0.4 - width / 2, conditions, rotation=30)
            ax.set_title(dance)
        axes[0][0].set_ylabel("F-score (%)")
        axes[0][-1].legend(fontsize=8)
        fig.tight_layout()
        name = "fscore_trained.png" if trained else "fscore_untrained.png"
        written.append(atomic_write(Path(out) / name, lambda tmp: fig.savefig(tmp, format="png", dpi=110)))
    return written
