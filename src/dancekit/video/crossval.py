"""Group-aware evaluation of frame classifiers: k-fold cross-validation and a held-out split.

One 80/20 split of a few hundred images says little (a handful of images decide several
points), so the robust figure is stratified k-fold cross-validation *by group*
(``sklearn.model_selection.StratifiedGroupKFold``): every group (a recording, a set of copies,
see :mod:`dancekit.video.near_duplicates`) is tested exactly once, by a network that never saw
it. Each fold is one :func:`dancekit.video.training.run_experiment` call on the "video" split
with that fold as validation side, so folds resume from their ``result.json`` like any run.

:func:`holdout_sides` is the split of a model that is shipped: whole groups, about
``val_fraction`` of each class's groups, but never a group that holds a large share of its class
(a recording that is most of a class's images would otherwise leave the model without it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from dancekit.evaluation.metrics import balanced_accuracy
from dancekit.models.video_cnn_network import build_video_cnn
from dancekit.video.datasets import DatasetError, FrameSet, group_split
from dancekit.video.training import RunResult, VideoRecipe, run_experiment


def group_folds(data: FrameSet, k: int = 5, seed: int = 0) -> np.ndarray:
    """Fold (0..k-1) of every image: stratified by class, whole groups per fold.

    Parameters
    ----------
    data : FrameSet
        The images; a video's group is what a fold keeps whole.
    k : int
        Number of folds.
    seed : int
        Shuffles the groups.

    Returns
    -------
    np.ndarray
        int ``[images]``.
    """
    groups = data.groups
    if len(set(groups)) < k:
        raise DatasetError(f"{k}-fold cross-validation needs at least {k} groups, found {len(set(groups))}")
    folds = np.full(len(data), -1, np.int64)
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(data)), data.labels, groups)):
        folds[test] = fold
    return folds


def fold_sides(data: FrameSet, folds: np.ndarray, fold: int) -> dict[str, str]:
    """Group -> "val" for the groups of ``fold``, "train" for the rest.

    Parameters
    ----------
    data : FrameSet
        The images.
    folds : np.ndarray
        From :func:`group_folds`.
    fold : int
        The validation fold.

    Returns
    -------
    dict
    """
    val = set(data.groups[folds == fold])
    return {g: ("val" if g in val else "train") for g in set(data.video_groups)}


def holdout_sides(data: FrameSet, val_fraction: float = 0.2, seed: int = 0, max_share: float = 0.1) -> dict[str, str]:
    """Group -> "train"/"val": ``group_split`` over the groups holding at most ``max_share`` of their class.

    Larger groups (recordings) always train; the held-out side is then whole independent photos.

    Parameters
    ----------
    data : FrameSet
        The images.
    val_fraction : float
        Share of the eligible groups of each class held out.
    seed : int
        Which groups.
    max_share : float
        Groups holding more than this share of their class's images always train.

    Returns
    -------
    dict
    """
    groups, labels = data.groups, data.labels
    per_class = np.bincount(labels, minlength=len(data.classes))
    size = {g: int(n) for g, n in zip(*np.unique(groups, return_counts=True))}
    small = np.array([size[g] <= max_share * per_class[y] for g, y in zip(groups, labels)])
    sides = {g: "train" for g in set(data.video_groups)}
    if small.any():
        sides.update(group_split(groups[small].tolist(), labels[small].tolist(), val_fraction, seed))
    if not any(s == "val" for s in sides.values()):
        raise DatasetError("no group small enough to hold out")
    return sides


def cross_validate(data: FrameSet, out_dir: str | Path, architectures: Sequence[str], recipe: VideoRecipe,
                   k: int = 5, seed: int = 0, device: str = "cpu", progress: bool = False,
                   ) -> tuple[dict[tuple[int, str], RunResult], np.ndarray]:
    """Train every architecture on every fold's complement; ``({(fold, arch): result}, folds)``.

    Parameters
    ----------
    data : FrameSet
        The images.
    out_dir : str or Path
        Fold ``i`` runs in ``out_dir/fold<i+1>`` (resumable).
    architectures : sequence of str
        Networks to train.
    recipe : VideoRecipe
        How to train.
    k, seed
        As for :func:`group_folds`.
    device : str
        Torch device.
    progress : bool
        Show progress bars.

    Returns
    -------
    results : dict
        ``(fold, architecture)`` -> :class:`RunResult`.
    folds : np.ndarray
        The fold of every image.
    """
    folds = group_folds(data, k, seed)
    results = {}
    for fold in range(k):
        runs = run_experiment(data, Path(out_dir) / f"fold{fold + 1}", architectures, ["video"], recipe, device,
                              progress=progress, video_sides=fold_sides(data, folds, fold))
        results.update({(fold, arch): res for (_, arch), res in runs.items()})
    return results, folds


def majority_baseline(train_labels: np.ndarray, val_labels: np.ndarray, n_classes: int) -> float:
    """Accuracy of always answering the training side's most frequent class.

    Parameters
    ----------
    train_labels : np.ndarray
        Classes of the training side.
    val_labels : np.ndarray
        Classes of the validation side.
    n_classes : int
        Number of classes.

    Returns
    -------
    float
    """
    majority = int(np.bincount(train_labels, minlength=n_classes).argmax())
    return float((np.asarray(val_labels) == majority).mean())


def run_scores(result: RunResult, data: FrameSet) -> dict:
    """Accuracy, balanced accuracy, baselines and sizes of one run's validation side.

    Two constant answers bound what "chance" means on an unbalanced validation side: the training
    side's most frequent class (the usual majority baseline) and, in hindsight, the validation
    side's own most frequent class (``largest_class_share``).

    Parameters
    ----------
    result : RunResult
        A finished run on ``data``.
    data : FrameSet
        The images it was trained and validated on.

    Returns
    -------
    dict
        ``accuracy``, ``balanced_accuracy``, ``majority_baseline``, ``largest_class_share``,
        ``val_images`` and ``val_per_class``.
    """
    val = np.asarray(result.val_frames)
    train = np.setdiff1d(np.arange(len(data)), val)
    truth = np.asarray(result.val_labels)
    predicted = np.asarray(result.val_probs).argmax(1)
    n = len(data.classes)
    return {"accuracy": float((predicted == truth).mean()), "balanced_accuracy": balanced_accuracy(predicted, truth),
            "majority_baseline": majority_baseline(data.labels[train], truth, n),
            "largest_class_share": float(np.bincount(truth, minlength=n).max() / len(truth)),
            "val_images": int(len(val)), "val_per_class": np.bincount(truth, minlength=n).tolist()}


def cv_summary(results: dict[tuple[int, str], RunResult], data: FrameSet) -> dict[str, dict]:
    """Per architecture: per-fold scores, mean +- std over folds, pooled accuracy over all images.

    Parameters
    ----------
    results : dict
        From :func:`cross_validate`.
    data : FrameSet
        The images.

    Returns
    -------
    dict
        Architecture -> ``folds`` (:func:`run_scores` each), means, standard deviations and pooled figures.
    """
    out = {}
    for arch in sorted({a for _, a in results}):
        folds = sorted(f for f, a in results if a == arch)
        scores = [run_scores(results[(f, arch)], data) for f in folds]
        pooled_pred = np.concatenate([np.asarray(results[(f, arch)].val_probs).argmax(1) for f in folds])
        pooled_true = np.concatenate([np.asarray(results[(f, arch)].val_labels) for f in folds])
        acc = np.array([s["accuracy"] for s in scores])
        bal = np.array([s["balanced_accuracy"] for s in scores])
        base = np.array([s["majority_baseline"] for s in scores])
        out[arch] = {"folds": scores, "mean_accuracy": float(acc.mean()), "std_accuracy": float(acc.std(ddof=1)),
                     "mean_balanced_accuracy": float(bal.mean()), "std_balanced_accuracy": float(bal.std(ddof=1)),
                     "mean_majority_baseline": float(base.mean()),
                     "mean_largest_class_share": float(np.mean([s["largest_class_share"] for s in scores])),
                     "pooled_accuracy": float((pooled_pred == pooled_true).mean()),
                     "pooled_balanced_accuracy": balanced_accuracy(pooled_pred, pooled_true),
                     "seconds": float(sum(results[(f, arch)].seconds for f in folds))}
    return out


def choose_architecture(summary: dict[str, dict], tolerance: float = 0.02) -> str:
    """Best mean cross-validated accuracy, but the smallest network within ``tolerance`` of it.

    A smaller file ships with the package and runs faster; 2 points is well inside the fold spread.

    Parameters
    ----------
    summary : dict
        From :func:`cv_summary`.
    tolerance : float
        Accuracy (0-1) a smaller network may lose and still be chosen.

    Returns
    -------
    str
    """
    best = max(s["mean_accuracy"] for s in summary.values())
    close = [a for a, s in summary.items() if s["mean_accuracy"] >= best - tolerance]
    return min(close, key=lambda a: sum(p.numel() for p in build_video_cnn(a, 2).parameters()))
