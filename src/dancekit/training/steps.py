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

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from dancekit.errors import DancekitError
from dancekit.features.step_audio import add_white_noise_power, dequantise_power, normalise_power
from dancekit.training.loop import Evaluation, LoopSettings, TrainingPlan, run_training
from dancekit.training.precision import autocast
from dancekit.training.step_tempo import (StepRhythm, draw_stretch, stretched_motion, window_phase, window_positions,
                                          window_span)

VARIANTS = ("s2s", "s2s-mc")


class StepDataError(DancekitError):
    """Training data for the step generator is unusable (too short, shapes that disagree)."""


@dataclass
class StepTrainConfig:
    """The recipe; defaults follow the paper and its reference implementation.

    Parameters
    ----------
    variant : {"s2s", "s2s-mc"}
        Plain sequence-to-sequence, or with the contrastive loss on motion beats.
    sequence : int
        Motion frames per training window (paper: 150).
    batch_size : int
        Windows per update.
    steps : int
        Updates in the whole run.
    max_minutes : float or None
        Stop after this much training time.
    learning_rate : float
        Adam's learning rate.
    beta1 : float
        Adam's first-moment decay (the reference's 0.5).
    amsgrad : bool
        Use Adam's AMSGrad form.
    grad_clip : float
        Clip the global gradient norm to this.
    grad_noise_eta : float
        Scale of the annealed Gaussian gradient noise; 0 = none (the reference's 0.01 drowns the
        gradient at this loss scale).
    grad_noise_gamma : float
        Annealing exponent of that noise.
    contrastive_margin : float
        Distance the codes of a "different" frame pair are pushed apart to.
    contrastive_weight : float or None
        Weight of the contrastive loss against the mean MSE; None = ``1 / sequence``, as the
        reference code's summed MSE implies.
    train_snrs : tuple of (float or None)
        SNRs (dB) a training window's noise is drawn from; None = clean.
    val_snr : float or None
        SNR (dB) of the validation windows; None = clean.
    val_sequences : int
        Fixed validation windows.
    val_every : int
        Updates between validations.
    checkpoint_every : int
        Updates between checkpoints.
    seed : int
        Seeds the windows, the noise and the gradient noise.
    amp : bool
        bf16 autocast on CUDA.
    teacher_updates : int
        Updates of scheduled-sampling warm-up (beyond the paper); 0 = none.
    speed_weight : float
        Weight of :func:`speed_loss` (beyond the paper: MSE alone regresses to the mean pose); 0 = off.
    phase : bool
        Feed the decoder the beat and bar phase of every frame (:mod:`dancekit.features.step_phase`;
        the data must carry the songs' beat grids).
    tempo_range : tuple of float or None
        Tempo augmentation: each training window's music and motion are played a random factor in
        this range slower (:mod:`dancekit.training.step_tempo`); None = off. Validation stays at the
        songs' own tempo.
    """

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
    # Beyond the paper (issue 18): the phase input and tempo augmentation, so the decoder follows
    # the song's beat instead of the one tempo most training songs share.
    phase: bool = False
    tempo_range: tuple | None = None

    def __post_init__(self):
        if self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, not {self.variant!r}")
        if (self.sequence < 2 or self.batch_size < 1 or self.steps < 0 or self.teacher_updates < 0
                or self.speed_weight < 0):
            raise ValueError("sequence must be >= 2, batch_size >= 1 and steps >= 0")
        self.train_snrs = tuple(self.train_snrs)
        if self.tempo_range is not None:
            self.tempo_range = tuple(float(v) for v in self.tempo_range)
            if len(self.tempo_range) != 2 or not 0.25 <= self.tempo_range[0] <= self.tempo_range[1] <= 4.0:
                raise ValueError(f"tempo_range must be (low, high) with 0.25 <= low <= high <= 4, "
                                 f"not {self.tempo_range}")

    @property
    def contrastive(self) -> float:
        """Weight of the contrastive loss in the total: 0 for S2S, else ``contrastive_weight`` or ``1 / sequence``.

        Returns
        -------
        float
        """
        if self.variant != "s2s-mc":
            return 0.0
        return 1.0 / self.sequence if self.contrastive_weight is None else self.contrastive_weight

    def to_dict(self) -> dict:
        """The recipe as plain data (for the checkpoint's signature and the model card).

        Returns
        -------
        dict
        """
        tempo = list(self.tempo_range) if self.tempo_range else None
        return {**asdict(self), "train_snrs": list(self.train_snrs), "tempo_range": tempo}


# ------------------------------------------------------------------------------------------
# data


@dataclass
class StepData:
    """Songs as one concatenated store: clean power codes, normalised motion, dance, signal power.

    One store (not a list of songs) lets a batch be gathered with one index on the GPU; clean
    power is kept so that noise can be drawn afresh at every update.

    Parameters
    ----------
    power_codes : torch.Tensor [shape=(N, bins, stft), dtype=uint8]
        Quantised clean power of every frame (``step_audio.quantise_power``).
    motion : torch.Tensor [shape=(N, D)]
        Motion features of every frame, normalised to [-1, 1].
    offsets : np.ndarray [shape=(S + 1,)]
        Song boundaries in the store.
    dance : np.ndarray [shape=(S,)]
        Dance index of each song.
    signal_power : np.ndarray [shape=(S,)]
        Mean square of each song's audio (the SNR reference).
    names : list of str
        Song names (may be empty).
    rhythm : StepRhythm, optional
        Every frame's place in its song's beat grid (for the phase input and tempo augmentation).
    rate_zero : torch.Tensor [shape=(D,)], optional
        Normalised zero of each motion component that is a per-frame rate, NaN for the others
        (:func:`dancekit.training.step_tempo.rate_zero`): tempo augmentation scales those.

    Raises
    ------
    StepDataError
        The frame counts, offsets or per-song arrays disagree.
    """

    power_codes: torch.Tensor  # [N, bins, stft] uint8 (step_audio.quantise_power)
    motion: torch.Tensor  # [N, D] float32, normalised to [-1, 1]
    offsets: np.ndarray  # [S + 1] song boundaries in the store
    dance: np.ndarray  # [S] dance index
    signal_power: np.ndarray  # [S] mean square of each song's audio (SNR reference)
    names: list[str] = field(default_factory=list)
    rhythm: StepRhythm | None = None
    rate_zero: torch.Tensor | None = None

    def __post_init__(self):
        self.offsets = np.asarray(self.offsets, dtype=np.int64)
        self.dance = np.asarray(self.dance, dtype=np.int64)
        self.signal_power = np.asarray(self.signal_power, dtype=np.float64)
        s = len(self.offsets) - 1
        if len(self.power_codes) != len(self.motion) or self.offsets[-1] != len(self.motion) or s < 1:
            raise StepDataError("audio frames, motion frames and song offsets disagree")
        if len(self.dance) != s or len(self.signal_power) != s:
            raise StepDataError("need one dance and one signal power per song")
        if self.rhythm is not None and (len(self.rhythm.position) != len(self.motion) or len(self.rhythm.downbeat) != s):
            raise StepDataError("the beat grid needs one position per frame and one meter per song")

    @property
    def lengths(self) -> np.ndarray:
        """Frames of each song.

        Returns
        -------
        np.ndarray [shape=(S,)]
        """
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def subset(self, songs) -> "StepData":
        """Some songs as a store of their own (a training or validation split).

        Parameters
        ----------
        songs : iterable of int
            Song indices, in the order wanted.

        Returns
        -------
        StepData
            Their frames and per-song arrays, offsets counted from 0.
        """
        songs = list(songs)
        parts = [slice(int(self.offsets[i]), int(self.offsets[i + 1])) for i in songs]
        lengths = [p.stop - p.start for p in parts]
        return StepData(torch.cat([self.power_codes[p] for p in parts]), torch.cat([self.motion[p] for p in parts]),
                        np.concatenate([[0], np.cumsum(lengths)]), self.dance[songs], self.signal_power[songs],
                        [self.names[i] for i in songs] if self.names else [],
                        self.rhythm.subset(parts, songs) if self.rhythm is not None else None, self.rate_zero)

    def to(self, device) -> "StepData":
        """The store with its tensors on ``device`` (motion as float32); the per-song arrays stay numpy.

        Parameters
        ----------
        device : str or torch.device

        Returns
        -------
        StepData
        """
        return StepData(self.power_codes.to(device), self.motion.to(device).float(), self.offsets, self.dance,
                        self.signal_power, self.names, self.rhythm.to(device) if self.rhythm is not None else None,
                        self.rate_zero.to(device) if self.rate_zero is not None else None)


@dataclass
class StepBatch:
    """Training or validation windows with their conditions, as the step generator takes them.

    Parameters
    ----------
    audio : torch.Tensor [shape=(B, L, bins, stft)]
        Normalised (noisy) audio features of each window.
    first : torch.Tensor [shape=(B, D)]
        The ground-truth motion frame before each window.
    target : torch.Tensor [shape=(B, L, D)]
        The ground-truth motion of each window.
    dance : torch.Tensor [shape=(B,)]
        Dance index of each window's song.
    phase : torch.Tensor [shape=(B, L, PHASE_DIM)], optional
        Beat and bar phase of each frame (:mod:`dancekit.features.step_phase`), when asked for.
    stretch : torch.Tensor [shape=(B,)], optional
        How many times slower each window plays than its song (tempo augmentation).
    """

    audio: torch.Tensor  # [B, L, bins, stft] normalised features
    first: torch.Tensor  # [B, D] ground-truth frame before the window
    target: torch.Tensor  # [B, L, D]
    dance: torch.Tensor  # [B]
    phase: torch.Tensor | None = None
    stretch: torch.Tensor | None = None


def sample_batch(data: StepData, batch_size: int, length: int, snrs, generator: torch.Generator,
                 tempo_range: tuple[float, float] | None = None, phase: bool = False) -> StepBatch:
    """Random windows (uniform over every valid start of every song) with random noise conditions.

    With ``tempo_range`` each window is also played a random factor slower or faster, its music,
    motion and phase together (:mod:`dancekit.training.step_tempo`); without it the draws are
    those of a run without augmentation.

    Parameters
    ----------
    data : StepData
        The songs.
    batch_size : int
        Windows to draw.
    length : int
        Frames per window.
    snrs : sequence of (float or None)
        SNRs (dB) each window's noise is drawn from; None = clean.
    generator : torch.Generator
        Source of the draws, on the data's device.
    tempo_range : tuple of float, optional
        ``(lowest, highest)`` stretch factor of tempo augmentation.
    phase : bool
        Also give each frame's beat and bar phase (the data must carry its beat grid).

    Returns
    -------
    StepBatch

    Raises
    ------
    StepDataError
        No song is longer than the frames a window reads, or phase is asked of data without a beat grid.
    """
    device = data.motion.device
    span = window_span(length, tempo_range)
    usable = np.maximum(data.lengths - span, 0)  # starts 1 .. len - span
    if usable.sum() == 0:
        raise StepDataError(f"no song is longer than {span} frames")
    if phase and data.rhythm is None:
        raise StepDataError("the phase input needs the songs' beat grids: prepare the data again")
    weights = torch.as_tensor(usable, dtype=torch.float64, device=device)
    song = torch.multinomial(weights, batch_size, replacement=True, generator=generator)
    usable_t = torch.as_tensor(usable, device=device)[song]
    start = 1 + (torch.rand(batch_size, generator=generator, device=device, dtype=torch.float64)
                 * usable_t).long().clamp(max=usable_t - 1)
    base = torch.as_tensor(data.offsets[:-1], device=device)[song] + start
    stretch = draw_stretch(batch_size, tempo_range, generator, device) if tempo_range else None
    snr_values = torch.as_tensor([math.inf if s is None else float(s) for s in snrs], device=device)
    snr = snr_values[torch.randint(len(snr_values), (batch_size,), generator=generator, device=device)]
    sig = torch.as_tensor(data.signal_power, dtype=torch.float32, device=device)[song]
    if stretch is None:
        index = base[:, None] + torch.arange(length, device=device)
        first, target = data.motion[base - 1], data.motion[index]
        positions = index.double()
    else:
        where = window_positions(base, stretch, length)
        motion = stretched_motion(data.motion, where, stretch, data.rate_zero)
        first, target, positions = motion[:, 0], motion[:, 1:], where[:, 1:]
        index = positions.round().long()  # the nearest grain of audio
    power = dequantise_power(data.power_codes[index])
    noisy = add_white_noise_power(power, snr[:, None, None, None], sig[:, None, None, None], generator)
    phase_input = None
    if phase:
        ones = torch.ones(batch_size, dtype=torch.float64, device=device)
        phase_input = window_phase(data.rhythm, positions, stretch if stretch is not None else ones, song)
    return StepBatch(normalise_power(noisy), first, target, torch.as_tensor(data.dance, device=device)[song],
                     phase_input, stretch)


# ------------------------------------------------------------------------------------------
# losses


def direction_labels(first: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Weak labels ``[B, L - 1]`` for code pairs (t-1, t): 1 while the pose spread keeps its direction.

    The spread is the standard deviation over the motion vector of each frame; its change from the
    previous frame has a sign, and a sign flip between consecutive changes is a motion beat (0).

    Parameters
    ----------
    first : torch.Tensor [shape=(B, D)]
        The motion frame before each window.
    target : torch.Tensor [shape=(B, L, D)]
        The window's motion.

    Returns
    -------
    torch.Tensor [shape=(B, L - 1)]
        1.0 for "same" pairs, 0.0 for pairs across a motion beat.
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

    Parameters
    ----------
    motion : torch.Tensor [shape=(B, L, D)]
        Generated motion.
    target : torch.Tensor [shape=(B, L, D)]
        The dancer's motion.
    lags : tuple of int
        Frame lags whose mean travel is compared.

    Returns
    -------
    torch.Tensor
        The scalar loss.
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
    """Hadsell-Chopra-LeCun contrastive loss between the codes of consecutive frames.

    Parameters
    ----------
    codes : torch.Tensor [shape=(B, L, K)]
        Encoder codes of each frame.
    labels : torch.Tensor [shape=(B, L - 1)]
        1 for pairs pulled together, 0 for pairs pushed apart (:func:`direction_labels`).
    margin : float
        How far apart a "different" pair must be to cost nothing.

    Returns
    -------
    torch.Tensor
        The scalar loss.
    """
    distance = (codes[:, 1:] - codes[:, :-1]).norm(dim=-1)
    loss = labels * distance**2 + (1.0 - labels) * F.relu(margin - distance) ** 2
    return 0.5 * loss.mean()


# ------------------------------------------------------------------------------------------
# training


@dataclass
class StepRecord:
    """One update of :func:`train_steps`, for logs and the training report.

    Parameters
    ----------
    step : int
        Updates done.
    loss : float
        The update's total loss.
    mse : float
        Its MSE part.
    contrastive : float
        Its contrastive loss, before weighting (0 for S2S).
    val_mse : float or None
        Validation MSE when the network was validated after this update.
    seconds : float
        Training time of the run so far, earlier calls included.
    """

    step: int
    loss: float
    mse: float
    contrastive: float
    val_mse: float | None
    seconds: float


@dataclass
class StepTrainResult:
    """What :func:`train_steps` did, for reports and the model card.

    Parameters
    ----------
    history : list of StepRecord
        One record per update, resumed ones included.
    steps_done : int
        Updates done when the run ended.
    best_step : int
        The update whose weights the model ends with.
    best_val_mse : float or None
        Their validation MSE (None without validation).
    seconds : float
        Training time of the whole run, earlier calls included.
    frames_per_second : float
        Training speed of this call, in motion frames.
    resumed_from : int
        The update this call resumed from (0 for a fresh run).
    interrupted : bool
        Whether the run was stopped before its end (a Ctrl-C in :func:`train_steps` raises
        ``KeyboardInterrupt`` instead, after saving).
    """

    history: list[StepRecord]
    steps_done: int
    best_step: int
    best_val_mse: float | None
    seconds: float
    frames_per_second: float
    resumed_from: int = 0
    interrupted: bool = False

    def to_dict(self) -> dict:
        """The result as plain data (for JSON results and cards).

        Returns
        -------
        dict
        """
        return {**asdict(self), "history": [asdict(h) for h in self.history]}


def _dance_arg(model: nn.Module, dance: torch.Tensor):
    return dance if getattr(model, "conditioned", False) else None


def _phase_kwargs(batch: StepBatch) -> dict:
    """``phase=`` for the network where the batch carries one (older networks take no such argument)."""
    return {} if batch.phase is None else {"phase": batch.phase}


@torch.no_grad()
def validation_mse(model: nn.Module, batches: list[StepBatch], amp: bool = False) -> float:
    """Auto-conditioned MSE over fixed validation windows (eval mode).

    Parameters
    ----------
    model : torch.nn.Module
        The step generator.
    batches : list of StepBatch
        The fixed validation windows.
    amp : bool
        bf16 autocast on CUDA.

    Returns
    -------
    float
        Mean squared error per motion value.
    """
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    for b in batches:
        with autocast(b.audio.device, amp):
            motion, _ = model(b.audio, b.first, _dance_arg(model, b.dance), **_phase_kwargs(b))
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
    return [sample_batch(val, n, cfg.sequence, snrs, generator, phase=cfg.phase) for n in sizes]


class StepPlan(TrainingPlan):
    """Random noisy windows, MSE (+ contrastive, + speed) with a teacher-forcing warm-up, validation MSE.

    Parameters
    ----------
    train : StepData
        Training songs, on the training device.
    val_batches : list of StepBatch
        Fixed validation windows (empty: no validation, the last weights are kept).
    cfg : StepTrainConfig
    device : torch.device
    """

    def __init__(self, train: StepData, val_batches: list[StepBatch], cfg: StepTrainConfig, device: torch.device):
        self.train, self.val_batches, self.cfg, self.device = train, val_batches, cfg, device
        self.data_rng = torch.Generator(device).manual_seed(cfg.seed)
        self.noise_rng = torch.Generator(device).manual_seed(cfg.seed + 1)

    def batch(self, step: int) -> tuple[StepBatch, tuple | None]:
        cfg = self.cfg
        batch = sample_batch(self.train, cfg.batch_size, cfg.sequence, cfg.train_snrs, self.data_rng, cfg.tempo_range,
                             cfg.phase)
        teacher = None
        if step < cfg.teacher_updates:
            chance = 1.0 - step / cfg.teacher_updates
            use = torch.rand(batch.target.shape[:2], generator=self.data_rng, device=self.device) < chance
            teacher = (batch.target, use)
        return batch, teacher

    def loss(self, model: nn.Module, batch, step: int) -> tuple[torch.Tensor, dict]:
        (batch, teacher), cfg = batch, self.cfg
        motion, codes = model(batch.audio, batch.first, _dance_arg(model, batch.dance), teacher=teacher,
                              **_phase_kwargs(batch))
        mse = F.mse_loss(motion.float(), batch.target)
        ctr = torch.zeros((), device=self.device)
        if cfg.contrastive > 0:
            ctr = contrastive_loss(codes.float(), direction_labels(batch.first, batch.target), cfg.contrastive_margin)
        loss = mse + cfg.contrastive * ctr
        if cfg.speed_weight:
            loss = loss + cfg.speed_weight * speed_loss(motion.float(), batch.target)
        return loss, {"mse": mse.item(), "contrastive": ctr.item()}

    def after_backward(self, parameters: list[torch.Tensor], step: int) -> None:
        """Annealed Gaussian gradient noise (std sqrt(eta / (1 + t)^gamma)), when the recipe asks for it.

        Parameters
        ----------
        parameters : list of torch.Tensor
            The trained parameters, gradients filled and clipped.
        step : int
            0-based update number (``t``).
        """
        if self.cfg.grad_noise_eta:
            std = math.sqrt(self.cfg.grad_noise_eta / (1.0 + step) ** self.cfg.grad_noise_gamma)
            for p in parameters:
                if p.grad is not None:
                    p.grad.add_(torch.randn(p.shape, generator=self.noise_rng, device=self.device), alpha=std)

    def evaluate(self, model: nn.Module) -> Evaluation:
        if not self.val_batches:
            return Evaluation(0.0, {})
        val_mse = validation_mse(model, self.val_batches, self.cfg.amp)
        return Evaluation(-val_mse, {"val_mse": val_mse})

    def batch_size(self, batch) -> int:
        target = batch[0].target
        return target.shape[0] * target.shape[1]  # frames

    def state_dict(self) -> dict:
        return {"data_rng": self.data_rng.get_state(), "noise_rng": self.noise_rng.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.data_rng.set_state(state["data_rng"])
        self.noise_rng.set_state(state["noise_rng"])


def _step_record(record: dict) -> StepRecord:
    return StepRecord(record["step"], record["loss"], record["mse"], record["contrastive"], record.get("val_mse"),
                      record["busy"])


def train_steps(model: nn.Module, train: StepData, val: StepData | None, cfg: StepTrainConfig,
                checkpoint: str | Path | None = None, device: str = "cpu", progress: bool = False,
                on_step: Callable[[int, StepRecord], None] | None = None) -> StepTrainResult:
    """Train ``model`` in place; it ends holding the best validation weights (or the last ones).

    Parameters
    ----------
    model : torch.nn.Module
        The step generator (``dancekit.models.dance_rnn``).
    train, val : StepData
        Training songs; validation songs (None: no validation, the last weights are kept).
    cfg : StepTrainConfig
        The recipe.
    checkpoint : path, optional
        Written every ``cfg.checkpoint_every`` updates, at the end and on Ctrl-C; when it exists the
        run continues from it (its recipe must match, except its length, budget and cadences).
    device : str
    progress : bool
        Show a progress bar.
    on_step : callable, optional
        ``on_step(step, record)`` after every update (for logs; tests use it to interrupt).

    Returns
    -------
    StepTrainResult
    """
    device = torch.device(device)
    model.to(device).train()
    train = train.to(device)
    val = val.to(device) if val is not None else None
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate, betas=(cfg.beta1, 0.999),
                                 amsgrad=cfg.amsgrad)
    val_batches = _validation_batches(val, cfg, device)
    plan = StepPlan(train, val_batches, cfg, device)
    settings = LoopSettings(steps=cfg.steps, evaluate_every=cfg.val_every, record_every=1, amp=cfg.amp,
                            grad_clip=cfg.grad_clip, keep="best" if val_batches else "last",
                            checkpoint_every=cfg.checkpoint_every, max_minutes=cfg.max_minutes,
                            progress=cfg.variant if progress else None)
    free = ("steps", "max_minutes", "checkpoint_every", "val_every")  # may change between runs
    signature = {k: v for k, v in cfg.to_dict().items() if k not in free}

    def report(step: int, record: dict | None) -> None:
        if on_step is not None and record is not None:
            on_step(step, _step_record(record))

    run = run_training(model, optimiser, plan, settings, checkpoint=checkpoint, device=device, signature=signature,
                       on_step=report)
    history = [_step_record(r) for r in run.history]
    best_val = -run.best_score if val_batches and run.best_score is not None else None
    return StepTrainResult(history, run.step, run.best_step, best_val, run.busy_seconds, run.samples_per_second,
                           run.resumed_from)
