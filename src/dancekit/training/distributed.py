"""Training on several processes (GPUs, or CPU processes with gloo) under ``torchrun``.

The training loop stays one loop: every process draws the same global batch (the plans' random
generators are seeded alike), trains on its own slice of it, and DistributedDataParallel averages
the gradients, so the run sees the same samples as one process with the whole batch. Only the
first process writes checkpoints and shows progress. Launch any recipe with, e.g.::

    torchrun --nproc-per-node 2 recipes/default_dance.py ...

and NCCL is used on GPUs (each process takes the GPU of its ``LOCAL_RANK``), gloo on CPUs.
Networks with batch normalisation see per-process batch statistics, as usual with DDP (use
``torch.nn.SyncBatchNorm.convert_sync_batchnorm`` on GPUs for full-batch statistics).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn


@dataclass(frozen=True)
class ProcessGroup:
    """Where this process stands in the run: its rank among ``world`` processes.

    Parameters
    ----------
    rank : int
        0 for the first process (the one that writes).
    world : int
        Processes in the run (1: not distributed).
    """

    rank: int = 0
    world: int = 1

    @property
    def is_first(self) -> bool:
        """Whether this process writes checkpoints, models and progress."""
        return self.rank == 0


def current_group() -> ProcessGroup:
    """The process group of this run, or a single process when ``torch.distributed`` is not started.

    Returns
    -------
    ProcessGroup
    """
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return ProcessGroup(torch.distributed.get_rank(), torch.distributed.get_world_size())
    return ProcessGroup()


def start_from_environment(device: str | torch.device = "cpu") -> tuple[ProcessGroup, torch.device]:
    """Join the run ``torchrun`` describes in the environment (``WORLD_SIZE`` > 1), or stay single.

    Parameters
    ----------
    device : str or torch.device
        The device asked for; under ``torchrun`` a CUDA device becomes this process's GPU
        (``LOCAL_RANK``) and the backend NCCL, a CPU device keeps gloo.

    Returns
    -------
    (ProcessGroup, torch.device)
    """
    device = torch.device(device)
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return current_group(), device
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    if not torch.distributed.is_initialized():
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return current_group(), device


def wrap_for_training(network: nn.Module, device: torch.device, group: ProcessGroup) -> nn.Module:
    """The module to train through: DistributedDataParallel over several processes, else the network.

    Parameters
    ----------
    network : torch.nn.Module
        On ``device`` already; DDP copies the first process's weights to the others.
    device : torch.device
    group : ProcessGroup

    Returns
    -------
    torch.nn.Module
        Call it for the loss; evaluate and save ``network`` itself.
    """
    if group.world <= 1:
        return network
    ids = [device.index] if device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(network, device_ids=ids)


def shard(batch: Any, group: ProcessGroup) -> Any:
    """This process's slice of a global batch: every tensor of it cut along its first axis.

    Parameters
    ----------
    batch : torch.Tensor, or tuple / list / dict of them
        The same global batch on every process; its size must divide by ``group.world``.
    group : ProcessGroup

    Returns
    -------
    Same structure, each tensor holding ``1 / world`` of the samples (contiguous slices, in rank order).
    """
    if group.world <= 1:
        return batch
    if isinstance(batch, torch.Tensor):
        n = len(batch)
        if n % group.world:
            raise ValueError(f"a batch of {n} samples cannot be split over {group.world} processes; "
                             f"choose a batch size divisible by {group.world}")
        size = n // group.world
        return batch[group.rank * size:(group.rank + 1) * size]
    if isinstance(batch, (tuple, list)):
        return type(batch)(shard(part, group) for part in batch)
    if isinstance(batch, dict):
        return {key: shard(part, group) for key, part in batch.items()}
    raise TypeError(f"cannot split a batch of type {type(batch).__name__} over processes")


def agree_max(value: float, group: ProcessGroup) -> float:
    """The largest ``value`` over the processes, so that decisions taken on clocks agree everywhere.

    Parameters
    ----------
    value : float
        This process's value (e.g. its training time so far).
    group : ProcessGroup

    Returns
    -------
    float
    """
    if group.world <= 1:
        return value
    backend = torch.distributed.get_backend()
    t = torch.tensor([value], dtype=torch.float64,
                     device=torch.device("cuda", torch.cuda.current_device()) if backend == "nccl" else "cpu")
    torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MAX)
    return float(t.item())
