"""The shipped dance model's trainer: synthetic songs and real songs mixed in every batch.

Paper 1's recipe (III-B: class-balanced recordings, random 224-frame crops, Adam, NLL) with
what a GPU and a small real set call for: larger batches, bf16, a one-cycle schedule,
SpecAugment masks, and a fixed share of every batch drawn from the real songs so the few real
recordings are not drowned by the synthetic ones. The step with the best validation score
(real recording accuracy, then synthetic segment accuracy) is kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dancekit.training.augment import domain_randomise, spec_augment
from dancekit.training.engine import predict
from dancekit.training.loop import Evaluation, LoopResult, LoopSettings, TrainingPlan, run_training
from dancekit.training.segments import SegmentSampler
from dancekit.training.spectrograms import SpectrogramSet

SEGMENT_FRAMES = 224  # paper 1: 5.2 s of the dance_cnn_mel front end
EVAL_STRIDE = 200  # as inference cuts a recording


@dataclass(frozen=True)
class DanceModelSettings:
    """How the dance model is trained.

    Parameters
    ----------
    steps : int
        Updates (batches).
    batch_size : int
        Segments per batch, synthetic and real together.
    learning_rate : float
        Peak of the one-cycle schedule (Adam).
    real_fraction : float
        Share of each batch drawn from the real training songs (when there are any).
    eval_every : int
        Updates between validations.
    eval_segments : int
        Synthetic validation segments drawn per validation.
    seed : int
        Seeds weights, batches and masks.
    max_minutes : float, optional
        Stop after this much training time; the best step so far is kept.
    randomise : bool
        Domain randomisation of the synthetic segments (real music under them, random EQ and level;
        :func:`dancekit.training.augment.domain_randomise`).
    mix_probability : float
        Share of synthetic segments that get real music under them (when background music is given).
    """

    steps: int = 4000
    batch_size: int = 32
    learning_rate: float = 5e-4
    real_fraction: float = 0.25
    eval_every: int = 250
    eval_segments: int = 2000
    seed: int = 0
    max_minutes: float | None = None
    randomise: bool = False
    mix_probability: float = 0.5

    def to_dict(self) -> dict:
        """The settings as plain data (for the model card).

        Returns
        -------
        dict
        """
        return asdict(self)


class MixedSegmentPlan(TrainingPlan):
    """Batches of synthetic and real segments with SpecAugment; validation on both kinds.

    Parameters
    ----------
    synth_train, synth_val : SpectrogramSet
        Synthetic songs (validation: random balanced segments).
    real_train, real_val : SpectrogramSet or None
        Real songs (validation: accuracy per recording, as inference answers).
    settings : DanceModelSettings
    device : torch.device
    background : SpectrogramSet, optional
        Real non-dance music whose crops go under synthetic segments (``settings.randomise``).
    """

    def __init__(self, synth_train: SpectrogramSet, synth_val: SpectrogramSet, real_train: SpectrogramSet | None,
                 real_val: SpectrogramSet | None, settings: DanceModelSettings, device: torch.device,
                 background: SpectrogramSet | None = None):
        seeds = np.random.SeedSequence(settings.seed).spawn(6)
        self.synth = SegmentSampler(synth_train.spectrograms, synth_train.labels, SEGMENT_FRAMES, seed=seeds[0])
        self.real = (SegmentSampler(real_train.spectrograms, real_train.labels, SEGMENT_FRAMES, seed=seeds[1])
                     if real_train is not None and len(real_train) else None)
        self.synth_val = SegmentSampler(synth_val.spectrograms, synth_val.labels, SEGMENT_FRAMES, seed=seeds[2])
        self.masks = np.random.default_rng(seeds[3])
        self.randomiser = np.random.default_rng(seeds[4])
        self.background = (SegmentSampler(background.spectrograms, [0] * len(background), SEGMENT_FRAMES,
                                          seed=seeds[5]) if background is not None and len(background) else None)
        self.real_val, self.settings, self.device = real_val, settings, device
        self.n_real = int(round(settings.batch_size * settings.real_fraction)) if self.real is not None else 0
        self.loss_fn = nn.NLLLoss()

    def _generators(self) -> list[np.random.Generator]:
        samplers = (self.synth, self.real, self.synth_val, self.background)
        return [s.rng for s in samplers if s is not None] + [self.masks, self.randomiser]

    def batch(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = self.synth.batch(self.settings.batch_size - self.n_real)
        if self.settings.randomise:
            under = self.background.batch(len(x))[0] if self.background is not None else None
            x = domain_randomise(x, self.randomiser, under, mix_probability=self.settings.mix_probability)
        if self.n_real:
            xr, yr = self.real.batch(self.n_real)
            x, y = torch.cat([x, xr]), torch.cat([y, yr])
        return spec_augment(x.float(), self.masks), y

    def loss(self, network: nn.Module, batch, step: int) -> tuple[torch.Tensor, dict]:
        x, y = batch
        x = x.to(self.device).unsqueeze(1).contiguous(memory_format=torch.channels_last)
        return self.loss_fn(torch.log_softmax(network(x).float(), dim=-1), y.to(self.device)), {}

    def evaluate(self, network: nn.Module) -> Evaluation:
        correct, n = 0, self.settings.eval_segments
        for first in range(0, n, 250):
            x, y = self.synth_val.batch(min(250, n - first))
            correct += int((network(x.float().to(self.device)).argmax(-1).cpu() == y).sum())
        metrics = {"synth_val_segment_acc": correct / n}
        if self.real_val is not None and len(self.real_val):
            metrics["real_val_recording_acc"] = predict(network, self.real_val, SEGMENT_FRAMES, EVAL_STRIDE,
                                                        self.device, amp=True).recording_accuracy()
        return Evaluation((metrics.get("real_val_recording_acc", 0.0), metrics["synth_val_segment_acc"]), metrics)

    def batch_size(self, batch) -> int:
        return len(batch[1])

    def state_dict(self) -> dict:
        return {"generators": [g.bit_generator.state for g in self._generators()]}

    def load_state_dict(self, state: dict) -> None:
        for generator, saved in zip(self._generators(), state["generators"]):
            generator.bit_generator.state = saved


def train_dance_model(network: nn.Module, synth_train: SpectrogramSet, synth_val: SpectrogramSet,
                      real_train: SpectrogramSet | None = None, real_val: SpectrogramSet | None = None,
                      settings: DanceModelSettings = DanceModelSettings(), device: str | torch.device = "cpu",
                      checkpoint: str | Path | None = None, progress: bool = False,
                      background: SpectrogramSet | None = None) -> LoopResult:
    """Train ``network`` in place on synthetic (and real) songs; it ends holding the best step's weights.

    Parameters
    ----------
    network : torch.nn.Module
        A dance CNN with as many outputs as the sets' classes.
    synth_train, synth_val : SpectrogramSet
        Synthetic training and validation songs.
    real_train, real_val : SpectrogramSet, optional
        Real training and validation songs.
    settings : DanceModelSettings
    device : str or torch.device
    checkpoint : path, optional
        Resumable progress (written at every validation).
    progress : bool
        Show a progress bar.
    background : SpectrogramSet, optional
        Real non-dance music mixed under synthetic segments when ``settings.randomise`` is on.

    Returns
    -------
    LoopResult
        One history record per validation; ``best_score`` is (real accuracy, synthetic accuracy).
    """
    device = torch.device(device)
    torch.manual_seed(settings.seed)
    network.to(device).to(memory_format=torch.channels_last)
    optimiser = torch.optim.Adam(network.parameters(), lr=settings.learning_rate)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=settings.learning_rate,
                                                    total_steps=max(1, settings.steps), pct_start=0.1)
    plan = MixedSegmentPlan(synth_train, synth_val, real_train, real_val, settings, device, background)
    loop = LoopSettings(steps=settings.steps, evaluate_every=settings.eval_every, amp=True, keep="best",
                        max_minutes=settings.max_minutes, progress="dance model" if progress else None)
    result = run_training(network, optimiser, plan, loop, scheduler, checkpoint, device,
                          signature={k: v for k, v in settings.to_dict().items() if k != "max_minutes"})
    network.to(memory_format=torch.contiguous_format)
    return result
