"""Training the dance-step generator (paper 5, III-B, III-C, IV-D): S2S and S2S-MC.

Each update draws ``batch_size`` random windows of ``sequence`` (150) motion frames from the
training songs, each window with its audio clean or under white noise at a random one of the
training SNRs (paper: 0 and 10 dB), drawn afresh from stored clean power so no two epochs see the
same noise. The decoder gets the ground-truth frame before the window once, then its own output
(auto-conditioning). Loss = MSE, plus for S2S-MC the contrastive loss on the encoder codes of
consecutive frames with weak labels from the motion: a frame pair is "same" (label 1, pulled
together) while the standard deviation of the pose keeps rising or falling, "different" (label
0, pushed at least ``margin`` apart) where it turns, i.e. at a motion beat. Adam with gradient
clipping and, optionally, annealed Gaussian gradient noise (std sqrt(eta / (1 + t)^0.55)) as the
paper's reference code. The reference sums the loss over the window, so its gradients are ~150x
ours: at its eta = 0.01 the noise was ~100x the encoder's whole gradient here, Adam followed the
noise, the encoder never learnt and S2S and S2S-MC trained to the same MSE to seven digits. The
default is therefore no noise. Validation = the validation songs at 5 dB SNR, the best weights are kept.

Checkpoints (atomic) hold the weights, the optimiser, every random generator and the history:
an interrupted run (Ctrl-C saves one at once) resumes and ends with the same weights as a run
that was never stopped. Only torch, numpy and tqdm are needed, so it runs on a bare GPU machine.
"""

from __future__ import annotations

import copy
import math
import signal
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from dancekit.errors import DancekitError
from dancekit.features.step_audio import add_white_noise_power, dequantise_power, normalise_power
from dancekit.training.checkpoint import CheckpointError, resume_checkpoint, save_checkpoint

VARIANTS = ("s2s", "s2s-mc")


class StepDataError(DancekitError):
    """Training data for the step generator is unusable (too short, shapes that disagree)."""


@dataclass
class StepTrainConfig:
    """The recipe; defaults follow the paper and its reference implementation."""

    variant: str = "s2s-mc"
    sequence: int = 150
    batch_size: int = 50
    steps: int = 2000
    max_minutes: float | None = None
    learning_rate: float = 2e-4
    beta1: float = 0.5
    amsgrad: bool = True
    grad_clip: float = 10.0
    grad_noise_eta: float = 0.0  # the reference's 0.01 drowns the gradient at our loss scale
    grad_noise_gamma: float = 0.55
    contrastive_margin: float = 3.0
    # The reference code sums the per-frame MSE over the window but averages the contrastive
    # term: relative to the mean MSE the contrastive loss weighs 1/sequence.
    contrastive_weight: float | None = None
    train_snrs: tuple = (None, 0.0, 10.0)  # None = clean
    val_snr: float | None = 5.0
    val_sequences: int = 64
    val_every: int = 100
    checkpoint_every: int = 100
    seed: int = 0
    amp: bool = False
    # Scheduled-sampling warm-up (beyond the paper): for the first ``teacher_updates`` updates each
    # decoder input is the ground-truth frame with a probability falling linearly from 1 to 0, so
    # the decoder learns the motion's dynamics before it must live on its own output; after that,
    # the paper's auto-conditioning (ground truth only before the window).
    teacher_updates: int = 0
    # Beyond the paper: MSE from one start frame regresses to the mean pose (measured: limbs at
    # ~24 % of the dancer's speed). This term asks each window to move as much as the dancer did,
    # component by component, whatever the phase; 0 = off. (Weights 50 and 200 with frame-to-frame
    # speed alone gave 4-9x the dancer's limb speed, ~80 % of it jitter: see ``speed_loss``.)
    speed_weight: float = 0.0

    def __post_init__(self):
        if self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {self.variant!r}")
        if (self.sequence < 2 or self.batch_size < 1 or self.steps < 0 or self.teacher_updates < 0
                or self.speed_weight < 0):
            raise ValueError("sequence must be >= 2, batch_size >= 1 and steps >= 0")
        self.train_snrs = tuple(self.train_snrs)

    @property
    def contrastive(self) -> float:
        if self.variant != "s2s-mc":
            return 0.0
        return 1.0 / self.sequence if self.contrastive_weight is None else self.contrastive_weight

    def to_dict(self) -> dict:
        return {**asdict(self), "train_snrs": list(self.train_snrs)}


# ------------------------------------------------------------------------------------------
# data


@dataclass
class StepData:
    """Songs as one concatenated store: clean power codes, normalised motion, dance, signal power."""

    power_codes: torch.Tensor  # [N, bins, stft] uint8 (step_audio.quantise_power)
    motion: torch.Tensor  # [N, D] float32, normalised to [-1, 1]
    offsets: np.ndarray  # [S + 1] song boundaries in the store
    dance: np.ndarray  # [S] dance index
    signal_power: np.ndarray  # [S] mean square of each song's audio (SNR reference)
    names: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.offsets = np.asarray(self.offsets, dtype=np.int64)
        self.dance = np.asarray(self.dance, dtype=np.int64)
        self.signal_power = np.asarray(self.signal_power, dtype=np.float64)
        s = len(self.offsets) - 1
        if len(self.power_codes) != len(self.motion) or self.offsets[-1] != len(self.motion) or s < 1:
            raise StepDataError("audio frames, motion frames and song offsets disagree")
        if len(self.dance) != s or len(self.signal_power) != s:
            raise StepDataError("need one dance and one signal power per song")

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def subset(self, songs) -> "StepData":
        songs = list(songs)
        parts = [slice(int(self.offsets[i]), int(self.offsets[i + 1])) for i in songs]
        lengths = [p.stop - p.start for p in parts]
        return StepData(torch.cat([self.power_codes[p] for p in parts]), torch.cat([self.motion[p] for p in parts]),
                        np.concatenate([[0], np.cumsum(lengths)]), self.dance[songs], self.signal_power[songs],
                        [self.names[i] for i in songs] if self.names else [])

    def to(self, device) -> "StepData":
        return StepData(self.power_codes.to(device), self.motion.to(device).float(), self.offsets, self.dance,
                        self.signal_power, self.names)


@dataclass
class StepBatch:
    audio: torch.Tensor  # [B, L, bins, stft] normalised features
    first: torch.Tensor  # [B, D] ground-truth frame before the window
    target: torch.Tensor  # [B, L, D]
    dance: torch.Tensor  # [B]


def sample_batch(data: StepData, batch_size: int, length: int, snrs, generator: torch.Generator) -> StepBatch:
    """Random windows (uniform over every valid start of every song) with random noise conditions."""
    device = data.motion.device
    usable = np.maximum(data.lengths - length, 0)  # starts 1 .. len - length
    if usable.sum() == 0:
        raise StepDataError(f"no song is longer than {length} frames")
    weights = torch.as_tensor(usable, dtype=torch.float64, device=device)
    song = torch.multinomial(weights, batch_size, replacement=True, generator=generator)
    usable_t = torch.as_tensor(usable, device=device)[song]
    start = 1 + (torch.rand(batch_size, generator=generator, device=device, dtype=torch.float64)
                 * usable_t).long().clamp(max=usable_t - 1)
    base = torch.as_tensor(data.offsets[:-1], device=device)[song] + start
    index = base[:, None] + torch.arange(length, device=device)
    snr_values = torch.as_tensor([math.inf if s is None else float(s) for s in snrs], device=device)
    snr = snr_values[torch.randint(len(snr_values), (batch_size,), generator=generator, device=device)]
    sig = torch.as_tensor(data.signal_power, dtype=torch.float32, device=device)[song]
    power = dequantise_power(data.power_codes[index])
    noisy = add_white_noise_power(power, snr[:, None, None, None], sig[:, None, None, None], generator)
    return StepBatch(normalise_power(noisy), data.motion[base - 1], data.motion[index],
                     torch.as_tensor(data.dance, device=device)[song])


# ------------------------------------------------------------------------------------------
# losses


def direction_labels(first: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Weak labels ``[B, L - 1]`` for code pairs (t-1, t): 1 while the pose spread keeps its direction.

    The spread is the standard deviation over the motion vector of each frame; its change from the
    previous frame has a sign, and a sign flip between consecutive changes is a motion beat (0).
    """
    frames = torch.cat([first[:, None], target], dim=1)
    sign = torch.sign(frames.std(dim=-1).diff(dim=1))  # [B, L]
    return (sign[:, 1:] + sign[:, :-1]).abs().clamp(max=1.0)


def speed_loss(motion: torch.Tensor, target: torch.Tensor, lags: tuple[int, ...] = (1, 4, 8)) -> torch.Tensor:
    """Squared difference of how far each motion component travels per window, over several lags,
    and of its mean acceleration.

    Phase-free: a window that moves as much as the dancer, early or late, costs nothing; a frozen
    one costs the dancer's whole speed. Frame-to-frame speed alone is met by jitter (measured: a
    network trained on it shook at 4x the dancer's limb speed, 80 % of it gone after 5-frame
    smoothing); the longer lags and the acceleration term ask for the dancer's speed at the scale
    of a step and for the dancer's smoothness.
    """
    loss = motion.new_zeros(())
    for lag in lags:
        if motion.shape[1] > lag:
            generated = (motion[:, lag:] - motion[:, :-lag]).abs().mean(dim=1)
            real = (target[:, lag:] - target[:, :-lag]).abs().mean(dim=1)
            loss = loss + F.mse_loss(generated, real) / lag**2  # a lag-k change is ~k frame changes
    if motion.shape[1] > 2:
        loss = loss + F.mse_loss(motion.diff(n=2, dim=1).abs().mean(dim=1), target.diff(n=2, dim=1).abs().mean(dim=1))
    return loss


def contrastive_loss(codes: torch.Tensor, labels: torch.Tensor, margin: float) -> torch.Tensor:
    """Hadsell-Chopra-LeCun contrastive loss between the codes of consecutive frames."""
    distance = (codes[:, 1:] - codes[:, :-1]).norm(dim=-1)
    loss = labels * distance**2 + (1.0 - labels) * F.relu(margin - distance) ** 2
    return 0.5 * loss.mean()


# ------------------------------------------------------------------------------------------
# training


@dataclass
class StepRecord:
    step: int
    loss: float
    mse: float
    contrastive: float
    val_mse: float | None
    seconds: float


@dataclass
class StepTrainResult:
    history: list[StepRecord]
    steps_done: int
    best_step: int
    best_val_mse: float | None
    seconds: float
    frames_per_second: float
    resumed_from: int = 0
    interrupted: bool = False

    def to_dict(self) -> dict:
        return {**asdict(self), "history": [asdict(h) for h in self.history]}


def _autocast(device: torch.device, amp: bool):
    if amp and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast(device.type, enabled=False)


def _dance_arg(model: nn.Module, dance: torch.Tensor):
    return dance if getattr(model, "conditioned", False) else None


@torch.no_grad()
def validation_mse(model: nn.Module, batches: list[StepBatch], amp: bool = False) -> float:
    """Auto-conditioned MSE over fixed validation windows (eval mode)."""
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for b in batches:
        with _autocast(b.audio.device, amp):
            motion, _ = model(b.audio, b.first, _dance_arg(model, b.dance))
        total += F.mse_loss(motion.float(), b.target, reduction="sum").item()
        count += b.target.numel()
    model.train(was_training)
    return total / max(count, 1)


def _validation_batches(val: StepData | None, cfg: StepTrainConfig, device: torch.device) -> list[StepBatch]:
    if val is None or cfg.val_sequences < 1 or not (val.lengths > cfg.sequence).any():
        return []
    generator = torch.Generator(device).manual_seed(cfg.seed + 7919)  # the same windows every time
    snrs = (cfg.val_snr,)
    sizes = [min(cfg.batch_size, cfg.val_sequences - i) for i in range(0, cfg.val_sequences, cfg.batch_size)]
    return [sample_batch(val, n, cfg.sequence, snrs, generator) for n in sizes]


class _StopFlag:
    """Ctrl-C during training: finish the current update, write a checkpoint, then stop."""

    def __init__(self):
        self.requested = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        self.requested = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _state_of(model, optimiser, gens, step, busy, history, best, cfg):
    return {"network": model.state_dict(), "optimiser": optimiser.state_dict(),
            "data_rng": gens[0].get_state(), "noise_rng": gens[1].get_state(), "step": step, "busy": busy,
            "history": [asdict(h) for h in history], "best_state": best[0], "best_step": best[1],
            "best_val": best[2], "config": cfg.to_dict()}


def train_steps(model: nn.Module, train: StepData, val: StepData | None, cfg: StepTrainConfig,
                checkpoint: str | Path | None = None, device: str = "cpu", progress: bool = False,
                on_step: Callable[[int, StepRecord], None] | None = None) -> StepTrainResult:
    """Train ``model`` in place; it ends holding the best validation weights (or the last ones).

    ``checkpoint``: file written every ``cfg.checkpoint_every`` updates, at the end and on Ctrl-C;
    when it exists the run continues from it (its recipe must match). ``on_step(step, record)``
    is called after every update (for logs; tests use it to interrupt).
    """
    device = torch.device(device)
    model.to(device).train()
    train = train.to(device)
    val = val.to(device) if val is not None else None
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate, betas=(cfg.beta1, 0.999),
                                 amsgrad=cfg.amsgrad)
    data_rng = torch.Generator(device).manual_seed(cfg.seed)
    noise_rng = torch.Generator(device).manual_seed(cfg.seed + 1)
    history: list[StepRecord] = []
    step, busy, best = 0, 0.0, (None, 0, None)
    saved = resume_checkpoint(checkpoint) if checkpoint else None
    if saved is not None:
        free = ("steps", "max_minutes", "checkpoint_every", "val_every")  # may change between runs
        mismatch = {k for k, v in cfg.to_dict().items() if k not in free and saved["config"].get(k) != v}
        if mismatch:
            raise CheckpointError(f"checkpoint {checkpoint} was written by another recipe "
                                  f"({', '.join(sorted(mismatch))} differ); delete it to start over")
        model.load_state_dict(saved["network"])
        optimiser.load_state_dict(saved["optimiser"])
        data_rng.set_state(saved["data_rng"])
        noise_rng.set_state(saved["noise_rng"])
        step, busy = int(saved["step"]), float(saved["busy"])
        history = [StepRecord(**h) for h in saved["history"]]
        best = (saved["best_state"], int(saved["best_step"]), saved["best_val"])
    resumed_from, busy_at_start = step, busy
    val_batches = _validation_batches(val, cfg, device)
    params = [p for p in model.parameters() if p.requires_grad]
    frames_seen, interrupted = 0, False

    def checkpoint_now():
        if checkpoint:
            save_checkpoint(checkpoint, _state_of(model, optimiser, (data_rng, noise_rng), step, busy, history,
                                                  best, cfg))

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=cfg.steps, initial=step, desc=cfg.variant, unit="step", dynamic_ncols=True)
    with _StopFlag() as stop:
        while step < cfg.steps and not (cfg.max_minutes is not None and busy >= 60.0 * cfg.max_minutes):
            started = time.perf_counter()
            batch = sample_batch(train, cfg.batch_size, cfg.sequence, cfg.train_snrs, data_rng)
            teacher = None
            if step < cfg.teacher_updates:
                chance = 1.0 - step / cfg.teacher_updates
                use = torch.rand(batch.target.shape[:2], generator=data_rng, device=device) < chance
                teacher = (batch.target, use)
            with _autocast(device, cfg.amp):
                motion, codes = model(batch.audio, batch.first, _dance_arg(model, batch.dance), teacher=teacher)
            mse = F.mse_loss(motion.float(), batch.target)
            ctr = torch.zeros((), device=device)
            if cfg.contrastive > 0:
                labels = direction_labels(batch.first, batch.target)
                ctr = contrastive_loss(codes.float(), labels, cfg.contrastive_margin)
            loss = mse + cfg.contrastive * ctr
            if cfg.speed_weight:
                loss = loss + cfg.speed_weight * speed_loss(motion.float(), batch.target)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.grad_clip:
                nn.utils.clip_grad_norm_(params, cfg.grad_clip)
            if cfg.grad_noise_eta:
                std = math.sqrt(cfg.grad_noise_eta / (1.0 + step) ** cfg.grad_noise_gamma)
                for p in params:
                    if p.grad is not None:
                        p.grad.add_(torch.randn(p.shape, generator=noise_rng, device=device), alpha=std)
            optimiser.step()
            step += 1
            frames_seen += batch.target.shape[0] * batch.target.shape[1]
            val_mse = None
            if val_batches and (step % cfg.val_every == 0 or step == cfg.steps):
                val_mse = validation_mse(model, val_batches, cfg.amp)
                if best[2] is None or val_mse < best[2]:
                    best = ({k: v.detach().cpu().clone() for k, v in model.state_dict().items()}, step, val_mse)
            busy += time.perf_counter() - started
            record = StepRecord(step, loss.item(), mse.item(), ctr.item(), val_mse, busy)
            history.append(record)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(mse=f"{record.mse:.4f}", **({"val": f"{val_mse:.4f}"} if val_mse is not None else {}))
            if step % cfg.checkpoint_every == 0:
                checkpoint_now()
            if on_step is not None:
                on_step(step, record)
            if stop.requested:
                interrupted = True
                break
    if bar is not None:
        bar.close()
    if not interrupted and val_batches and history and history[-1].step == step and history[-1].val_mse is None:
        # stopped by the time budget between validations: judge the last weights too
        history[-1].val_mse = validation_mse(model, val_batches, cfg.amp)
        if best[2] is None or history[-1].val_mse < best[2]:
            best = ({k: v.detach().cpu().clone() for k, v in model.state_dict().items()}, step, history[-1].val_mse)
    checkpoint_now()
    if interrupted:
        raise KeyboardInterrupt
    if best[0] is not None:
        model.load_state_dict(copy.deepcopy(best[0]))
    model.eval()
    return StepTrainResult(history, step, best[1] if best[0] is not None else step, best[2], busy,
                           frames_seen / max(busy - busy_at_start, 1e-9), resumed_from, interrupted)
