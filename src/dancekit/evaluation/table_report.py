"""The markdown report of a paper table's cross-validation, from its work folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from dancekit.data.labels import GTZAN_GENRES
from dancekit.evaluation.crossval import load_cross_validation
from dancekit.evaluation.report import write_report
from dancekit.evaluation.table_runs import stored_recipe
from dancekit.evaluation.tables import MODELS, SPLITS, SVM, EvaluationInputError
from dancekit.training.recipes import TrainingRecipe


def svm_row(work: str | Path) -> str:
    """The SVM's line of the comparison table (it has no training curves, so it is not a CrossValidation).

    Parameters
    ----------
    work : str or Path
        The table's work folder.

    Returns
    -------
    str
        A markdown row (with its leading newline), or ``""`` when the SVM has no finished fold.
    """
    files = sorted((Path(work) / SVM).glob("fold*/result.json"))
    if not files:
        return ""
    metrics = [json.loads(f.read_text())["metrics"] for f in files]
    cells = []
    for m in ("segment_top1", "segment_top2", "recording_top1", "recording_top2"):
        values = [x[m] for x in metrics]
        cells.append(f"{100 * np.mean(values):.1f} +- {100 * np.std(values):.1f}")
    return f"\n| svm (72-d features, RBF) | {len(files)} | " + " | ".join(cells) + " | - |"


def data_facts(work: str | Path) -> str:
    """What the results were computed on, from ``evaluation.json`` and the stored recipes (empty if unknown).

    Parameters
    ----------
    work : str or Path
        The folder :func:`~dancekit.evaluation.table_runs.prepare` recorded ``evaluation.json`` in.

    Returns
    -------
    str
    """
    work = Path(work)
    manifest = work / "evaluation.json"
    if not manifest.is_file():
        return ""
    f = json.loads(manifest.read_text())
    counts = ", ".join(f"{c} {n}" for c, n in f["class_counts"].items())
    text = (f"Data: {f['recordings']} recordings ({f['layout']}; {counts}). Split: {SPLITS.get(f['split'], f['split'])}"
            f"; {f['folds']} fold(s), seed {f['seed']}.")
    if f.get("published_fold_leaks"):
        text += (f" The published folds test {f['published_fold_leaks']} recording(s) whose artist or duplicate "
                 "group is also trained on.")
    short = []
    for recipe_file in sorted(work.glob("*/recipe.json")):
        recipe = TrainingRecipe.from_dict(json.loads(recipe_file.read_text()))
        name = recipe_file.parent.name
        if name in MODELS and recipe.max_epochs != MODELS[name]().max_epochs:
            short.append(f"{name} at most {recipe.max_epochs} epoch(s)")
    if short:
        text += " Shortened training: " + ", ".join(short) + " (the papers' recipes train longer)."
    return text


def write_table_report(work: str | Path, out: str | Path, title: str, data_note: str,
                       models: Sequence[str] | None = None) -> Path:
    """``out/report.md`` from the finished folds under ``work`` of ``models`` (default: every known model).

    Parameters
    ----------
    work : str or Path
        The table's work folder.
    out : str or Path
        Where the report goes.
    title : str
        The report's heading.
    data_note : str
        A paragraph on the data under the heading (:func:`data_facts` writes one).
    models : sequence of str, optional
        Rows of the report; models without a finished fold are left out (none at all is an
        ``EvaluationInputError``).

    Returns
    -------
    Path
        The markdown file.
    """
    work = Path(work)
    names = list(MODELS) + [SVM] if models is None else list(models)
    manifest = work / "evaluation.json"
    classes = json.loads(manifest.read_text())["classes"] if manifest.is_file() else list(GTZAN_GENRES)
    results = {}
    for name in names:
        if name != SVM and any((work / name).glob("fold*/result.json")):
            results[name] = load_cross_validation(stored_recipe(work, name), classes, work / name)
    extra = svm_row(work) if SVM in names else ""
    if not results and not extra:
        raise EvaluationInputError(f"no finished folds under {work} (run the evaluation first)")
    return write_report(results, out, title, data_note, extra_rows=extra)
