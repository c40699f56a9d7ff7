"""The one training loop on a plan of its own: keeping, stopping, pausing, resuming and refusing."""

import pytest
import torch
from torch import nn

from dancekit.training import Evaluation, LoopSettings, TrainingPlan, run_training
from dancekit.training.checkpoint import CheckpointError


class ScriptedPlan(TrainingPlan):
    """Regression batches from a seeded generator; evaluations return scores from a script."""

    def __init__(self, scores=None):
        self.generator = torch.Generator().manual_seed(0)
        self.scores = list(scores or [])
        self.evaluations = 0

    def batch(self, step):
        x = torch.randn(8, 4, generator=self.generator)
        return x, x.sum(1, keepdim=True)

    def loss(self, network, batch, step):
        x, y = batch
        return nn.functional.mse_loss(network(x), y), {"step_seen": float(step)}

    def evaluate(self, network):
        score = self.scores[self.evaluations] if self.evaluations < len(self.scores) else 0.0
        self.evaluations += 1
        return Evaluation(score, {"val": float(score) if not isinstance(score, tuple) else float(score[0])})

    def batch_size(self, batch):
        return len(batch[0])

    def state_dict(self):
        return {"generator": self.generator.get_state(), "evaluations": self.evaluations}

    def load_state_dict(self, state):
        self.generator.set_state(state["generator"])
        self.evaluations = state["evaluations"]


def _net(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(4, 1)


def _run(network, plan, checkpoint=None, **settings):
    optimiser = torch.optim.SGD(network.parameters(), lr=0.05)
    return run_training(network, optimiser, plan, LoopSettings(**settings), checkpoint=checkpoint)


def test_training_learns_and_records_every_evaluation():
    net, plan = _net(), ScriptedPlan()
    result = _run(net, plan, steps=40, evaluate_every=10, keep="last")
    assert [r["step"] for r in result.history] == [10, 20, 30, 40]
    assert result.history[-1]["loss"] < 0.1 * result.history[0]["loss"]
    assert result.history[0]["step_seen"] == pytest.approx(4.5)  # figures are averaged over the span
    assert result.samples_per_second > 0 and not net.training


def test_the_best_evaluation_is_kept_and_the_last_one_when_asked():
    scores = [0.1, 0.9, 0.3, 0.2]
    best_net, last_net, snapshots = _net(), _net(), {}
    plan = ScriptedPlan(scores)
    plan.evaluate_inner = plan.evaluate

    def evaluate(network):
        snapshots[plan.evaluations] = network.weight.detach().clone()
        return plan.evaluate_inner(network)

    plan.evaluate = evaluate
    result = _run(best_net, plan, steps=40, evaluate_every=10, keep="best")
    assert result.best_step == 20 and result.best_score == 0.9
    assert torch.equal(best_net.weight, snapshots[1])
    _run(last_net, ScriptedPlan(scores), steps=40, evaluate_every=10, keep="last")
    assert not torch.equal(last_net.weight, snapshots[1])


def test_early_stopping_counts_evaluations_without_a_better_score():
    result = _run(_net(), ScriptedPlan([0.5, 0.4, 0.3, 0.6, 0.7]), steps=100, evaluate_every=10,
                  early_stop_patience=2)
    assert result.stopped_early and result.step == 30 and result.best_step == 10


def test_tuple_scores_compare_in_order():
    result = _run(_net(), ScriptedPlan([(0.5, 0.1), (0.5, 0.3), (0.4, 0.9)]), steps=30, evaluate_every=10)
    assert result.best_step == 20 and result.best_score == (0.5, 0.3)


def test_a_paused_run_resumes_to_the_same_weights(tmp_path):
    whole = _net()
    _run(whole, ScriptedPlan(), steps=30, evaluate_every=10, keep="last")
    paused = _net()
    first = _run(paused, ScriptedPlan(), tmp_path / "ck.pt", steps=30, evaluate_every=10, keep="last", stop_at=20)
    assert first.step == 20
    resumed = _net(seed=3)  # everything must come from the checkpoint
    result = _run(resumed, ScriptedPlan(), tmp_path / "ck.pt", steps=30, evaluate_every=10, keep="last")
    assert result.resumed_from == 20 and result.step == 30
    assert torch.equal(resumed.weight, whole.weight) and torch.equal(resumed.bias, whole.bias)
    assert [r["step"] for r in result.history] == [10, 20, 30]


def test_a_checkpoint_of_another_recipe_is_refused(tmp_path):
    optimiser_net = _net()
    run_training(optimiser_net, torch.optim.SGD(optimiser_net.parameters(), lr=0.05), ScriptedPlan(),
                 LoopSettings(steps=10, evaluate_every=10), checkpoint=tmp_path / "ck.pt", signature={"lr": 0.05})
    other = _net()
    with pytest.raises(CheckpointError, match="lr differ"):
        run_training(other, torch.optim.SGD(other.parameters(), lr=0.1), ScriptedPlan(),
                     LoopSettings(steps=20, evaluate_every=10), checkpoint=tmp_path / "ck.pt", signature={"lr": 0.1})


def test_a_time_budget_ends_the_run_and_judges_its_last_weights():
    result = _run(_net(), ScriptedPlan([0.2, 0.8]), steps=1000, evaluate_every=500, max_minutes=1e-9)
    assert result.step == 1 and result.history[-1]["step"] == 1 and "val" in result.history[-1]


def test_settings_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match="keep"):
        LoopSettings(steps=1, evaluate_every=1, keep="first")
    with pytest.raises(ValueError):
        LoopSettings(steps=1, evaluate_every=0)
