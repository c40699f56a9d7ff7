"""The one training loop: every trainer in dancekit is a :class:`TrainingPlan` run by :func:`run_training`.

A plan says what is particular to one model: how a batch is drawn, what the loss of a batch is
and how the network is judged. The loop owns everything that must be the same for all of them
and is easy to get subtly wrong: mixed precision, gradient clipping, the learning-rate schedule,
evaluation cadence, keeping the best weights, early stopping, a time budget, progress, Ctrl-C
and checkpoints from which a killed run resumes to the same weights bit for bit on a CPU.
"""

from __future__ import annotations

import copy
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn
from tqdm import tqdm

from dancekit.records import PlainFields
from dancekit.training.checkpoint import CheckpointError, resume_checkpoint, save_checkpoint
from dancekit.training.distributed import agree_max, current_group, shard, wrap_for_training
from dancekit.training.precision import autocast

KEEP = ("best", "last")


@dataclass
class Evaluation:
    """A plan's judgement of the network: ``score`` (higher is better; a tuple compares in order) and figures to log.

    Parameters
    ----------
    score : float or tuple
        What picks the best weights and drives early stopping; higher is better.
    metrics : dict
        Named figures added to the history record of that step.
    """

    score: float | tuple
    metrics: dict[str, Any] = field(default_factory=dict)


class TrainingPlan:
    """What one trainer supplies to :func:`run_training`; trainers subclass it and fill in each method.

    The loop calls, for every update, :meth:`batch` then :meth:`loss`; at every evaluation
    :meth:`evaluate` (network in eval mode, gradients off); and :meth:`state_dict` /
    :meth:`load_state_dict` carry the plan's own random state through a checkpoint.
    """

    def batch(self, step: int) -> Any:
        """The training batch of update ``step``.

        Parameters
        ----------
        step : int
            0-based update number (a resumed run goes on from where it stopped).

        Returns
        -------
        object
            Whatever :meth:`loss` and :meth:`batch_size` take.
        """
        raise NotImplementedError

    def loss(self, network: nn.Module, batch: Any, step: int) -> tuple[torch.Tensor, dict[str, float]]:
        """The loss of ``batch`` (inside the loop's autocast), and figures to log.

        Parameters
        ----------
        network : torch.nn.Module
            The network, in training mode.
        batch : object
            From :meth:`batch`.
        step : int
            0-based update number.

        Returns
        -------
        (torch.Tensor, dict)
            The scalar loss to minimise, and named floats averaged into the history.
        """
        raise NotImplementedError

    def evaluate(self, network: nn.Module) -> Evaluation:
        """Judge the network (eval mode, no gradients).

        Parameters
        ----------
        network : torch.nn.Module

        Returns
        -------
        Evaluation
            Its score (higher is better) and figures for the history.
        """
        raise NotImplementedError

    def batch_size(self, batch: Any) -> int:
        """Samples in ``batch`` (for the training speed).

        Parameters
        ----------
        batch : object
            From :meth:`batch`.

        Returns
        -------
        int
        """
        raise NotImplementedError

    def after_backward(self, parameters: list[torch.Tensor], step: int) -> None:
        """Change the gradients before the optimiser step (e.g. gradient noise); nothing by default.

        Parameters
        ----------
        parameters : list of torch.Tensor
            The trained parameters, gradients filled (and clipped).
        step : int
            0-based update number.
        """

    def state_dict(self) -> dict:
        """The plan's own state (random generators) for a checkpoint; nothing by default.

        Returns
        -------
        dict
        """
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned.

        Parameters
        ----------
        state : dict
        """


@dataclass(frozen=True)
class LoopSettings:
    """How long and how carefully to train; the plan decides what.

    Parameters
    ----------
    steps : int
        Updates in the whole run (a resumed run counts the ones already done).
    evaluate_every : int
        Updates between evaluations (an epoch for epoch-wise trainers); the last update is always evaluated.
    record_every : int or None
        Updates between history records (losses are averaged over them); default ``evaluate_every``.
    amp : bool
        bf16 autocast on CUDA (ignored on a CPU).
    grad_clip : float or None
        Clip the global gradient norm to this.
    keep : {"best", "last"}
        End with the best evaluated weights, or the last ones.
    early_stop_patience : int or None
        Stop after this many evaluations without a better score.
    checkpoint_every : int or None
        Updates between checkpoints; default: at every evaluation.
    checkpoint_every_s : float
        At least this many seconds between checkpoints (big networks with short epochs).
    max_minutes : float or None
        Stop after this much training time (resumed runs count the earlier time); the last
        weights are evaluated too.
    stop_at : int or None
        End this call after this update, checkpoint saved (a time-boxed job; a later call goes on).
    schedule_on : {"step", "evaluation"}
        Step the learning-rate scheduler after every update, or after every evaluation with the
        evaluation's ``plateau_metric`` (ReduceLROnPlateau).
    plateau_metric : str
        The evaluation figure a plateau scheduler watches.
    progress : str or None
        Description of a progress bar; None for none.
    unit : str
        What one update is called on the bar.
    """

    steps: int
    evaluate_every: int
    record_every: int | None = None
    amp: bool = False
    grad_clip: float | None = None
    keep: str = "best"
    early_stop_patience: int | None = None
    checkpoint_every: int | None = None
    checkpoint_every_s: float = 0.0
    max_minutes: float | None = None
    stop_at: int | None = None
    schedule_on: str = "step"
    plateau_metric: str = "val_loss"
    progress: str | None = None
    unit: str = "step"

    def __post_init__(self):
        if self.keep not in KEEP:
            raise ValueError(f"keep must be one of {KEEP}, not {self.keep!r}")
        if self.steps < 0 or self.evaluate_every < 1 or (self.record_every or 1) < 1:
            raise ValueError("steps must be >= 0, evaluate_every and record_every >= 1")


@dataclass
class LoopResult(PlainFields):
    """What a run did: its history records, where it ended and how fast it went.

    Each history record holds ``step``, the losses averaged since the previous record, the
    evaluation's metrics when one was made at that step, ``lr``, ``seconds`` of that span and
    ``busy``, the run's training time so far.

    Parameters
    ----------
    history : list of dict
        The records, resumed ones included.
    step : int
        Updates done when the run ended.
    best_step : int
        The update whose weights had the best score (``step`` when nothing was evaluated).
    best_score : float or tuple or None
        That score.
    busy_seconds : float
        Training and evaluation time of the whole run, earlier calls included.
    samples_per_second : float
        Training speed of this call (updates only).
    resumed_from : int
        The update this call resumed from (0 for a fresh run).
    stopped_early : bool
        Whether early stopping ended the run.
    """

    history: list[dict]
    step: int
    best_step: int
    best_score: Any
    busy_seconds: float
    samples_per_second: float
    resumed_from: int = 0
    stopped_early: bool = False


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


def _improved(score, best) -> bool:
    return best is None or score > best


def _as_saved(score):
    return list(score) if isinstance(score, tuple) else score


def _as_score(saved):
    return tuple(saved) if isinstance(saved, list) else saved


def _over_budget(settings: LoopSettings, busy_seconds: float) -> bool:
    return settings.max_minutes is not None and busy_seconds >= 60.0 * settings.max_minutes


def _weights(network: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().clone() for k, v in network.state_dict().items()}


class _Run:
    """The state of one run, so that saving and resuming name every field once."""

    def __init__(self, network, optimiser, scheduler, plan, settings, device, signature):
        self.network, self.optimiser, self.scheduler, self.plan = network, optimiser, scheduler, plan
        self.settings, self.device, self.signature = settings, device, signature
        self.step, self.busy, self.train_seconds, self.seen, self.stale = 0, 0.0, 0.0, 0, 0
        self.history: list[dict] = []
        self.best_state, self.best_score, self.best_step = None, None, 0
        self.stopped_early = False

    def state(self) -> dict:
        return {"network": self.network.state_dict(), "optimiser": self.optimiser.state_dict(),
                "scheduler": self.scheduler.state_dict() if self.scheduler is not None else None,
                "plan": self.plan.state_dict(), "torch_rng": torch.get_rng_state(),
                "cuda_rng": torch.cuda.get_rng_state(self.device) if self.device.type == "cuda" else None,
                "step": self.step, "busy": self.busy, "train_seconds": self.train_seconds, "seen": self.seen,
                "stale": self.stale,
                "history": self.history, "best_state": self.best_state, "best_score": _as_saved(self.best_score),
                "best_step": self.best_step, "stopped_early": self.stopped_early, "signature": self.signature}

    def restore(self, saved: dict, checkpoint) -> None:
        differ = sorted(k for k in set(saved.get("signature") or {}) | set(self.signature)
                        if (saved.get("signature") or {}).get(k) != self.signature.get(k))
        if differ:
            raise CheckpointError(f"checkpoint {checkpoint} was written by another recipe "
                                  f"({', '.join(differ)} differ); delete it to start over")
        self.network.load_state_dict(saved["network"])
        self.optimiser.load_state_dict(saved["optimiser"])
        if self.scheduler is not None:
            self.scheduler.load_state_dict(saved["scheduler"])
        self.plan.load_state_dict(saved["plan"])
        torch.set_rng_state(saved["torch_rng"])
        if self.device.type == "cuda" and saved.get("cuda_rng") is not None:  # dropout on a GPU draws from it
            torch.cuda.set_rng_state(saved["cuda_rng"], self.device)
        self.step, self.busy, self.seen, self.stale = saved["step"], saved["busy"], saved["seen"], saved["stale"]
        self.train_seconds = saved["train_seconds"]
        self.history = list(saved["history"])
        self.best_state, self.best_step = saved["best_state"], saved["best_step"]
        self.best_score, self.stopped_early = _as_score(saved["best_score"]), saved["stopped_early"]

    def evaluate(self) -> Evaluation:
        self.network.eval()
        with torch.no_grad(), autocast(self.device, self.settings.amp):
            evaluation = self.plan.evaluate(self.network)
        self.network.train()
        if _improved(evaluation.score, self.best_score):
            self.best_score, self.best_step, self.stale = evaluation.score, self.step, 0
            if self.settings.keep == "best":
                self.best_state = _weights(self.network)
        else:
            self.stale += 1
        if self.scheduler is not None and self.settings.schedule_on == "evaluation":
            self.scheduler.step(evaluation.metrics[self.settings.plateau_metric])
        patience = self.settings.early_stop_patience
        self.stopped_early = patience is not None and self.stale >= patience
        return evaluation


def run_training(network: nn.Module, optimiser: torch.optim.Optimizer, plan: TrainingPlan, settings: LoopSettings,
                 scheduler=None, checkpoint: str | Path | None = None, device: str | torch.device = "cpu",
                 signature: dict | None = None, on_step: Callable[[int, dict | None], None] | None = None,
                 ) -> LoopResult:
    """Train ``network`` in place by ``plan``; it ends holding the kept weights (``settings.keep``).

    Parameters
    ----------
    network : torch.nn.Module
        Already on ``device``; ``optimiser`` (and ``scheduler``) already built over its parameters.
    optimiser : torch.optim.Optimizer
    plan : TrainingPlan
        Batches, loss and evaluation of this trainer.
    settings : LoopSettings
        Length, cadence, precision, keeping and stopping.
    scheduler : torch learning-rate scheduler, optional
        Stepped as ``settings.schedule_on`` says.
    checkpoint : path, optional
        Written as ``settings.checkpoint_every`` says, at the end, at ``stop_at`` and on Ctrl-C;
        when it exists the run continues from it.
    device : str or torch.device
    signature : dict, optional
        What must not change between a run and its resumption (the recipe); a checkpoint written
        with another signature is refused with :class:`CheckpointError`.
    on_step : callable, optional
        ``on_step(step, record)`` after every update (``record`` is None between records); for logs,
        and for tests that interrupt a run.

    Returns
    -------
    LoopResult
    """
    device = torch.device(device)
    group = current_group()  # under torchrun: each process trains on its slice of every batch
    trained_through = wrap_for_training(network, device, group)
    run = _Run(network, optimiser, scheduler, plan, settings, device, dict(signature or {}))
    saved = resume_checkpoint(checkpoint) if checkpoint else None
    if saved is not None:
        run.restore(saved, checkpoint)
    resumed_from, trained_at_start, seen_at_start = run.step, run.train_seconds, run.seen
    record_every = settings.record_every or settings.evaluate_every
    checkpoint_every = settings.checkpoint_every or settings.evaluate_every
    parameters = [p for p in network.parameters() if p.requires_grad]
    last_save, span_start, logs = time.monotonic(), time.perf_counter(), {}

    def save() -> None:
        nonlocal last_save
        if checkpoint and group.is_first:
            last_save = time.monotonic()
            save_checkpoint(checkpoint, run.state())

    bar = None
    if settings.progress is not None and group.is_first:
        bar = tqdm(total=settings.steps, initial=run.step, desc=settings.progress, unit=settings.unit,
                   dynamic_ncols=True)
    interrupted = False
    network.train()
    with _StopFlag() as stop:
        while (run.step < settings.steps and not run.stopped_early
               and not _over_budget(settings, run.busy)
               and (settings.stop_at is None or run.step < settings.stop_at)):
            started = time.perf_counter()
            batch = shard(plan.batch(run.step), group)
            with autocast(device, settings.amp):
                loss, figures = plan.loss(trained_through, batch, run.step)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            if settings.grad_clip:
                nn.utils.clip_grad_norm_(parameters, settings.grad_clip)
            plan.after_backward(parameters, run.step)
            optimiser.step()
            if scheduler is not None and settings.schedule_on == "step":
                scheduler.step()
            run.step += 1
            run.seen += plan.batch_size(batch) * group.world
            lr = optimiser.param_groups[0]["lr"]
            for name, value in {"loss": loss.item(), **figures}.items():
                logs.setdefault(name, []).append(float(value))
            spent = time.perf_counter() - started
            if group.world > 1:  # every process must stop at the same update
                spent = agree_max(run.busy + spent, group) - run.busy
            run.train_seconds += spent
            # a run ended by its time budget between evaluations judges its last weights too
            evaluate = (run.step % settings.evaluate_every == 0 or run.step == settings.steps
                        or _over_budget(settings, run.busy + spent))
            metrics = run.evaluate().metrics if evaluate else {}
            run.busy += time.perf_counter() - started
            if group.world > 1:
                run.busy = agree_max(run.busy, group)
            record = None
            if run.step % record_every == 0 or evaluate:
                record = {"step": run.step, **{k: sum(v) / len(v) for k, v in logs.items()}, **metrics,
                          "lr": lr, "seconds": time.perf_counter() - span_start, "busy": run.busy}
                run.history.append(record)
                logs, span_start = {}, time.perf_counter()
            if bar is not None:
                bar.update(1)
                if record is not None:
                    bar.set_postfix({k: f"{v:.4g}" for k, v in record.items()
                                     if isinstance(v, float) and k not in ("seconds", "busy", "lr")})
            if (run.step % checkpoint_every == 0 and time.monotonic() - last_save >= settings.checkpoint_every_s):
                save()
            if on_step is not None:
                on_step(run.step, record)
            if stop.requested:
                interrupted = True
                break
    if bar is not None:
        bar.close()
    save()
    if interrupted:
        raise KeyboardInterrupt
    if settings.keep == "best" and run.best_state is not None:
        network.load_state_dict(copy.deepcopy(run.best_state))
    network.eval()
    trained = run.train_seconds - trained_at_start
    speed = (run.seen - seen_at_start) / trained if trained > 0 else 0.0
    return LoopResult(run.history, run.step, run.best_step if run.best_state is not None else run.step,
                      run.best_score, run.busy, speed, resumed_from, run.stopped_early)
