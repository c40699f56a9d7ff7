"""k-fold cross-validation of a training recipe, resumable fold by fold.

Each fold trains with a checkpoint and writes its result file atomically when done, so an
interrupted run repeats at most one epoch. Accuracy is reported per segment and per
recording (mean softmax over its segments), top-1 and top-2, per fold and as mean +- std.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from dancekit.evaluation.metrics import confusion_matrix, per_class_scores, top_k_accuracy
from dancekit.features import PRESETS
from dancekit.fileio import atomic_write_text
from dancekit.models.files import ModelCard
from dancekit.models.registry import build_network
from dancekit.training.engine import fit, predict
from dancekit.training.recipes import TrainingRecipe
from dancekit.training.spectrograms import SpectrogramSet

Fold = tuple[Sequence[int], Sequence[int], Sequence[int]]  # train, validation, test recording indices
METRICS = ("segment_top1", "segment_top2", "recording_top1", "recording_top2")


def check_no_leak(data: SpectrogramSet, fold: Fold) -> None:
    """Refuse a fold whose sides share a recording group (segments of one song on both sides).

    Parameters
    ----------
    data : SpectrogramSet
        The recordings the fold indexes.
    fold : (train, validation, test)
        Recording indices of each side.
    """
    sides = [{data.groups[i] for i in side} for side in fold]
    shared = (sides[0] & sides[1]) | (sides[0] & sides[2]) | (sides[1] & sides[2])
    if shared:
        raise ValueError(f"split leaks: {len(shared)} group(s) on two sides, e.g. {sorted(shared)[0]}")


def build_classifier(recipe: TrainingRecipe, n_classes: int) -> torch.nn.Module:
    """A fresh, untrained network of the recipe's architecture, for ``n_classes`` classes.

    Parameters
    ----------
    recipe : TrainingRecipe
        Architecture, its arguments, front end and segment length.
    n_classes : int
        Output size.

    Returns
    -------
    torch.nn.Module
    """
    card = ModelCard(name=recipe.name, task="classify", architecture=recipe.architecture,
                     classes=[str(i) for i in range(n_classes)], frontend=PRESETS[recipe.frontend].to_dict(),
                     architecture_args=dict(recipe.architecture_args), segment_frames=recipe.segment_frames)
    return build_network(card)


def fold_metrics(segment_log_probs, segment_labels, recording_probs, labels) -> dict[str, float]:
    """Top-1 and top-2 accuracy per segment and per recording (the four ``METRICS``).

    Parameters
    ----------
    segment_log_probs : np.ndarray
        ``[segments, classes]`` network outputs.
    segment_labels : np.ndarray
        True class of each segment.
    recording_probs : np.ndarray
        ``[recordings, classes]`` mean softmax over each recording's segments.
    labels : np.ndarray
        True class of each recording.

    Returns
    -------
    dict
        Metric name -> accuracy in [0, 1].
    """
    return {"segment_top1": top_k_accuracy(segment_log_probs, segment_labels, 1),
            "segment_top2": top_k_accuracy(segment_log_probs, segment_labels, 2),
            "recording_top1": top_k_accuracy(recording_probs, labels, 1),
            "recording_top2": top_k_accuracy(recording_probs, labels, 2)}


def run_fold(recipe: TrainingRecipe, data: SpectrogramSet, fold: Fold, fold_dir: Path, device: str = "cpu",
             seed: int = 0, amp: bool = True, progress: bool = False, max_epochs: int | None = None,
             checkpoint_every_s: float = 0.0) -> dict:
    """Train on one fold (resuming from its checkpoint) and test; cached in ``fold_dir/result.json``.

    Parameters
    ----------
    recipe : TrainingRecipe
        How to train.
    data : SpectrogramSet
        Every recording's spectrogram.
    fold : (train, validation, test)
        Recording indices of each side; a group on two sides is refused.
    fold_dir : Path
        Holds the checkpoint while training and ``result.json`` after.
    device : str
        Torch device.
    seed : int
        Seeds the network's initial weights and the batch order.
    amp : bool
        Mixed precision on CUDA.
    progress : bool
        Show progress bars.
    max_epochs : int, optional
        Stop earlier than the recipe says (quick runs, tests).
    checkpoint_every_s : float
        Also checkpoint within an epoch every this many seconds (0: at epoch ends only).

    Returns
    -------
    dict
        ``metrics``, test groups, labels and recording probabilities, training history, ``seconds``
        and ``sizes``.
    """
    result_file = fold_dir / "result.json"
    if result_file.is_file():
        return json.loads(result_file.read_text())
    check_no_leak(data, fold)
    fold_dir.mkdir(parents=True, exist_ok=True)
    train, val, test = (data.subset(side) for side in fold)
    torch.manual_seed(seed)
    network = build_classifier(recipe, len(data.classes))
    start = time.perf_counter()
    trained = fit(network, recipe, train, val, checkpoint=fold_dir / "checkpoint.pt", device=device, seed=seed,
                  amp=amp, max_epochs=max_epochs, progress=progress, checkpoint_every_s=checkpoint_every_s)
    pred = predict(network, test, recipe.segment_frames, recipe.eval_stride, device, amp=amp)
    result = {
        "metrics": fold_metrics(pred.segment_log_probs, pred.segment_labels(), pred.recording_probs, pred.labels),
        "test_groups": list(test.groups), "test_labels": pred.labels.tolist(),
        "test_recording_probs": pred.recording_probs.round(5).tolist(),
        "training": trained.to_dict(), "seconds": time.perf_counter() - start,
        "sizes": {"train": len(train), "val": len(val), "test": len(test)},
    }
    atomic_write_text(result_file, json.dumps(result) + "\n")
    (fold_dir / "checkpoint.pt").unlink(missing_ok=True)
    return result


@dataclass
class CrossValidation:
    """The finished folds of one recipe, and the figures reports need.

    Parameters
    ----------
    recipe : TrainingRecipe
        What was trained.
    classes : list of str
        Class names, in network output order.
    folds : list of dict
        One :func:`run_fold` result per fold.
    """
    recipe: TrainingRecipe
    classes: list[str]
    folds: list[dict]

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean and standard deviation over the folds of each of the ``METRICS``.

        Returns
        -------
        dict
            Metric -> ``{"mean": ..., "std": ...}``.
        """
        return {m: {"mean": float(np.mean([f["metrics"][m] for f in self.folds])),
                    "std": float(np.std([f["metrics"][m] for f in self.folds]))} for m in METRICS}

    def pooled_confusion(self) -> np.ndarray:
        """Confusion matrix of the recordings of every fold's test side together.

        Returns
        -------
        np.ndarray
            ``[classes, classes]``, rows true.
        """
        labels = np.concatenate([f["test_labels"] for f in self.folds])
        predicted = np.concatenate([np.argmax(f["test_recording_probs"], axis=1) for f in self.folds])
        return confusion_matrix(predicted, labels, len(self.classes))

    def per_class(self) -> list[dict]:
        """Precision, recall and F-score of each class, from :meth:`pooled_confusion`.

        Returns
        -------
        list of dict
        """
        return per_class_scores(self.pooled_confusion(), self.classes)

    def to_dict(self) -> dict:
        """Summary, per-class scores, confusion and per-fold figures as a JSON-ready dict (no predictions).

        Returns
        -------
        dict
        """
        return {"recipe": self.recipe.to_dict(), "classes": self.classes, "summary": self.summary(),
                "per_class": self.per_class(), "confusion": self.pooled_confusion().tolist(),
                "folds": [{k: f[k] for k in ("metrics", "seconds", "sizes")} |
                          {"best_epoch": f["training"]["best_epoch"],
                           "segments_per_second": f["training"]["segments_per_second"],
                           "history": f["training"]["history"]} for f in self.folds]}


def cross_validate(recipe: TrainingRecipe, data: SpectrogramSet, folds: Sequence[Fold], out_dir: str | Path,
                   device: str = "cpu", seed: int = 0, amp: bool = True, progress: bool = False,
                   max_epochs: int | None = None) -> CrossValidation:
    """Run every fold (skipping those already done) and gather the results.

    Parameters
    ----------
    recipe, data
        As for :func:`run_fold`.
    folds : sequence of (train, validation, test)
        Recording indices of each side of each fold.
    out_dir : str or Path
        Fold ``k`` works in ``out_dir/foldKK``.
    device, amp, progress, max_epochs
        As for :func:`run_fold`.
    seed : int
        Fold ``k`` uses ``seed + k``.

    Returns
    -------
    CrossValidation
    """
    out_dir = Path(out_dir)
    results = [run_fold(recipe, data, fold, out_dir / f"fold{k:02d}", device, seed + k, amp, progress, max_epochs)
               for k, fold in enumerate(folds)]
    return CrossValidation(recipe, list(data.classes), results)


def load_cross_validation(recipe: TrainingRecipe, classes: Sequence[str], out_dir: str | Path) -> CrossValidation:
    """The finished folds of an earlier run (for reports written on another machine).

    Parameters
    ----------
    recipe : TrainingRecipe
        The recipe the folds were trained with.
    classes : sequence of str
        Class names, in network output order.
    out_dir : str or Path
        The folder :func:`cross_validate` wrote.

    Returns
    -------
    CrossValidation
        No finished fold is a ``FileNotFoundError``.
    """
    files = sorted(Path(out_dir).glob("fold*/result.json"))
    if not files:
        raise FileNotFoundError(f"no finished folds in {out_dir}")
    return CrossValidation(recipe, list(classes), [json.loads(f.read_text()) for f in files])
