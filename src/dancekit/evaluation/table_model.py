"""A shippable model from a cross-validated table network: the same recipe trained once more on (almost) all data.

Cross-validation says how well a recipe does; the model a user gets is that recipe trained on 90 %
of the clips, with the test part of the table's first fold (10 %, one clip per class on GTZAN-mini)
choosing the epoch. Its card carries the cross-validated figures, which are the honest estimate:
the shipped network itself has no untouched test set left.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import torch

from dancekit.evaluation.crossval import build_classifier
from dancekit.evaluation.tables import DATASETS, PaperTable, make_folds, recipe_for
from dancekit.features import PRESETS
from dancekit.models.files import ModelCard, save_model
from dancekit.training.engine import fit
from dancekit.training.recipes import TrainingRecipe
from dancekit.training.spectrograms import compute_spectrograms

#: what the card says of the folds the figures come from
CV_PROTOCOL = "stratified 8/1/1, each clip tested once"


def cross_validation_summary(work: str | os.PathLike, model: str) -> dict:
    """The finished cross-validation figures of ``model`` in a table's work folder.

    Parameters
    ----------
    work : str or os.PathLike
        The work folder of ``evaluate`` (``recipes/genre_gtzan.py cv``).
    model : str
        The network's name in the table.

    Returns
    -------
    dict
        The ``summary`` of ``<work>/<model>/summary.json``.

    Raises
    ------
    FileNotFoundError
        When the model's cross-validation has not finished.
    """
    path = Path(work) / model / "summary.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run the cross-validation of {model} to the end first")
    return json.loads(path.read_text())["summary"]


def table_model_card(model: str, recipe: TrainingRecipe, classes: Sequence[str], *, name: str, task: str,
                     train_clips: int, validation_clips: int, best_epoch: int, seed: int, data_note: str,
                     n_folds: int, cv_summary: dict) -> ModelCard:
    """The card of a table network trained for shipping.

    Parameters
    ----------
    model : str
        The network's name in the table (``bbnn``, ...).
    recipe : TrainingRecipe
        Its recipe: architecture, front end, segment length and stride.
    classes : sequence of str
    name, task : str
        The model's name and task.
    train_clips, validation_clips : int
        Clips trained on, and clips that chose the epoch.
    best_epoch : int
    seed : int
        Seed of the folds and the training.
    data_note : str
        The data, in words (by name, not by a local path).
    n_folds : int
        Folds of the cross-validation whose figures the card reports.
    cv_summary : dict
        :func:`cross_validation_summary`.

    Returns
    -------
    ModelCard
    """
    return ModelCard(
        name=name, task=task, architecture=recipe.architecture, classes=list(classes),
        frontend=PRESETS[recipe.frontend].to_dict(), architecture_args=dict(recipe.architecture_args),
        segment_frames=recipe.segment_frames, default_stride=recipe.eval_stride,
        summary=f"{model} trained from scratch on {train_clips} real GTZAN clips",
        training={"recipe": recipe.to_dict(), "data": data_note, "train_clips": train_clips,
                  "validation_clips": validation_clips, "best_epoch": best_epoch, "seed": seed},
        metrics={"cross_validation": {"folds": n_folds, "protocol": CV_PROTOCOL, **cv_summary}})


def train_table_model(table: PaperTable, model: str, data: str | os.PathLike, work: str | os.PathLike,
                      out: str | os.PathLike, classes: Sequence[str], *, name: str, task: str, n_folds: int = 10,
                      seed: int = 0, device: str = "cpu", max_epochs: int | None = None, folders: bool = False,
                      data_note: str = "") -> Path:
    """Train ``model`` of ``table`` on all clips but the first fold's test part and write the model folder.

    Parameters
    ----------
    table : PaperTable
        The table whose dataset, split and network recipe are used.
    model : str
        The network's name in the table; its cross-validation in ``work`` must be finished.
    data : str or os.PathLike
        The dataset.
    work : str or os.PathLike
        The table's work folder (for the cross-validated figures).
    out : str or os.PathLike
        The model folder; a checkpoint there lets an interrupted run resume.
    classes : sequence of str
        The model's classes.
    name, task : str
        The model's name and task on its card.
    n_folds, seed : int
        The folds (the same as the cross-validation's) and the training seed.
    device : str
    max_epochs : int, optional
        Overrides the recipe's.
    folders : bool
        Read ``data`` as a folder per class.
    data_note : str
        The data, in words, for the card.

    Returns
    -------
    Path
        The model folder.
    """
    summary = cross_validation_summary(work, model)
    recordings = DATASETS[table.dataset].recordings(data, folders=folders)
    recipe = recipe_for(model, max_epochs)
    folds = make_folds(table.split, recordings, data, n_folds, seed)
    val = list(folds[0].test)
    train = [i for i in range(len(recordings)) if i not in set(val)]
    spectrograms = compute_spectrograms(recordings, recipe.frontend, classes, device)
    torch.manual_seed(seed)
    network = build_classifier(recipe, len(classes))
    checkpoint = Path(out) / "checkpoint.pt"
    trained = fit(network, recipe, spectrograms.subset(train), spectrograms.subset(val), checkpoint=checkpoint,
                  device=device, seed=seed)
    card = table_model_card(model, recipe, classes, name=name, task=task, train_clips=len(train),
                            validation_clips=len(val), best_epoch=trained.best_epoch, seed=seed,
                            data_note=data_note, n_folds=n_folds, cv_summary=summary)
    path = save_model(network.cpu(), card, out)
    checkpoint.unlink(missing_ok=True)
    return path
