"""One training loop for every spectrogram classifier, with the papers' recipes as settings.

It trains epoch by epoch, validates after each, keeps the best weights by the recipe's
criterion, lowers the learning rate on a plateau and stops early; after every epoch it writes
a checkpoint, so an interrupted run resumes where it stopped and ends with the same weights.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dancekit.training.loop import Evaluation, LoopSettings, TrainingPlan, run_training
from dancekit.training.precision import autocast
from dancekit.training.recipes import TrainingRecipe
from dancekit.training.segments import SegmentSampler
from dancekit.training.spectrograms import SpectrogramSet


@dataclass
class EpochRecord:
    """One epoch of :func:`fit`, in the papers' terms (epochs, not updates).

    Parameters
    ----------
    epoch : int
        1-based epoch number.
    train_loss : float
        Mean training loss over the epoch.
    val_loss : float
        Mean NLL of the validation segments.
    val_segment_accuracy : float
        Share of validation segments classified right.
    val_recording_accuracy : float
        Share of validation recordings classified right (mean softmax of their segments).
    learning_rate : float
        The learning rate at the epoch's end.
    seconds : float
        Wall time of the epoch, validation included.
    """

    epoch: int
    train_loss: float
    val_loss: float
    val_segment_accuracy: float
    val_recording_accuracy: float
    learning_rate: float
    seconds: float


@dataclass
class TrainResult:
    """What :func:`fit` did, in epochs, for reports and model cards.

    Parameters
    ----------
    history : list of EpochRecord
        One record per epoch trained, resumed epochs included.
    best_epoch : int
        The epoch whose weights the network ends with.
    segments_per_second : float
        Training speed of this call (updates only).
    stopped_early : bool
        Whether early stopping ended the run.
    resumed_from_epoch : int
        Epochs already done in the checkpoint this call resumed (0 for a fresh run).
    extra : dict
        Further figures a caller records with the result.
    """

    history: list[EpochRecord]
    best_epoch: int
    segments_per_second: float
    stopped_early: bool = False
    resumed_from_epoch: int = 0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The result as plain data (for JSON results and cards).

        Returns
        -------
        dict
        """
        return {**asdict(self), "history": [asdict(h) for h in self.history]}


@dataclass
class Predictions:
    """Per-segment log-probabilities and their recording, and the mean probability per recording.

    Kept together so that segment and recording figures come from one pass over the data.

    Parameters
    ----------
    segment_log_probs : np.ndarray [shape=(S, C)]
        Log-softmax of every segment.
    segment_recording : np.ndarray [shape=(S,)]
        Index of each segment's recording.
    recording_probs : np.ndarray [shape=(R, C)]
        Mean softmax of each recording's segments.
    labels : np.ndarray [shape=(R,)]
        True class of each recording.
    """

    segment_log_probs: np.ndarray  # [S, C]
    segment_recording: np.ndarray  # [S]
    recording_probs: np.ndarray  # [R, C]
    labels: np.ndarray  # [R]

    def segment_labels(self) -> np.ndarray:
        """True class of each segment (its recording's).

        Returns
        -------
        np.ndarray [shape=(S,)]
        """
        return self.labels[self.segment_recording]

    def segment_loss(self) -> float:
        """Mean NLL of the segments (the training loss, on validation data).

        Returns
        -------
        float
        """
        return float(-self.segment_log_probs[np.arange(len(self.segment_recording)), self.segment_labels()].mean())

    def segment_accuracy(self) -> float:
        """Share of segments whose most probable class is right.

        Returns
        -------
        float
        """
        return float((self.segment_log_probs.argmax(1) == self.segment_labels()).mean())

    def recording_accuracy(self) -> float:
        """Share of recordings whose mean probability peaks at the right class (as inference answers).

        Returns
        -------
        float
        """
        return float((self.recording_probs.argmax(1) == self.labels).mean())


@torch.no_grad()
def predict(network: nn.Module, data: SpectrogramSet, length: int, stride: int, device="cpu",
            batch_size: int = 64, amp: bool = False) -> Predictions:
    """Classify every segment of every recording; a recording's answer is its segments' mean softmax.

    Parameters
    ----------
    network : torch.nn.Module
        A segment classifier (``[B, bins, frames]`` -> logits); left in eval mode.
    data : SpectrogramSet
        The recordings to classify.
    length : int
        Frames per segment.
    stride : int
        Hop between segments, in frames.
    device : str or torch.device
        Where the network runs.
    batch_size : int
        Segments per forward pass.
    amp : bool
        bf16 autocast on CUDA.

    Returns
    -------
    Predictions
    """
    device = torch.device(device)
    network.eval()
    index = data.segment_index(length, stride)
    out = []
    for first in range(0, len(index), batch_size):
        batch = torch.stack([data.segment(r, s, length) for r, s in index[first:first + batch_size]]).to(device).float()
        with autocast(device, amp):
            out.append(torch.log_softmax(network(batch).float(), dim=-1).cpu())
    log_probs = torch.cat(out).numpy() if out else np.zeros((0, len(data.classes)), dtype=np.float32)
    owner = np.asarray([r for r, _ in index], dtype=np.int64)
    probs = np.exp(log_probs)
    rec = np.stack([probs[owner == r].mean(0) for r in range(len(data))]) if len(data) else probs[:0]
    return Predictions(log_probs, owner, rec, data.labels)


class SegmentPlan(TrainingPlan):
    """Spectrogram segments -> class: the recipe's batches, the NLL loss, validation by recording.

    Parameters
    ----------
    recipe : TrainingRecipe
        How batches are drawn and how the best epoch is chosen.
    train, val : SpectrogramSet
        Training and validation recordings.
    seed : int
        Seed of the batch draws.
    device : torch.device
        Where the network runs.
    amp : bool
        bf16 autocast on CUDA for validation.
    """

    def __init__(self, recipe: TrainingRecipe, train: SpectrogramSet, val: SpectrogramSet, seed: int,
                 device: torch.device, amp: bool):
        self.recipe, self.train, self.val, self.seed, self.device, self.amp = recipe, train, val, seed, device, amp
        if recipe.sampling == "balanced_crops":
            self.sampler = SegmentSampler(train.spectrograms, train.labels, recipe.segment_frames, seed=seed)
            self.steps_per_epoch = recipe.batches_per_epoch or 20
        elif recipe.sampling == "all_segments":
            self.index = train.segment_index(recipe.segment_frames, recipe.eval_stride)
            self.steps_per_epoch = max(1, -(-len(self.index) // recipe.batch_size))
            self._order = (None, None)
        else:
            raise ValueError(f"unknown sampling {recipe.sampling!r}")
        self.loss_fn = nn.NLLLoss()

    def batch(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        r = self.recipe
        if r.sampling == "balanced_crops":
            return self.sampler.batch(r.batch_size)
        epoch, first = divmod(step, self.steps_per_epoch)
        if self._order[0] != epoch:  # one epoch = every training segment once, in a fresh order
            self._order = (epoch, np.random.default_rng([self.seed, epoch]).permutation(len(self.index)))
        picks = [self.index[i] for i in self._order[1][first * r.batch_size:(first + 1) * r.batch_size]]
        segments = torch.stack([self.train.segment(rec, s, r.segment_frames) for rec, s in picks])
        return segments, torch.as_tensor(self.train.labels[[rec for rec, _ in picks]])

    def loss(self, network: nn.Module, batch, step: int) -> tuple[torch.Tensor, dict]:
        segments, targets = batch
        logits = network(segments.to(self.device, non_blocking=True))
        return self.loss_fn(torch.log_softmax(logits.float(), dim=-1), targets.to(self.device)), {}

    def evaluate(self, network: nn.Module) -> Evaluation:
        pred = predict(network, self.val, self.recipe.segment_frames, self.recipe.eval_stride, self.device,
                       amp=self.amp)
        metrics = {"val_loss": pred.segment_loss(), "val_segment_accuracy": pred.segment_accuracy(),
                   "val_recording_accuracy": pred.recording_accuracy()}
        score = -metrics["val_loss"] if self.recipe.select_by == "val_loss" else metrics["val_segment_accuracy"]
        return Evaluation(score, metrics)

    def batch_size(self, batch) -> int:
        return len(batch[1])

    def state_dict(self) -> dict:
        return {"sampler": self.sampler.rng.bit_generator.state if self.recipe.sampling == "balanced_crops" else None}

    def load_state_dict(self, state: dict) -> None:
        if state["sampler"] is not None:
            self.sampler.rng.bit_generator.state = state["sampler"]


def fit(network: nn.Module, recipe: TrainingRecipe, train: SpectrogramSet, val: SpectrogramSet,
        checkpoint: str | Path | None = None, device: str = "cpu", seed: int = 0, amp: bool = True,
        max_epochs: int | None = None, progress: bool = False, checkpoint_every_s: float = 0.0) -> TrainResult:
    """Train ``network`` in place by ``recipe``; it ends holding the best epoch's weights.

    Parameters
    ----------
    network : torch.nn.Module
        A segment classifier (``[B, bins, frames]`` -> logits).
    recipe : TrainingRecipe
        Batches, optimiser, schedule, epoch length, stopping and the best-epoch criterion.
    train, val : SpectrogramSet
        Training and validation recordings (validated by recording after every epoch).
    checkpoint : path, optional
        Progress is saved after every epoch (or, with ``checkpoint_every_s``, after the first epoch
        that ends that long after the last save: large networks with short epochs would otherwise
        spend their time writing) and a rerun continues from it.
    device : str
    seed : int
        Seeds the weights' draws (dropout) and the batches.
    amp : bool
        bf16 autocast on CUDA.
    max_epochs : int, optional
        Overrides ``recipe.max_epochs``.
    progress : bool
        Show a progress bar.
    checkpoint_every_s : float

    Returns
    -------
    TrainResult
        One record per epoch, the best epoch and the training speed.
    """
    device = torch.device(device)
    torch.manual_seed(seed)
    network.to(device)
    optimiser = torch.optim.Adam(network.parameters(), lr=recipe.learning_rate, weight_decay=recipe.weight_decay)
    scheduler = (torch.optim.lr_scheduler.ReduceLROnPlateau(optimiser, factor=recipe.plateau_factor,
                                                            patience=recipe.plateau_patience)
                 if recipe.plateau_patience is not None else None)
    plan = SegmentPlan(recipe, train, val, seed, device, amp)
    per_epoch = plan.steps_per_epoch
    settings = LoopSettings(steps=(max_epochs or recipe.max_epochs) * per_epoch, evaluate_every=per_epoch, amp=amp,
                            keep="best", early_stop_patience=recipe.early_stop_patience,
                            checkpoint_every_s=checkpoint_every_s, schedule_on="evaluation",
                            plateau_metric="val_loss", progress=recipe.name if progress else None)
    signature = {k: v for k, v in recipe.to_dict().items() if k not in ("max_epochs", "source")} | {"seed": seed}
    run = run_training(network, optimiser, plan, settings, scheduler, checkpoint, device, signature)
    history = [EpochRecord(r["step"] // per_epoch, r["loss"], r["val_loss"], r["val_segment_accuracy"],
                           r["val_recording_accuracy"], r["lr"], r["seconds"]) for r in run.history]
    return TrainResult(history, run.best_step // per_epoch, run.samples_per_second, run.stopped_early,
                       run.resumed_from // per_epoch)
