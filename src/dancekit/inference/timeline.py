"""The per-segment timeline of paper 1 (Figs. 1, 5-7) as a PNG.

Each segment is a column whose colours stack the class probabilities; the bar on the
right is the recording-level mean, so one glance shows both where the music is ambiguous
(intros, bridges) and what the answer is.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dancekit.fileio import atomic_write

from dancekit.inference.result import IdentifyResult


def class_colours(n: int) -> list:
    """One matplotlib colour per class (tab10, or tab20 beyond ten classes), as the plots use.

    Parameters
    ----------
    n : int
        Number of classes.

    Returns
    -------
    list of tuple
        RGBA colours.
    """
    import matplotlib  # heavy: imported only when colours are asked for (lazy.load is not thread-safe on 3.11)

    cmap = matplotlib.colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def plot_timeline(result: IdentifyResult, path: str | os.PathLike, title: str | None = None) -> None:
    """Write the timeline of ``result`` to ``path`` (PNG), atomically.

    Parameters
    ----------
    result : IdentifyResult
        The identification to draw.
    path : str or os.PathLike
        Output PNG file.
    title : str, optional
        Figure title; default the file name and the answer.
    """
    import matplotlib  # heavy: imported only when a figure is drawn; pyplot must come after use("Agg")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    probs = np.asarray(result.segment_probabilities)
    starts = np.asarray(result.segment_starts_s)
    colours = class_colours(len(result.classes))
    fig, (ax, ax_mean) = plt.subplots(
        1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [12, 1], "wspace": 0.05}, sharey=True
    )
    if len(probs):
        widths = np.diff(np.append(starts, starts[-1] + result.segment_length_s))
        widths = np.minimum(widths, result.segment_length_s)
        bottom = np.zeros(len(probs))
        for c, name in enumerate(result.classes):
            ax.bar(starts, probs[:, c], width=widths, bottom=bottom, align="edge", color=colours[c], label=name,
                   edgecolor="white", linewidth=0.3)
            bottom += probs[:, c]
        ax.set_xlim(0, max(result.duration_s, starts[-1] + result.segment_length_s))
    ax.set_ylim(0, 1)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("segment probability")
    bottom = 0.0
    for c in range(len(result.classes)):
        ax_mean.bar([0], [result.probabilities[c]], bottom=bottom, color=colours[c], width=0.8)
        bottom += float(result.probabilities[c])
    ax_mean.set_xticks([0], ["mean"])
    heading = title or f"{Path(result.source).name}: {result.describe()}"
    if result.rhythm is not None:
        heading += f"  |  {result.rhythm.describe()}"
    fig.suptitle(heading, fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=min(5, len(result.classes)), fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=0.3, top=0.88, left=0.06, right=0.98)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    plt.close(fig)
