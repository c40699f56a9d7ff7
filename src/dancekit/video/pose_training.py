"""Training the pose classifier (:class:`~dancekit.models.pose_classifier.PoseTCN`) on the one training loop.

An epoch is a fresh class-balanced draw of keypoint windows (random song, start frame and camera
for each, :func:`~dancekit.video.pose_sequences.random_windows`) seen once in shuffled batches: a
few dozen songs give endless distinct windows, so no two epochs repeat one. With validation
windows the epoch of the best balanced window recall is kept (the classes are unevenly
represented among the validation songs); without them, the last epoch.

Random draws come from three seeded sources, as they did before the loop existed, so a run gives
the same weights as the old stand-alone loop: the windows from a numpy generator, the batch order
from a torch generator, dropout from torch's global generator (carried through checkpoints by the
loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dancekit.evaluation.metrics import balanced_accuracy
from dancekit.models.pose_classifier import PoseTCN, predict_proba
from dancekit.records import PlainFields
from dancekit.training.loop import Evaluation, LoopSettings, TrainingPlan, run_training
from dancekit.video.pose_sequences import DEFAULT_WINDOW, FEATURE_CHANNELS, PoseSong, random_windows


@dataclass(frozen=True)
class PoseTrainingSettings(PlainFields):
    """The pose classifier's recipe (its dict is a checkpoint's signature).

    Parameters
    ----------
    epochs : int
        Fresh window draws to train on.
    per_class : int
        Windows of each class in one epoch.
    batch_size : int
        Windows per update.
    learning_rate, weight_decay : float
        AdamW's.
    seed : int
        Seeds the initial weights, the window draws, the batch order and dropout.
    window : int
        Frames per window.
    """

    epochs: int = 20
    per_class: int = 160
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 1e-2
    seed: int = 0
    window: int = DEFAULT_WINDOW


@dataclass
class PoseTraining:
    """A trained pose classifier and how it got there.

    Parameters
    ----------
    network : torch.nn.Module
        The kept weights (best validation epoch, or the last one), in eval mode.
    history : list of dict
        Per epoch: ``epoch``, ``loss`` (mean cross-entropy of its windows) and, with validation,
        ``val_balanced`` and ``val_acc`` (rounded to 4 digits).
    best_epoch : int
        The kept epoch (1-based).
    """

    network: nn.Module
    history: list[dict]
    best_epoch: int


def _epoch_row(record: dict, per_epoch: int) -> dict:
    """One epoch's history row from the loop's record (one record per epoch)."""
    return {"epoch": record["step"] // per_epoch, "loss": round(record["loss_sum"] / record["windows"], 4),
            **{k: record[k] for k in ("val_balanced", "val_acc") if k in record}}


def _full_batches(n: int, batch_size: int) -> int:
    """Updates of one epoch: a last batch of one window is left out (batch norm needs two)."""
    return n // batch_size + (1 if n % batch_size >= 2 else 0)


class PosePlan(TrainingPlan):
    """Keypoint windows -> dance: fresh class-balanced windows every epoch, judged by balanced recall.

    Parameters
    ----------
    songs : list of PoseSong
        Training songs.
    labels : list of int
        Class of each training song.
    settings : PoseTrainingSettings
    val : (np.ndarray, np.ndarray), optional
        Validation windows ``[N, 65, T]`` and their classes; without them every epoch scores 0.
    """

    def __init__(self, songs: list[PoseSong], labels: list[int], settings: PoseTrainingSettings,
                 val: tuple[np.ndarray, np.ndarray] | None = None):
        self.songs, self.labels, self.settings, self.val = songs, labels, settings, val
        classes_with_a_window = {y for s, y in zip(songs, labels) if len(s.points) >= settings.window}
        self.epoch_windows = settings.per_class * len(classes_with_a_window)
        self.steps_per_epoch = max(1, _full_batches(self.epoch_windows, settings.batch_size))
        self.rng = np.random.default_rng(settings.seed)
        self.generator = torch.Generator().manual_seed(settings.seed)
        self._epoch, self._start_state = None, None
        self._x = self._y = self._order = None

    def _draw_epoch(self, epoch: int) -> None:
        self._start_state = (self.rng.bit_generator.state, self.generator.get_state())
        x, y = random_windows(self.songs, self.labels, self.settings.per_class, self.rng, self.settings.window)
        self._x, self._y = torch.from_numpy(x), torch.from_numpy(y)
        self._order = torch.randperm(len(x), generator=self.generator)
        self._epoch = epoch

    def batch(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The windows of update ``step``: its epoch's draw, in that epoch's shuffled order.

        Parameters
        ----------
        step : int

        Returns
        -------
        (torch.Tensor, torch.Tensor)
            Features ``[B, 65, T]`` and classes ``[B]``.
        """
        epoch, i = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            self._draw_epoch(epoch)
        size = self.settings.batch_size
        pick = self._order[i * size:(i + 1) * size]
        return self._x[pick], self._y[pick]

    def loss(self, network: nn.Module, batch, step: int) -> tuple[torch.Tensor, dict]:
        """Cross-entropy of one batch; its sum over the windows is logged for the epoch's mean.

        Parameters
        ----------
        network : torch.nn.Module
        batch : (torch.Tensor, torch.Tensor)
        step : int

        Returns
        -------
        (torch.Tensor, dict)
        """
        x, y = batch
        loss = nn.functional.cross_entropy(network(x), y)
        return loss, {"loss_sum": float(loss.detach()) * len(y), "windows": float(len(y))}

    def evaluate(self, network: nn.Module) -> Evaluation:
        """Balanced recall and accuracy on the validation windows (score 0 without them).

        Parameters
        ----------
        network : torch.nn.Module
            The pose classifier being trained.

        Returns
        -------
        Evaluation
        """
        if self.val is None:
            return Evaluation(0.0, {})
        predicted = predict_proba(network, self.val[0]).argmax(1)
        balanced = round(balanced_accuracy(predicted, self.val[1]), 4)
        return Evaluation(balanced, {"val_balanced": balanced,
                                     "val_acc": round(float(np.mean(predicted == self.val[1])), 4)})

    def batch_size(self, batch) -> int:
        return len(batch[1])

    def state_dict(self) -> dict:
        """The generators as they were before the current epoch's draw, and that epoch.

        Returns
        -------
        dict
        """
        return {"epoch": self._epoch, "rng": self._start_state[0] if self._start_state else None,
                "generator": self._start_state[1] if self._start_state else None}

    def load_state_dict(self, state: dict) -> None:
        """Redraw the saved epoch from its generators: the same windows and order, the generators after it.

        Parameters
        ----------
        state : dict
            From :meth:`state_dict`.
        """
        if state["epoch"] is None:
            return
        self.rng.bit_generator.state = state["rng"]
        self.generator.set_state(state["generator"])
        self._draw_epoch(state["epoch"])


def train_pose_classifier(songs: list[PoseSong], labels: list[int], n_classes: int,
                          settings: PoseTrainingSettings = PoseTrainingSettings(),
                          val: tuple[np.ndarray, np.ndarray] | None = None, checkpoint: str | Path | None = None,
                          log=None, network: nn.Module | None = None) -> PoseTraining:
    """Train a :class:`PoseTCN` on keypoint windows of ``songs`` (CPU; minutes for the Tang songs).

    Parameters
    ----------
    songs : list of PoseSong
        Training songs.
    labels : list of int
        Class of each song.
    n_classes : int
        Outputs of the network.
    settings : PoseTrainingSettings
    val : (np.ndarray, np.ndarray), optional
        Validation windows and their classes: the epoch of the best balanced recall is kept.
        Without them the last epoch is kept.
    checkpoint : path, optional
        Written after every epoch; a rerun continues from it.
    log : callable, optional
        Called with one line per epoch.
    network : torch.nn.Module, optional
        The network to train (``[B, 65, T]`` -> ``n_classes`` logits); default a fresh
        :class:`PoseTCN`, its weights drawn after seeding torch with ``settings.seed``.

    Returns
    -------
    PoseTraining
    """
    torch.manual_seed(settings.seed)
    network = network if network is not None else PoseTCN(FEATURE_CHANNELS, n_classes)
    optimiser = torch.optim.AdamW(network.parameters(), lr=settings.learning_rate,
                                  weight_decay=settings.weight_decay)
    plan = PosePlan(songs, labels, settings, val)
    per_epoch = plan.steps_per_epoch

    def log_epoch(step: int, record: dict | None) -> None:
        if log is not None and record is not None:
            row = _epoch_row(record, per_epoch)
            log(f"  epoch {row['epoch']}: {row}")

    loop = LoopSettings(steps=settings.epochs * per_epoch, evaluate_every=per_epoch,
                        keep="best" if val is not None else "last")
    run = run_training(network, optimiser, plan, loop, checkpoint=checkpoint,
                       signature={"trainer": "pose", **settings.to_dict()}, on_step=log_epoch)
    best_epoch = run.best_step // per_epoch if val is not None else settings.epochs
    return PoseTraining(network, [_epoch_row(r, per_epoch) for r in run.history], best_epoch)
