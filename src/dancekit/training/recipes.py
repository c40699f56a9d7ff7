"""The papers' training recipes as data: one place says how each network is trained.

A recipe names the front end, the network, how long a training example is, how batches are
drawn, the optimiser and schedule, and how the best epoch is chosen. ``RECIPES`` holds the
three papers' settings; ``dataclasses.replace`` makes variants (e.g. fewer epochs on a CPU).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TrainingRecipe:
    """How one network is trained and evaluated on spectrogram segments, kept as data so cards can record it.

    Parameters
    ----------
    name : str
        The recipe's name (a key of ``RECIPES`` for the papers' own).
    frontend : str
        A key of ``dancekit.features.PRESETS``.
    architecture : str
        The network to build.
    architecture_args : dict
        Extra arguments of the network's builder.
    segment_frames : int
        Frames in one training and evaluation segment.
    eval_stride : int
        Hop between the evaluation segments of a recording, in frames.
    sampling : {"balanced_crops", "all_segments"}
        Random crops of class-balanced recordings, or every training segment once per epoch.
    batch_size : int
        Segments per batch.
    learning_rate : float
        Adam's learning rate.
    weight_decay : float
        Adam's weight decay.
    max_epochs : int
        Epochs at most.
    batches_per_epoch : int or None
        Batches in one epoch of ``"balanced_crops"``.
    plateau_patience : int or None
        Epochs without a lower validation loss before the learning rate falls; None keeps it.
    plateau_factor : float
        What the learning rate is multiplied by on a plateau.
    early_stop_patience : int or None
        Epochs without a better validation score before training stops; None never stops early.
    select_by : {"val_segment_accuracy", "val_loss"}
        The figure that picks the best epoch.
    source : str
        Where in the paper the settings come from.
    """

    name: str
    frontend: str  # a key of dancekit.features.PRESETS
    architecture: str
    architecture_args: dict[str, Any] = field(default_factory=dict)
    segment_frames: int = 224
    eval_stride: int = 200  # hop between evaluation segments of a recording
    sampling: str = "balanced_crops"  # or "all_segments": one epoch = every training segment once
    batch_size: int = 8
    learning_rate: float = 5e-4
    weight_decay: float = 0.0
    max_epochs: int = 100
    batches_per_epoch: int | None = 20  # for "balanced_crops"
    plateau_patience: int | None = None  # ReduceLROnPlateau on the validation loss
    plateau_factor: float = 0.5
    early_stop_patience: int | None = None  # epochs without a better validation score
    select_by: str = "val_segment_accuracy"  # or "val_loss"
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain data, for a model card.

        Returns
        -------
        dict
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainingRecipe":
        """Read back :meth:`to_dict`'s output; unknown keys (from other versions) are ignored.

        Parameters
        ----------
        data : dict
            Field names and values.

        Returns
        -------
        TrainingRecipe
        """
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


DANCE_CNN = TrainingRecipe(
    name="dance_cnn", frontend="dance_cnn_mel", architecture="resnet18", segment_frames=224, eval_stride=200,
    sampling="balanced_crops", batch_size=8, learning_rate=5e-4, max_epochs=100, batches_per_epoch=20,
    early_stop_patience=20, select_by="val_segment_accuracy",
    source="paper 1 III-B: class-balanced recording, random 224-frame crop, batch 8, Adam 5e-4, NLL, "
           "epochs of 20 batches, best epoch by segment-level validation accuracy")

BBNN = TrainingRecipe(
    name="bbnn", frontend="bbnn_mel", architecture="bbnn", segment_frames=647, eval_stride=647,
    sampling="all_segments", batch_size=8, learning_rate=0.01, max_epochs=100, batches_per_epoch=None,
    plateau_patience=3, plateau_factor=0.5, early_stop_patience=10, select_by="val_loss",
    source="paper 2 4.1: whole 30 s clip (647 x 128 mel), Adam 0.01, batch 8, up to 100 epochs, "
           "learning rate x0.5 after 3 epochs without improvement, early stopping")

PRCNN = TrainingRecipe(
    name="prcnn", frontend="prcnn_stft", architecture="prcnn", architecture_args={"fusion": "concat"},
    segment_frames=128, eval_stride=64, sampling="all_segments", batch_size=32, learning_rate=1e-3,
    max_epochs=60, batches_per_epoch=None, plateau_patience=3, early_stop_patience=10, select_by="val_loss",
    source="paper 3 4.2: 3 s clips (128 STFT frames x 513 bins) with 50 % overlap; the paper gives no "
           "optimiser, so Adam 1e-3, batch 32, the same schedule as BBNN")

RECIPES: dict[str, TrainingRecipe] = {r.name: r for r in (DANCE_CNN, BBNN, PRCNN)}


def get_recipe(recipe_name: str, /, **overrides: Any) -> TrainingRecipe:
    """A named recipe, optionally with some fields changed (``architecture="densenet161"``, ``name=...``).

    Parameters
    ----------
    recipe_name : str
        A key of ``RECIPES``.
    **overrides
        Fields to change.

    Returns
    -------
    TrainingRecipe

    Raises
    ------
    ValueError
        The name is not a known recipe.
    """
    try:
        recipe = RECIPES[recipe_name]
    except KeyError:
        raise ValueError(f"unknown recipe {recipe_name!r}; choose from {', '.join(RECIPES)}") from None
    return dataclasses.replace(recipe, **overrides) if overrides else recipe
