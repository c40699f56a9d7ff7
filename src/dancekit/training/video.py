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
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

from dancekit.fileio import atomic_write_text
from dancekit.models.video_cnn_network import VIDEO_ARCHITECTURES, build_video_cnn
from dancekit.training.checkpoint import resume_checkpoint, save_checkpoint
from dancekit.video.datasets import FrameSet, split_mask
from dancekit.video.decision import video_decisions

SPLITS = ("frame", "video")


@dataclass(frozen=True)
class VideoRecipe:
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    val_fraction: float = 0.2
    augment: bool = True  # random mirror and small shifts of training frames
    seed: int = 0
    source: str = ("paper 4 section 2: 80/20 split of frames, 10 epochs, AlexNet/ResNet18/SqueezeNet1_0 "
                   "(FastAI: Adam with a one-cycle schedule); from scratch, no ImageNet weights here")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class RunResult:
    """One architecture on one split: per-epoch history and the final validation predictions."""

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

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RunResult":
        return cls(**data)


def _augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mirror half the batch and shift every frame by up to 1/16 of its side (reflect-padded)."""
    flip = torch.rand(len(x), generator=gen) < 0.5
    x = torch.where(flip.to(x.device)[:, None, None, None], x.flip(-1), x)
    pad = max(1, x.shape[-1] // 16)
    padded = nn.functional.pad(x, (pad, pad, pad, pad), mode="reflect")
    dx, dy = (int(v) for v in torch.randint(0, 2 * pad + 1, (2,), generator=gen))
    return padded[..., dy:dy + x.shape[-2], dx:dx + x.shape[-1]]


def _autocast(device: torch.device):
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


@torch.no_grad()
def predict_frames(network: nn.Module, images, device="cpu", batch_size: int = 256) -> np.ndarray:
    """Softmax of every frame (uint8 [N, H, W, 3] numpy or [N, 3, H, W] tensor) -> [N, C]."""
    device = torch.device(device)
    network.eval().to(device)
    x = images if isinstance(images, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)
    out = []
    for first in range(0, len(x), batch_size):
        with _autocast(device):
            logits = network(x[first:first + batch_size].to(device)).float()
        out.append(torch.softmax(logits, -1).cpu())
    return torch.cat(out).numpy() if out else np.zeros((0, 0), np.float32)


def train_frame_classifier(architecture: str, data: FrameSet, val_mask: np.ndarray, recipe: VideoRecipe = VideoRecipe(),
                           device: str = "cpu", checkpoint: str | Path | None = None, split: str = "",
                           weights_path: str | None = None, progress: bool = False, stop_after: int | None = None,
                           ) -> tuple[nn.Module, RunResult]:
    """Train one network on the frames outside ``val_mask``; validate on the others after each epoch.

    ``stop_after`` ends this call after that many epochs (a time-boxed job); with ``checkpoint``
    a later call continues, and the end result equals an uninterrupted run's.
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
    steps_per_epoch = int(np.ceil(len(train_idx) / recipe.batch_size))
    optimiser = torch.optim.AdamW(network.parameters(), lr=recipe.learning_rate, weight_decay=recipe.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=recipe.learning_rate, pct_start=0.25,
                                                   total_steps=max(8, recipe.epochs * steps_per_epoch))
    history: list[dict] = []
    busy = 0.0
    state = resume_checkpoint(checkpoint) if checkpoint else None
    if state is not None:
        network.load_state_dict(state["network"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        history, busy = list(state["history"]), float(state["busy"])
    loss_fn = nn.CrossEntropyLoss()
    epochs = range(len(history), recipe.epochs)
    if progress:
        from tqdm import tqdm

        epochs = tqdm(epochs, initial=len(history), total=recipe.epochs, desc=f"{architecture}/{split}", unit="epoch")
    val_probs = None
    for epoch in epochs:
        if stop_after is not None and epoch >= stop_after:
            break
        start = time.perf_counter()
        torch.manual_seed(recipe.seed * 1000 + epoch)  # dropout draws: the same after a resume
        network.train()
        gen = torch.Generator().manual_seed(recipe.seed * 1000 + epoch)
        order = torch.from_numpy(train_idx)[torch.randperm(len(train_idx), generator=gen)]
        losses = []
        for first in range(0, len(order), recipe.batch_size):
            pick = order[first:first + recipe.batch_size].to(images.device)
            x = images[pick].to(device, non_blocking=True).float().div_(255.0)
            if recipe.augment:
                x = _augment(x, gen)
            with _autocast(device):
                loss = loss_fn(network(x).float(), labels[pick].to(device))
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
        val_probs = predict_frames(network, images[torch.from_numpy(val_idx).to(images.device)], device)
        truth = data.labels[val_idx]
        video = video_decisions(val_probs, data.videos[val_idx], data.video_labels())
        busy += time.perf_counter() - start
        history.append({"epoch": epoch + 1, "train_loss": float(np.mean(losses)),
                        "val_loss": float(-np.log(np.clip(val_probs[np.arange(len(truth)), truth], 1e-12, None)).mean()),
                        "val_frame_accuracy": float((val_probs.argmax(1) == truth).mean()),
                        "val_video_accuracy": video["accuracy"], "learning_rate": float(schedule.get_last_lr()[0]),
                        "seconds": time.perf_counter() - start})
        if checkpoint:
            save_checkpoint(checkpoint, {"network": network.state_dict(), "optimiser": optimiser.state_dict(),
                                         "schedule": schedule.state_dict(), "history": history, "busy": busy})
    network.eval()
    if val_probs is None:  # resumed after the last epoch, or stopped before the first
        val_probs = predict_frames(network, images[torch.from_numpy(val_idx).to(images.device)], device)
    truth = data.labels[val_idx]
    video = video_decisions(val_probs, data.videos[val_idx], data.video_labels())
    result = RunResult(architecture, split, list(data.classes), history, val_idx.tolist(),
                       np.round(val_probs, 6).tolist(), truth.tolist(), video["accuracy"],
                       float((val_probs.argmax(1) == truth).mean()), int(len(train_idx)),
                       int(len(np.unique(data.videos[train_idx]))), int(len(np.unique(data.videos[val_idx]))), busy,
                       {"device": str(device), "recipe": recipe.to_dict(),
                        "shared_videos": int(len(np.intersect1d(data.videos[train_idx], data.videos[val_idx]))),
                        "shared_groups": int(len(set(data.groups[train_idx]) & set(data.groups[val_idx])))})
    return network.cpu(), result


def run_experiment(data: FrameSet, out_dir: str | Path, architectures: Sequence[str] = VIDEO_ARCHITECTURES,
                   splits: Sequence[str] = SPLITS, recipe: VideoRecipe = VideoRecipe(), device: str = "cpu",
                   weights: dict[str, str] | None = None, progress: bool = False, keep_networks: bool = False,
                   video_sides: dict[str, str] | None = None) -> dict[tuple[str, str], RunResult]:
    """Every architecture on every split; each run's ``result.json`` makes reruns skip finished work.

    Returns ``{(split, architecture): RunResult}``; with ``keep_networks`` the trained networks are
    saved beside each result as ``network.pt`` state dicts for a later model file. ``video_sides``
    (group -> "train"/"val") fixes the video-level split, e.g. a dataset's song split.
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
