"""Paper 4's recipe: AlexNet / ResNet18 / SqueezeNet1_0 on single frames, 10 epochs, 80/20 split.

The paper trains with FastAI (one-cycle schedule, Adam) and reports the validation accuracy
after every epoch. Here the same: AdamW + one-cycle, 10 epochs, validation after each, and
the *last* epoch's weights kept (no choosing an epoch on the validation frames, which would
make them a second training signal). Two splits side by side:

* ``frame``: the paper's, a random 20 % of all frames; frames of one video (and near-identical
  neighbours one second apart) land on both sides, so it measures recognising a video seen.
* ``video``: whole groups (a video, or a song when several videos show one performance) go
  to validation (``dancekit.video.datasets.group_split``): it measures recognising a dance
  in a video never seen. Video accuracy = the mean frame probability per video, argmax.

Every epoch ends with an atomic checkpoint; a rerun resumes and ends with the same weights.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

from dancekit.fileio import atomic_write_text
from dancekit.models.video_cnn_network import VIDEO_ARCHITECTURES, build_video_cnn
from dancekit.records import PlainFields
from dancekit.training.checkpoint import save_checkpoint
from dancekit.training.loop import Evaluation, LoopSettings, TrainingPlan, run_training
from dancekit.video.datasets import FrameSet, split_mask
from dancekit.video.decision import video_decisions
from dancekit.video.frame_scores import predict_frames

SPLITS = ("frame", "video")


@dataclass(frozen=True)
class VideoRecipe(PlainFields):
    """How a frame classifier is trained (paper 4's recipe by default).

    Parameters
    ----------
    epochs : int
        Passes over the training frames.
    batch_size : int
        Frames per update.
    learning_rate : float
        Peak of the one-cycle schedule.
    weight_decay : float
        AdamW weight decay.
    val_fraction : float
        Share held out for validation.
    augment : bool
        Random mirror and small shifts of training frames.
    seed : int
        Seeds weights, order, augmentation and the split.
    source : str
        Where the recipe comes from, for the model card.
    """
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    val_fraction: float = 0.2
    augment: bool = True  # random mirror and small shifts of training frames
    seed: int = 0
    source: str = ("paper 4 section 2: 80/20 split of frames, 10 epochs, AlexNet/ResNet18/SqueezeNet1_0 "
                   "(FastAI: Adam with a one-cycle schedule); from scratch, no ImageNet weights here")


@dataclass
class RunResult(PlainFields):
    """One architecture on one split: per-epoch history and the final validation predictions (``result.json``).

    Parameters
    ----------
    architecture : str
        The network.
    split : {"frame", "video"}
        Random frames (paper) or whole groups held out.
    classes : list of str
        Class names, in output order.
    history : list of dict
        One record per epoch (losses, ``val_frame_accuracy``...).
    val_frames : list of int
        Validation frame indices into the frame set.
    val_probs : list of list of float
        Final class probabilities of each validation frame.
    val_labels : list of int
        True class of each validation frame.
    video_accuracy, frame_accuracy : float
        Final validation accuracy per video (mean frame probability) and per frame.
    train_frames, train_videos, val_videos : int
        Sizes of the sides.
    seconds : float
        Training time.
    extra : dict
        Anything else (recipe, split overlap counts...).
    """

    architecture: str
    split: str
    classes: list[str]
    history: list[dict]
    val_frames: list[int]  # indices into the FrameSet
    val_probs: list[list[float]]  # [n_val, C] after the last epoch
    val_labels: list[int]
    video_accuracy: float
    frame_accuracy: float
    train_frames: int
    train_videos: int
    val_videos: int
    seconds: float
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> "RunResult":
        """Inverse of :meth:`to_dict`.

        Parameters
        ----------
        data : dict
            A ``result.json``.

        Returns
        -------
        RunResult
        """
        return cls(**data)


def _augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mirror half the batch and shift every frame by up to 1/16 of its side (reflect-padded)."""
    flip = torch.rand(len(x), generator=gen) < 0.5
    x = torch.where(flip.to(x.device)[:, None, None, None], x.flip(-1), x)
    pad = max(1, x.shape[-1] // 16)
    padded = nn.functional.pad(x, (pad, pad, pad, pad), mode="reflect")
    dx, dy = (int(v) for v in torch.randint(0, 2 * pad + 1, (2,), generator=gen))
    return padded[..., dy:dy + x.shape[-2], dx:dx + x.shape[-1]]


class FramePlan(TrainingPlan):
    """Frames -> dance: an epoch is every training frame once in a fresh order, mirrored and shifted.

    Each epoch's order, augmentation and dropout draws come from seeds of their own (the recipe's
    seed and the epoch), so a run resumed at an epoch's end draws what an unbroken one draws.

    Parameters
    ----------
    images : torch.Tensor
        uint8 ``[N, 3, H, W]`` frames (on the GPU when training there).
    labels : torch.Tensor
        Class of each frame.
    data : FrameSet
        The frames' videos and labels, for video-level validation.
    train_idx, val_idx : np.ndarray
        Frames of each side.
    recipe : VideoRecipe
    device : torch.device
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, data: FrameSet, train_idx: np.ndarray,
                 val_idx: np.ndarray, recipe: VideoRecipe, device: torch.device):
        self.images, self.labels, self.data, self.recipe, self.device = images, labels, data, recipe, device
        self.train_idx, self.val_idx = train_idx, val_idx
        self.steps_per_epoch = int(np.ceil(len(train_idx) / recipe.batch_size))
        self.loss_fn = nn.CrossEntropyLoss()
        self.epoch, self.order, self.generator = None, None, None
        self.val_probs = None

    def _start_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        self.generator = torch.Generator().manual_seed(self.recipe.seed * 1000 + epoch)
        self.order = torch.from_numpy(self.train_idx)[torch.randperm(len(self.train_idx), generator=self.generator)]

    def batch(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The training batch of update ``step``: augmented frames and their labels, on the device.

        Parameters
        ----------
        step : int
            0-based update number; a new epoch starts a new order.

        Returns
        -------
        (torch.Tensor, torch.Tensor)
        """
        epoch, i = divmod(step, self.steps_per_epoch)
        if epoch != self.epoch:
            torch.manual_seed(self.recipe.seed * 1000 + epoch)  # dropout draws: the same after a resume
            self._start_epoch(epoch)
        pick = self.order[i * self.recipe.batch_size:(i + 1) * self.recipe.batch_size].to(self.images.device)
        x = self.images[pick].to(self.device, non_blocking=True).float().div_(255.0)
        if self.recipe.augment:
            x = _augment(x, self.generator)
        return x, self.labels[pick].to(self.device)

    def loss(self, network: nn.Module, batch, step: int) -> tuple[torch.Tensor, dict]:
        """Cross-entropy of the network on a batch.

        Parameters
        ----------
        network : nn.Module
            The frame classifier.
        batch : (torch.Tensor, torch.Tensor)
            From :meth:`batch`.
        step : int
            The update (unused: the loss is the same at every step).

        Returns
        -------
        (torch.Tensor, dict)
            The loss and no extra figures.
        """
        x, y = batch
        return self.loss_fn(network(x).float(), y), {}

    def evaluate(self, network: nn.Module) -> Evaluation:
        """Frame and video accuracy on the validation side; the frame accuracy is the score kept.

        Parameters
        ----------
        network : nn.Module
            The frame classifier, in eval mode.

        Returns
        -------
        Evaluation
        """
        self.val_probs = predict_frames(network, self.images[torch.from_numpy(self.val_idx).to(self.images.device)],
                                        self.device)
        metrics = frame_metrics(self.val_probs, self.data, self.val_idx)
        return Evaluation(metrics["val_frame_accuracy"], metrics)

    def batch_size(self, batch) -> int:
        """Frames in ``batch``.

        Parameters
        ----------
        batch : (torch.Tensor, torch.Tensor)
            From :meth:`batch`.

        Returns
        -------
        int
            The number of labels in it.
        """
        return len(batch[1])

    def state_dict(self) -> dict:
        """The plan's random state (epoch and generator), for checkpoints.

        Returns
        -------
        dict
        """
        return {"epoch": self.epoch, "generator": self.generator.get_state() if self.generator is not None else None}

    def load_state_dict(self, state: dict) -> None:
        """Restore the random state from a checkpoint.

        Parameters
        ----------
        state : dict
            From :meth:`state_dict`.
        """
        if state["epoch"] is not None:
            self._start_epoch(state["epoch"])
            self.generator.set_state(state["generator"])


def frame_metrics(val_probs: np.ndarray, data: FrameSet, val_idx: np.ndarray) -> dict:
    """Validation loss, frame accuracy and video accuracy (mean frame probability per video).

    Parameters
    ----------
    val_probs : np.ndarray
        ``[n_val, classes]`` probabilities of the validation frames.
    data : FrameSet
    val_idx : np.ndarray
        The validation frames' indices in ``data``.

    Returns
    -------
    dict
        ``val_loss``, ``val_frame_accuracy``, ``val_video_accuracy``.
    """
    truth = data.labels[val_idx]
    video = video_decisions(val_probs, data.videos[val_idx], data.video_labels())
    return {"val_loss": float(-np.log(np.clip(val_probs[np.arange(len(truth)), truth], 1e-12, None)).mean()),
            "val_frame_accuracy": float((val_probs.argmax(1) == truth).mean()), "val_video_accuracy": video["accuracy"]}


def train_frame_classifier(architecture: str, data: FrameSet, val_mask: np.ndarray, recipe: VideoRecipe = VideoRecipe(),
                           device: str = "cpu", checkpoint: str | Path | None = None, split: str = "",
                           weights_path: str | None = None, progress: bool = False, stop_after: int | None = None,
                           ) -> tuple[nn.Module, RunResult]:
    """Train one network on the frames outside ``val_mask``; validate on the others after each epoch.

    Parameters
    ----------
    architecture : str
        One of :data:`VIDEO_ARCHITECTURES`.
    data : FrameSet
        Frames with their labels, videos and groups.
    val_mask : np.ndarray
        True for the validation frames.
    recipe : VideoRecipe
    device : str
    checkpoint : path, optional
        Written after every epoch; a later call continues from it.
    split : str
        Name of the split, for the result and the progress bar.
    weights_path : str, optional
        Local ImageNet weights to start from.
    progress : bool
        Show a progress bar.
    stop_after : int, optional
        End this call after that many epochs (a time-boxed job); with ``checkpoint`` a later call
        continues, and the end result equals an uninterrupted run's.

    Returns
    -------
    (torch.nn.Module, RunResult)
        The network (last epoch's weights, on the CPU) and the run's history and validation answers.
    """
    device = torch.device(device)
    val_mask = np.asarray(val_mask, dtype=bool)
    train_idx, val_idx = np.flatnonzero(~val_mask), np.flatnonzero(val_mask)
    if not len(train_idx) or not len(val_idx):
        raise ValueError("both sides of the split need frames")
    torch.manual_seed(recipe.seed)
    network = build_video_cnn(architecture, len(data.classes), weights_path).to(device)
    images = torch.from_numpy(np.ascontiguousarray(data.images)).permute(0, 3, 1, 2)  # uint8, CPU
    if device.type == "cuda":
        images = images.to(device)
    labels = torch.from_numpy(data.labels.astype(np.int64)).to(images.device)
    plan = FramePlan(images, labels, data, train_idx, val_idx, recipe, device)
    per_epoch = plan.steps_per_epoch
    optimiser = torch.optim.AdamW(network.parameters(), lr=recipe.learning_rate, weight_decay=recipe.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=recipe.learning_rate, pct_start=0.25,
                                                   total_steps=max(8, recipe.epochs * per_epoch))
    settings = LoopSettings(steps=recipe.epochs * per_epoch, evaluate_every=per_epoch, amp=True, keep="last",
                            stop_at=None if stop_after is None else stop_after * per_epoch,
                            progress=f"{architecture}/{split}" if progress else None)
    run = run_training(network, optimiser, plan, settings, schedule, checkpoint, device,
                       signature={"architecture": architecture, "split": split, **recipe.to_dict()})
    history = [{"epoch": r["step"] // per_epoch, "train_loss": r["loss"], "val_loss": r["val_loss"],
                "val_frame_accuracy": r["val_frame_accuracy"], "val_video_accuracy": r["val_video_accuracy"],
                "learning_rate": r["lr"], "seconds": r["seconds"]} for r in run.history]
    val_probs = plan.val_probs
    if val_probs is None:  # resumed after the last epoch, or stopped before the first
        val_probs = predict_frames(network, images[torch.from_numpy(val_idx).to(images.device)], device)
    metrics = frame_metrics(val_probs, data, val_idx)
    truth = data.labels[val_idx]
    result = RunResult(architecture, split, list(data.classes), history, val_idx.tolist(),
                       np.round(val_probs, 6).tolist(), truth.tolist(), metrics["val_video_accuracy"],
                       metrics["val_frame_accuracy"], int(len(train_idx)),
                       int(len(np.unique(data.videos[train_idx]))), int(len(np.unique(data.videos[val_idx]))),
                       run.busy_seconds,
                       {"device": str(device), "recipe": recipe.to_dict(),
                        "shared_videos": int(len(np.intersect1d(data.videos[train_idx], data.videos[val_idx]))),
                        "shared_groups": int(len(set(data.groups[train_idx]) & set(data.groups[val_idx])))})
    return network.cpu(), result


def run_experiment(data: FrameSet, out_dir: str | Path, architectures: Sequence[str] = VIDEO_ARCHITECTURES,
                   splits: Sequence[str] = SPLITS, recipe: VideoRecipe = VideoRecipe(), device: str = "cpu",
                   weights: dict[str, str] | None = None, progress: bool = False, keep_networks: bool = False,
                   video_sides: dict[str, str] | None = None) -> dict[tuple[str, str], RunResult]:
    """Every architecture on every split; each run's ``result.json`` makes reruns skip finished work.

    Parameters
    ----------
    data : FrameSet
        The frames.
    out_dir : str or Path
        Run ``(split, arch)`` works in ``out_dir/<split>/<arch>``.
    architectures : sequence of str
        Networks to train.
    splits : sequence of str
        ``"frame"`` (the paper's) and/or ``"video"`` (whole groups held out).
    recipe : VideoRecipe
        How to train.
    device : str
        Torch device.
    weights : dict, optional
        Architecture -> local ImageNet weights file to start from.
    progress : bool
        Show progress bars.
    keep_networks : bool
        Save the trained networks beside each result as ``network.pt`` state dicts, for a later model file.
    video_sides : dict, optional
        Group -> ``"train"``/``"val"``: fixes the video-level split, e.g. a dataset's song split.

    Returns
    -------
    dict
        ``(split, architecture)`` -> :class:`RunResult`.
    """
    out_dir = Path(out_dir)
    results = {}
    for split in splits:
        mask = split_mask(data, split, recipe.val_fraction, recipe.seed, video_sides)
        for arch in architectures:
            run_dir = out_dir / split / arch
            done = run_dir / "result.json"
            if done.is_file():
                results[(split, arch)] = RunResult.from_dict(json.loads(done.read_text()))
                continue
            run_dir.mkdir(parents=True, exist_ok=True)
            network, result = train_frame_classifier(arch, data, mask, recipe, device, run_dir / "checkpoint.pt",
                                                     split, (weights or {}).get(arch), progress)
            if keep_networks:
                save_checkpoint(run_dir / "network.pt", network.state_dict())
            atomic_write_text(done, json.dumps(result.to_dict()) + "\n")
            (run_dir / "checkpoint.pt").unlink(missing_ok=True)
            results[(split, arch)] = result
    return results
