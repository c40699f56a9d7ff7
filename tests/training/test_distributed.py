"""Training under torchrun: two CPU processes (gloo) end with the weights one process gets from the whole batch."""

import socket

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp
from torch import nn

from dancekit.training.distributed import ProcessGroup, current_group, shard
from dancekit.training.loop import Evaluation, LoopSettings, TrainingPlan, run_training

STEPS, BATCH = 12, 8


class ToyPlan(TrainingPlan):
    """Random global batches drawn from a seeded generator, the same on every process."""

    def __init__(self):
        self.sizes = []  # samples each update of this process trained on
        self.rng = np.random.default_rng(0)
        gen = np.random.default_rng(1)
        self.x_val = torch.tensor(gen.normal(size=(32, 6)), dtype=torch.float32)
        self.y_val = torch.tensor(gen.integers(0, 3, 32))

    def batch(self, step):
        x = torch.tensor(self.rng.normal(size=(BATCH, 6)), dtype=torch.float32)
        return x, torch.tensor(self.rng.integers(0, 3, BATCH))

    def loss(self, network, batch, step):
        x, y = batch
        self.sizes.append(len(y))
        return nn.functional.cross_entropy(network(x), y), {}

    def evaluate(self, network):
        return Evaluation(-float(nn.functional.cross_entropy(network(self.x_val), self.y_val)))

    def batch_size(self, batch):
        return len(batch[1])


def _train() -> dict:
    torch.manual_seed(0)
    network = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
    optimiser = torch.optim.SGD(network.parameters(), lr=0.2, momentum=0.9)
    plan = ToyPlan()
    result = run_training(network, optimiser, plan, LoopSettings(steps=STEPS, evaluate_every=4, keep="last"))
    return {"weights": {k: v.clone() for k, v in network.state_dict().items()}, "sizes": plan.sizes,
            "samples_per_second": result.samples_per_second}


def _worker(rank: int, world: int, port: int, out: str) -> None:
    torch.distributed.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    try:
        assert current_group() == ProcessGroup(rank, world)
        trained = _train()
        if rank == 0:
            torch.save({"weights": trained["weights"], "sizes": trained["sizes"]}, out)
        torch.distributed.barrier()  # rank 0 is still saving: leaving first can abort gloo's peer
    finally:
        torch.distributed.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_processes_train_like_one_process_with_the_whole_batch(tmp_path):
    alone = _train()
    single = alone["weights"]
    out = tmp_path / "rank0.pt"
    mp.spawn(_worker, args=(2, _free_port(), str(out)), nprocs=2, join=True)
    saved = torch.load(out, weights_only=True)
    both = saved["weights"]
    assert alone["sizes"] == [BATCH] * STEPS and saved["sizes"] == [BATCH // 2] * STEPS  # each took half
    for name, value in single.items():
        torch.testing.assert_close(both[name], value, atol=1e-5, rtol=1e-4)
    untrained = torch.manual_seed(0) and nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3)).state_dict()
    assert any((untrained[k] - single[k]).abs().max() > 1e-3 for k in single)  # training did move the weights


def test_a_batch_is_cut_into_equal_contiguous_slices_in_rank_order():
    x, y = torch.arange(8).reshape(8, 1), torch.arange(8)
    parts = [shard((x, {"y": y}), ProcessGroup(r, 4)) for r in range(4)]
    assert [p[1]["y"].tolist() for p in parts] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    assert shard(x, ProcessGroup()) is x
    with pytest.raises(ValueError, match="divisible by 3"):
        shard(x, ProcessGroup(0, 3))
    with pytest.raises(TypeError):
        shard("text", ProcessGroup(0, 2))
