"""Cross-validating a paper table on a copy of the dataset a user owns, resumably.

Running a table trains every missing fold of every model; a fold's ``result.json`` is written
atomically when it is done, so an interrupted run resumes where it stopped. ``evaluation.json`` in
the work folder records the recordings and folds the results belong to, so a later run on other
data or other folds is refused instead of mixing results; ``<model>/recipe.json`` does the same
per model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from tqdm import tqdm

from dancekit.audio import load
from dancekit.data.labels import LabelSet
from dancekit.data.recordings import Recording, label_counts
from dancekit.data.splits import IndexFold
from dancekit.errors import DancekitError
from dancekit.evaluation.crossval import fold_metrics, load_cross_validation, run_fold
from dancekit.evaluation.tables import (DATASETS, SVM, EvaluationInputError, PaperTable, make_folds, parse_folds,
                                        recipe_for, select_models, track_key)
from dancekit.features import handcrafted_features
from dancekit.fileio import atomic_write, atomic_write_text
from dancekit.models.svm_baseline_network import fit_svm
from dancekit.training.recipes import TrainingRecipe
from dancekit.training.spectrograms import compute_spectrograms


@dataclass
class PreparedData:
    """A table's recordings and folds, checked against the work folder they are written to.

    Parameters
    ----------
    table : PaperTable
        The table being reproduced.
    recordings : list of Recording
        The dataset as read.
    classes : LabelSet
        Its classes, in network output order.
    folds : list of IndexFold
        The folds, as positions into ``recordings``.
    work : Path
        The work folder.
    facts : dict
        What ``evaluation.json`` records (counts, hashes of data and folds).
    """

    table: PaperTable
    recordings: list[Recording]
    classes: LabelSet
    folds: list[IndexFold]
    work: Path
    facts: dict


def _sha(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def prepare(table: PaperTable, data: str | Path, work: str | Path, *, folders: bool = False,
            n_folds: int | None = None, seed: int = 0) -> PreparedData:
    """Read the dataset, make the folds, and record them in (or check them against) ``work/evaluation.json``.

    Parameters
    ----------
    table : PaperTable
        Which dataset and split.
    data : str or Path
        The user's copy of the dataset.
    work : str or Path
        The work folder; one holding results of other data or folds is an ``EvaluationInputError``.
    folders : bool
        Read ``data`` as a folder per class instead of the public layout.
    n_folds : int, optional
        Folds of a stratified split (default: the table's).
    seed : int
        Seeds a stratified split.

    Returns
    -------
    PreparedData
    """
    adapter = DATASETS[table.dataset]
    try:
        recordings = adapter.recordings(data, folders=folders)
        classes = adapter.label_set(recordings)
        folds = make_folds(table.split, recordings, data, n_folds, seed)
    except EvaluationInputError:
        raise
    except DancekitError as err:  # layout, labels, too few recordings for the folds: all bad input here
        raise EvaluationInputError(str(err)) from None
    facts = {
        "dataset": adapter.name, "layout": "folder per class" if folders else adapter.layout, "split": table.split,
        "folds": len(folds), "seed": seed, "classes": list(classes), "recordings": len(recordings),
        "class_counts": label_counts(recordings),
        "data_sha256": _sha(sorted(f"{track_key(r)}\t{r.group}\t{r.label}" for r in recordings)),
        "folds_sha256": _sha([" ".join(map(str, side)) for f in folds for side in (f.train, f.validation, f.test)]),
    }
    if table.split == "extended-ballroom-published":
        facts["published_fold_leaks"] = _published_leaks(recordings, folds)
    work = Path(work)
    manifest = work / "evaluation.json"
    if manifest.is_file():
        old = json.loads(manifest.read_text())
        changed = [k for k in ("data_sha256", "folds_sha256", "classes") if old.get(k) != facts[k]]
        if changed:
            raise EvaluationInputError(
                f"{work} holds results of other {'data' if 'data_sha256' in changed else 'folds'} "
                f"({old.get('recordings')} recordings, {old.get('folds')} folds, seed {old.get('seed')}); "
                "use another --work folder")
    else:
        work.mkdir(parents=True, exist_ok=True)
        atomic_write_text(manifest, json.dumps(facts, indent=1) + "\n")
    return PreparedData(table, recordings, classes, folds, work, facts)


def _published_leaks(recordings: list[Recording], folds: list[IndexFold]) -> int:
    """Test recordings whose artist/duplicate group is also trained on (the published lists' own rule differs)."""
    leaks = 0
    for fold in folds:
        trained = {recordings[i].group for i in fold.train}
        leaks += sum(recordings[i].group in trained for i in fold.test)
    return leaks


def _check_recipe(model_dir: Path, recipe: TrainingRecipe) -> None:
    """Keep one recipe per model folder: folds trained for 1 epoch must not be pooled with 100-epoch ones."""
    stored = model_dir / "recipe.json"
    if stored.is_file():
        old = json.loads(stored.read_text())
        if old != recipe.to_dict():
            diff = sorted(k for k in set(old) | set(recipe.to_dict()) if old.get(k) != recipe.to_dict().get(k))
            raise EvaluationInputError(
                f"{model_dir} was trained with another recipe ({', '.join(diff)}: {old.get(diff[0])!r} there, "
                f"{recipe.to_dict().get(diff[0])!r} now); use the same --max-epochs or another --work folder")
    else:
        model_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(stored, json.dumps(recipe.to_dict(), indent=1) + "\n")


def stored_recipe(work: Path, name: str) -> TrainingRecipe:
    """The recipe a model folder was trained with (its defaults for folders written before recipe.json).

    Parameters
    ----------
    work : Path
        The table's work folder.
    name : str
        The model (its sub-folder).

    Returns
    -------
    TrainingRecipe
    """
    stored = work / name / "recipe.json"
    return TrainingRecipe.from_dict(json.loads(stored.read_text())) if stored.is_file() else recipe_for(name)


def _done(model_dir: Path, k: int) -> bool:
    return (model_dir / f"fold{k:02d}" / "result.json").is_file()


def run_network(prep: PreparedData, name: str, selected: Sequence[int], *, device: str = "cpu", seed: int = 0,
                max_epochs: int | None = None, progress: bool | None = None, cache: dict | None = None,
                log: Callable[[str], None] = print) -> None:
    """Train and test ``name`` on every selected fold without a result yet; summary.json once all are done.

    Parameters
    ----------
    prep : PreparedData
        From :func:`prepare`.
    name : str
        A network model of ``MODELS``.
    selected : sequence of int
        0-based folds to run.
    device : str
        Torch device.
    seed : int
        Fold ``k`` trains with ``seed + k``.
    max_epochs : int, optional
        Shorten training (a different recipe: a work folder holds one recipe per model).
    progress : bool, optional
        Progress bars (default: when stderr is a terminal).
    cache : dict, optional
        Front end name -> spectrograms, shared between models of one run.
    log : callable
        Where the per-fold lines go.
    """
    recipe = recipe_for(name, max_epochs)
    model_dir = prep.work / name
    _check_recipe(model_dir, recipe)
    missing = [k for k in selected if not _done(model_dir, k)]
    if missing:
        cache = {} if cache is None else cache
        if recipe.frontend not in cache:
            recs = prep.recordings
            if prep.table.split == "extended-ballroom-published":  # leaks are counted, not refused: see facts
                recs = [dataclasses.replace(r, group=track_key(r)) for r in recs]
            bar = lambda it: tqdm(it, desc=f"{recipe.frontend} spectrograms", unit="clip", leave=False,  # noqa: E731
                                  file=sys.stderr, disable=None if progress is None else not progress)
            cache[recipe.frontend] = compute_spectrograms(recs, recipe.frontend, list(prep.classes), device, bar)
        data = cache[recipe.frontend]  # a recording shorter than a segment gives one looped segment
        for k in missing:
            fold = prep.folds[k]
            done = run_fold(recipe, data, (fold.train, fold.validation, fold.test),
                            model_dir / f"fold{k:02d}", device, seed + k,
                            progress=sys.stderr.isatty() if progress is None else progress, checkpoint_every_s=60)
            log(f"{name} fold {k}: " + ", ".join(f"{m} {v:.3f}" for m, v in done["metrics"].items()))
    if all(_done(model_dir, k) for k in range(len(prep.folds))):
        cv = load_cross_validation(recipe, list(prep.classes), model_dir)
        atomic_write_text(model_dir / "summary.json", json.dumps(cv.to_dict()) + "\n")
        s = cv.summary()["recording_top1"]
        log(f"{name}: recording top-1 {s['mean']:.3f} +- {s['std']:.3f} over {len(prep.folds)} folds")


def _save_array(path: str, array: np.ndarray) -> None:
    with open(path, "wb") as handle:  # a file object: np.save would add ".npy" to a temporary name
        np.save(handle, array)


def _svm_scores(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, n_classes: int, k: int) -> np.ndarray:
    """One-vs-rest scores ``[n_test, n_classes]`` (enough for top-k); a class absent from training (a subset
    of a dataset) gets a score below every other, so it is never predicted rather than failing the fold."""
    present = np.unique(train_y)
    if len(present) < 2:
        raise EvaluationInputError(f"fold {k} trains on a single class; the SVM needs two (more recordings?)")
    svm = fit_svm(train_x, np.searchsorted(present, train_y), n_classes=len(present))
    scores = svm.decision_function(test_x)
    if scores.ndim == 1:  # two classes: scikit-learn gives one signed score
        scores = np.stack([-scores, scores], axis=1)
    full = np.full((len(test_x), n_classes), scores.min() - 1.0)
    full[:, present] = scores
    return full


def run_svm(prep: PreparedData, selected: Sequence[int], *, progress: bool | None = None,
            log: Callable[[str], None] = print) -> None:
    """The RBF SVM on the 72-d hand-crafted features, on the same folds; features cached in ``svm/features.npy``.

    Parameters
    ----------
    prep : PreparedData
        From :func:`prepare`.
    selected : sequence of int
        0-based folds to run.
    progress : bool, optional
        Progress bar of the feature extraction.
    log : callable
        Where the per-fold lines go.
    """
    out = prep.work / SVM
    missing = [k for k in selected if not _done(out, k)]
    if not missing:
        return
    out.mkdir(parents=True, exist_ok=True)
    cached = out / "features.npy"
    features = np.load(cached) if cached.is_file() else None
    if features is None or len(features) != len(prep.recordings):
        recs = tqdm(prep.recordings, desc="hand-crafted features", unit="clip", leave=False, file=sys.stderr,
                    disable=None if progress is None else not progress)
        features = np.stack([handcrafted_features(load(r.path, sr=22050)) for r in recs])
        atomic_write(cached, lambda tmp: _save_array(tmp, features))
    labels = np.asarray(prep.classes.targets(prep.recordings))
    for k in missing:
        fold = prep.folds[k]
        train, test = np.asarray(fold.train), np.asarray(fold.test)
        scores = _svm_scores(features[train], labels[train], features[test], len(prep.classes), k)
        result = {"metrics": fold_metrics(scores, labels[test], scores, labels[test]),
                  "test_groups": [prep.recordings[i].group for i in test], "test_labels": labels[test].tolist(),
                  "test_recording_probs": np.round(scores, 5).tolist()}
        (out / f"fold{k:02d}").mkdir(exist_ok=True)
        atomic_write_text(out / f"fold{k:02d}" / "result.json", json.dumps(result) + "\n")
        log(f"{SVM} fold {k}: " + ", ".join(f"{m} {v:.3f}" for m, v in result["metrics"].items()))


def evaluate(table: PaperTable, data: str | Path, work: str | Path, *, models: str | Sequence[str] | None = None,
             only_folds: str | Sequence[int] | None = None, n_folds: int | None = None, seed: int = 0,
             device: str = "cpu", max_epochs: int | None = None, folders: bool = False,
             progress: bool | None = None, log: Callable[[str], None] = print) -> PreparedData:
    """Run every missing fold of every model of ``table`` (or of ``models``) on ``data``; results in ``work``.

    Parameters
    ----------
    table : PaperTable
        The table to reproduce.
    data, work, folders, n_folds, seed
        As for :func:`prepare`.
    models : str or sequence of str, optional
        Models to run instead of the table's rows (see :func:`~dancekit.evaluation.tables.select_models`).
    only_folds : str or sequence of int, optional
        Folds to run (see :func:`~dancekit.evaluation.tables.parse_folds`).
    device, max_epochs, progress, log
        As for :func:`run_network`.

    Returns
    -------
    PreparedData
    """
    names = select_models(table, models)
    prep = prepare(table, data, work, folders=folders, n_folds=n_folds, seed=seed)
    selected = parse_folds(only_folds, len(prep.folds))
    cache: dict = {}
    for name in names:
        if name == SVM:
            run_svm(prep, selected, progress=progress, log=log)
        else:
            run_network(prep, name, selected, device=device, seed=seed, max_epochs=max_epochs, progress=progress,
                        cache=cache, log=log)
    return prep
