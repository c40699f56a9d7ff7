"""One training loop for every spectrogram classifier, with the papers' recipes as settings.

It trains epoch by epoch, validates after each, keeps the best weights by the recipe's
criterion, lowers the learning rate on a plateau and stops early; after every epoch it writes
a checkpoint, so an interrupted run resumes where it stopped and ends with the same weights.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dancekit.training.checkpoint import resume_checkpoint, save_checkpoint
from dancekit.training.recipes import TrainingRecipe
from dancekit.training.segments import SegmentSampler
from dancekit.training.spectrograms import SpectrogramSet


@dataclass
class EpochRecord:
    epoch: int
    train_loss: float
    val_loss: float
    val_segment_accuracy: float
    val_recording_accuracy: float
    learning_rate: float
    seconds: float


@dataclass
class TrainResult:
    history: list[EpochRecord]
    best_epoch: int
    segments_per_second: float
    stopped_early: bool = False
    resumed_from_epoch: int = 0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {**asdict(self), "history": [asdict(h) for h in self.history]}


@dataclass
class Predictions:
    """Per-segment log-probabilities and their recording, and the mean probability per recording."""

    segment_log_probs: np.ndarray  # [S, C]
    segment_recording: np.ndarray  # [S]
    recording_probs: np.ndarray  # [R, C]
    labels: np.ndarray  # [R]

    def segment_labels(self) -> np.ndarray:
        return self.labels[self.segment_recording]

    def segment_loss(self) -> float:
        return float(-self.segment_log_probs[np.arange(len(self.segment_recording)), self.segment_labels()].mean())

    def segment_accuracy(self) -> float:
        return float((self.segment_log_probs.argmax(1) == self.segment_labels()).mean())

    def recording_accuracy(self) -> float:
        return float((self.recording_probs.argmax(1) == self.labels).mean())


def _autocast(device: torch.device, amp: bool):
    if amp and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast(device.type, enabled=False)


@torch.no_grad()
def predict(network: nn.Module, data: SpectrogramSet, length: int, stride: int, device="cpu",
            batch_size: int = 64, amp: bool = False) -> Predictions:
    """Classify every segment of every recording; a recording's answer is its segments' mean softmax."""
    device = torch.device(device)
    network.eval()
    index = data.segment_index(length, stride)
    out = []
    for first in range(0, len(index), batch_size):
        batch = torch.stack([data.segment(r, s, length) for r, s in index[first:first + batch_size]]).to(device)
        with _autocast(device, amp):
            out.append(torch.log_softmax(network(batch).float(), dim=-1).cpu())
    log_probs = torch.cat(out).numpy() if out else np.zeros((0, len(data.classes)), dtype=np.float32)
    owner = np.asarray([r for r, _ in index], dtype=np.int64)
    probs = np.exp(log_probs)
    rec = np.stack([probs[owner == r].mean(0) for r in range(len(data))]) if len(data) else probs[:0]
    return Predictions(log_probs, owner, rec, data.labels)


class _Batches:
    """The recipe's way of drawing training batches, with a resumable random state."""

    def __init__(self, recipe: TrainingRecipe, data: SpectrogramSet, seed: int):
        self.recipe, self.data, self.seed = recipe, data, seed
        if recipe.sampling == "balanced_crops":
            self.sampler = SegmentSampler(data.spectrograms, data.labels, recipe.segment_frames, seed=seed)
        elif recipe.sampling == "all_segments":
            self.index = data.segment_index(recipe.segment_frames, recipe.eval_stride)
        else:
            raise ValueError(f"unknown sampling {recipe.sampling!r}")

    def epoch(self, epoch: int):
        r = self.recipe
        if r.sampling == "balanced_crops":
            for _ in range(r.batches_per_epoch or 20):
                yield self.sampler.batch(r.batch_size)
            return
        order = np.random.default_rng([self.seed, epoch]).permutation(len(self.index))
        for first in range(0, len(order), r.batch_size):
            picks = [self.index[i] for i in order[first:first + r.batch_size]]
            segments = torch.stack([self.data.segment(rec, s, r.segment_frames) for rec, s in picks])
            yield segments, torch.as_tensor(self.data.labels[[rec for rec, _ in picks]])

    def state(self):
        return self.sampler.rng.bit_generator.state if self.recipe.sampling == "balanced_crops" else None

    def restore(self, state):
        if state is not None and self.recipe.sampling == "balanced_crops":
            self.sampler.rng.bit_generator.state = state


def _better(recipe: TrainingRecipe, record: EpochRecord, best: float | None) -> tuple[bool, float]:
    score = -record.val_loss if recipe.select_by == "val_loss" else record.val_segment_accuracy
    return best is None or score > best, score


def fit(network: nn.Module, recipe: TrainingRecipe, train: SpectrogramSet, val: SpectrogramSet,
        checkpoint: str | Path | None = None, device: str = "cpu", seed: int = 0, amp: bool = True,
        max_epochs: int | None = None, progress: bool = False, checkpoint_every_s: float = 0.0) -> TrainResult:
    """Train ``network`` in place by ``recipe``; it ends holding the best epoch's weights.

    With ``checkpoint`` set, progress is saved after every epoch (or, with ``checkpoint_every_s``,
    after the first epoch that ends that long after the last save: large networks with short
    epochs would otherwise spend their time writing) and a rerun continues from it.
    """
    device = torch.device(device)
    torch.manual_seed(seed)
    network.to(device)
    optimiser = torch.optim.Adam(network.parameters(), lr=recipe.learning_rate, weight_decay=recipe.weight_decay)
    scheduler = (torch.optim.lr_scheduler.ReduceLROnPlateau(optimiser, factor=recipe.plateau_factor,
                                                            patience=recipe.plateau_patience)
                 if recipe.plateau_patience is not None else None)
    batches = _Batches(recipe, train, seed)
    history: list[EpochRecord] = []
    best_state, best_score, best_epoch, stale, seen, busy = None, None, 0, 0, 0, 0.0
    state = resume_checkpoint(checkpoint) if checkpoint else None
    if state is not None:
        network.load_state_dict(state["network"])
        optimiser.load_state_dict(state["optimiser"])
        if scheduler is not None:
            scheduler.load_state_dict(state["scheduler"])
        history = [EpochRecord(**h) for h in state["history"]]
        best_state, best_score, best_epoch = state["best_state"], state["best_score"], state["best_epoch"]
        stale, seen, busy = state["stale"], state["seen"], state["busy"]
        batches.restore(state["sampler"])
        torch.set_rng_state(state["torch_rng"])
        if device.type == "cuda" and state.get("cuda_rng") is not None:  # dropout on a GPU draws from it
            torch.cuda.set_rng_state(state["cuda_rng"], device)
    resumed = len(history)
    loss_fn = nn.NLLLoss()
    last_save = time.monotonic()
    last = max_epochs or recipe.max_epochs
    epochs = range(len(history), last)
    if progress:
        from tqdm import tqdm

        epochs = tqdm(epochs, initial=len(history), total=last, desc=recipe.name, unit="epoch")
    stopped = recipe.early_stop_patience is not None and stale >= recipe.early_stop_patience
    for epoch in ([] if stopped else epochs):
        network.train()
        start, losses = time.perf_counter(), []
        for segments, targets in batches.epoch(epoch):
            with _autocast(device, amp):
                logits = network(segments.to(device, non_blocking=True))
            loss = loss_fn(torch.log_softmax(logits.float(), dim=-1), targets.to(device))
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
            seen += len(targets)
        busy += time.perf_counter() - start
        pred = predict(network, val, recipe.segment_frames, recipe.eval_stride, device, amp=amp)
        record = EpochRecord(epoch + 1, float(np.mean(losses)), pred.segment_loss(), pred.segment_accuracy(),
                             pred.recording_accuracy(), optimiser.param_groups[0]["lr"],
                             time.perf_counter() - start)
        history.append(record)
        if scheduler is not None:
            scheduler.step(record.val_loss)
        improved, score = _better(recipe, record, best_score)
        if improved:
            best_score, best_epoch, stale = score, record.epoch, 0
            best_state = {k: v.detach().cpu().clone() for k, v in network.state_dict().items()}
        else:
            stale += 1
        if checkpoint and time.monotonic() - last_save >= checkpoint_every_s:
            last_save = time.monotonic()
            save_checkpoint(checkpoint, {
                "network": network.state_dict(), "optimiser": optimiser.state_dict(),
                "scheduler": scheduler.state_dict() if scheduler is not None else None,
                "history": [asdict(h) for h in history], "best_state": best_state, "best_score": best_score,
                "best_epoch": best_epoch, "stale": stale, "seen": seen, "busy": busy,
                "sampler": batches.state(), "torch_rng": torch.get_rng_state(),
                "cuda_rng": torch.cuda.get_rng_state(device) if device.type == "cuda" else None})
        if recipe.early_stop_patience is not None and stale >= recipe.early_stop_patience:
            stopped = True
            break
    if best_state is not None:
        network.load_state_dict(copy.deepcopy(best_state))
    network.eval()
    return TrainResult(history, best_epoch, seen / busy if busy else 0.0, stopped, resumed)
