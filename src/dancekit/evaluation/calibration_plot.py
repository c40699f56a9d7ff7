"""Reliability diagrams: how sure the model said it was against how often it was right, bin by bin."""

from __future__ import annotations

from pathlib import Path

from dancekit.fileio import save_figure


def reliability_diagram(panels: dict[str, list[dict]], path: str | Path) -> Path:
    """One panel per set: bars of accuracy per confidence bin beside the diagonal of perfect calibration.

    Parameters
    ----------
    panels : dict
        Title -> bins of :func:`dancekit.evaluation.calibration.reliability_bins`.
    path : path
        PNG to write.

    Returns
    -------
    Path
    """
    import matplotlib  # heavy: imported only when a figure is drawn; pyplot must come after use("Agg")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.6), squeeze=False)
    for ax, (title, bins) in zip(axes[0], panels.items()):
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        ax.bar([(b["low"] + b["high"]) / 2 for b in bins], [b["accuracy"] for b in bins],
               width=[b["high"] - b["low"] for b in bins], edgecolor="black", alpha=0.7)
        for b in bins:
            ax.text((b["low"] + b["high"]) / 2, 0.02, str(b["count"]), ha="center", fontsize=7)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("top probability")
        ax.set_ylabel("share right")
        ax.set_title(title, fontsize=9)
    return save_figure(fig, path, dpi=110)
