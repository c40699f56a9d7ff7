"""Training speed of a network, measured through the one training loop (what a real run pays).

The batch is random and fixed (speed does not depend on the values); the loop's own per-step
work (autocast, the loss read back each step, the optimiser) is counted, as in real training.
"""

from __future__ import annotations

import torch
from torch import nn

from dancekit.training.loop import Evaluation, LoopSettings, TrainingPlan, run_training


class _FixedBatchPlan(TrainingPlan):
    """One random batch, cross-entropy, no evaluation."""

    def __init__(self, inputs: torch.Tensor, targets: torch.Tensor):
        self.inputs, self.targets = inputs, targets

    def batch(self, step: int):
        return self.inputs, self.targets

    def loss(self, network: nn.Module, batch, step: int):
        return nn.functional.cross_entropy(network(batch[0]).float(), batch[1]), {}

    def evaluate(self, network: nn.Module) -> Evaluation:
        return Evaluation(0.0)

    def batch_size(self, batch) -> int:
        return len(batch[1])


def training_throughput(network: nn.Module, input_shape: tuple[int, ...], n_classes: int, batch_size: int,
                        steps: int, device: str | torch.device = "cpu", amp: bool = True, warmup: int = 3) -> float:
    """Training samples per second of ``network`` on random inputs, after ``warmup`` untimed updates.

    Parameters
    ----------
    network : torch.nn.Module
        Trained in place (its weights change).
    input_shape : tuple of int
        Shape of one input, without the batch axis.
    n_classes : int
        Number of outputs (targets are drawn below it).
    batch_size : int
    steps : int
        Timed updates.
    device : str or torch.device
    amp : bool
        bf16 autocast on CUDA.
    warmup : int
        Untimed updates first (cuDNN autotuning, allocator warm-up).

    Returns
    -------
    float
        Samples per second over the timed updates.
    """
    device = torch.device(device)
    network.to(device)
    plan = _FixedBatchPlan(torch.randn(batch_size, *input_shape, device=device),
                           torch.randint(0, n_classes, (batch_size,), device=device))
    optimiser = torch.optim.Adam(network.parameters(), lr=1e-4)
    for n in (warmup, steps):
        result = run_training(network, optimiser, plan, LoopSettings(steps=n, evaluate_every=max(1, n), amp=amp,
                                                                     keep="last"), device=device)
    return result.samples_per_second
