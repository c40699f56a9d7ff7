"""Cross-validation reports: a markdown page with the papers' tables and PNG figures beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from dancekit.evaluation.crossval import METRICS, CrossValidation
from dancekit.fileio import atomic_write_text, make_folder, save_figure


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def plot_confusion(matrix: np.ndarray, classes: Sequence[str], path: Path, title: str) -> Path:
    """A confusion matrix as a PNG, each cell labelled with its count.

    Parameters
    ----------
    matrix : np.ndarray
        ``[classes, classes]`` counts, rows true.
    classes : sequence of str
        Axis labels.
    path : Path
        The PNG to write (atomically).
    title : str
        Figure title.

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib  # heavy: imported only when a figure is drawn; pyplot must come after use("Agg")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(classes), 0.6 + 0.5 * len(classes)), dpi=110)
    ax.imshow(matrix, cmap="Blues")
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                color="white" if v > matrix.max() / 2 else "black")
    ax.set_xticks(range(len(classes)), classes, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    ax.set_xlabel("predicted"), ax.set_ylabel("true"), ax.set_title(title, fontsize=9)
    return save_figure(fig, path)


def plot_loss_curves(cv: CrossValidation, path: Path) -> Path:
    """Training and validation loss, and validation accuracy, per epoch of every fold, as a PNG.

    Parameters
    ----------
    cv : CrossValidation
        Folds with their training history.
    path : Path
        The PNG to write.

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib  # heavy: imported only when a figure is drawn; pyplot must come after use("Agg")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6), dpi=110)
    for k, fold in enumerate(cv.folds):
        hist = fold["training"]["history"]
        epochs = [h["epoch"] for h in hist]
        ax_loss.plot(epochs, [h["train_loss"] for h in hist], color="tab:blue", alpha=0.5, lw=1,
                     label="training" if k == 0 else None)
        ax_loss.plot(epochs, [h["val_loss"] for h in hist], color="tab:orange", alpha=0.5, lw=1,
                     label="validation" if k == 0 else None)
        ax_acc.plot(epochs, [h["val_segment_accuracy"] for h in hist], color="tab:green", alpha=0.5, lw=1)
    ax_loss.set_xlabel("epoch"), ax_loss.set_ylabel("loss (NLL)"), ax_loss.legend(fontsize=8)
    ax_acc.set_xlabel("epoch"), ax_acc.set_ylabel("validation segment accuracy")
    fig.suptitle(f"{cv.recipe.name} / {cv.recipe.architecture}: every fold", fontsize=9)
    return save_figure(fig, path)


def comparison_table(results: dict[str, CrossValidation]) -> str:
    """One row per model: mean +- std over folds of each accuracy, in percent.

    Parameters
    ----------
    results : dict
        Model name -> its :class:`CrossValidation`.

    Returns
    -------
    str
        A markdown table.
    """
    lines = ["| model | folds | " + " | ".join(m.replace("_", " ") for m in METRICS) + " | segments/s (train) |",
             "|---|---|" + "---|" * (len(METRICS) + 1)]
    for name, cv in results.items():
        s = cv.summary()
        speed = np.mean([f["training"]["segments_per_second"] for f in cv.folds])
        cells = [f"{_pct(s[m]['mean'])} +- {_pct(s[m]['std'])}" for m in METRICS]
        lines.append(f"| {name} | {len(cv.folds)} | " + " | ".join(cells) + f" | {speed:.0f} |")
    return "\n".join(lines)


def write_report(results: dict[str, CrossValidation], out_dir: str | Path, title: str, data_note: str,
                 extra_rows: str = "") -> Path:
    """``report.md`` with the comparison table, per-class scores and figures of every model.

    Parameters
    ----------
    results : dict
        Model name -> its :class:`CrossValidation`.
    out_dir : str or Path
        Where ``report.md`` and the PNGs go (created).
    title : str
        The report's heading.
    data_note : str
        A paragraph on the data, under the heading.
    extra_rows : str
        Markdown rows appended to the comparison table (models that are not a ``CrossValidation``, such
        as the SVM).

    Returns
    -------
    Path
        The markdown file.
    """
    out_dir = make_folder(out_dir)
    parts = [f"# {title}", "", data_note, "", comparison_table(results) + extra_rows, ""]
    for name, cv in results.items():
        conf = plot_confusion(cv.pooled_confusion(), cv.classes, out_dir / f"{name}_confusion.png",
                              f"{name}: recording level, all test folds pooled")
        curves = plot_loss_curves(cv, out_dir / f"{name}_curves.png")
        parts += [f"## {name}", "", f"Recipe: {cv.recipe.source or cv.recipe.name}", "",
                  "| class | precision | recall | F | n |", "|---|---|---|---|---|"]
        parts += [f"| {r['class']} | {_pct(r['precision'])} | {_pct(r['recall'])} | {_pct(r['f_score'])} | "
                  f"{r['support']} |" for r in cv.per_class()]
        parts += ["", f"![confusion]({conf.name}) ![curves]({curves.name})", ""]
    return atomic_write_text(out_dir / "report.md", "\n".join(parts))
