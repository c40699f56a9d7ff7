"""The pose classifier trained on the one training loop: it learns, keeps the best epoch and resumes exactly."""

import numpy as np
import pytest
import torch
from pose_fixtures import pattern_songs

from dancekit.models.pose_classifier import PoseTCN, predict_proba
from dancekit.training.loop import LoopSettings, run_training
from dancekit.video import pose_sequences as ps
from dancekit.video.pose_training import PosePlan, PoseTrainingSettings, train_pose_classifier

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_learns_two_motion_patterns_on_unseen_tracks():
    songs, labels = pattern_songs(14)  # 8 to train on, 2 to pick the epoch, 4 to test
    settings = PoseTrainingSettings(epochs=16, per_class=48, batch_size=32, learning_rate=3e-3, window=30)
    x_val, val_song = ps.evaluation_windows(songs[8:10], seed=5, hop=5, window=30)
    y_val = np.array([labels[8 + j] for j in val_song])
    torch.manual_seed(0)
    small = PoseTCN(ps.FEATURE_CHANNELS, 2, width=32, dilations=(1, 2, 4))
    trained = train_pose_classifier(songs[:8], labels[:8], 2, settings, (x_val, y_val), network=small)
    assert trained.network is small and [row["epoch"] for row in trained.history] == list(range(1, 17))
    assert all(np.isfinite(row["loss"]) for row in trained.history)
    best = max(row["val_balanced"] for row in trained.history)  # the first epoch with the best score is kept
    assert trained.best_epoch == next(row["epoch"] for row in trained.history if row["val_balanced"] == best)
    assert round(float(np.mean(predict_proba(trained.network, x_val).argmax(1) == y_val)), 4) == \
        trained.history[trained.best_epoch - 1]["val_acc"]
    x_test, test_song = ps.evaluation_windows(songs[10:], seed=9, hop=5, window=30)
    y_test = np.array([labels[10 + j] for j in test_song])
    assert len(y_test) == 28 and set(y_test) == {0, 1}
    probs = predict_proba(trained.network, x_test)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-5)
    assert np.mean(probs.argmax(1) == y_test) >= 0.9


def test_without_validation_the_last_epoch_is_kept_and_seeds_repeat():
    songs, labels = pattern_songs(4, frames=40)
    settings = PoseTrainingSettings(epochs=3, per_class=5, window=30, seed=4)
    first = train_pose_classifier(songs, labels, 2, settings)
    again = train_pose_classifier(songs, labels, 2, settings)
    assert first.best_epoch == 3 and [set(r) for r in first.history] == [{"epoch", "loss"}] * 3
    assert first.history == again.history
    for a, b in zip(first.network.state_dict().values(), again.network.state_dict().values()):
        assert torch.equal(a, b)


def test_an_epoch_leaves_out_a_last_batch_of_one_window():
    songs, labels = pattern_songs(4, frames=40)
    plan = PosePlan(songs, labels, PoseTrainingSettings(per_class=8, batch_size=5, window=30))
    assert plan.epoch_windows == 16 and plan.steps_per_epoch == 3  # 5 + 5 + 5, the 16th window alone is dropped
    sizes = [len(plan.batch(step)[1]) for step in range(3)]
    assert sizes == [5, 5, 5]
    plan = PosePlan(songs, labels, PoseTrainingSettings(per_class=9, batch_size=5, window=30))
    assert plan.steps_per_epoch == 4 and len(plan.batch(3)[1]) == 3


def _run(plan_settings, checkpoint, stop_at=None):
    songs, labels = pattern_songs(4, frames=40)
    torch.manual_seed(plan_settings.seed)
    network = PoseTCN(ps.FEATURE_CHANNELS, 2, width=16, dilations=(1, 2))
    optimiser = torch.optim.AdamW(network.parameters(), lr=1e-3)
    plan = PosePlan(songs, labels, plan_settings)
    loop = LoopSettings(steps=plan_settings.epochs * plan.steps_per_epoch, evaluate_every=plan.steps_per_epoch,
                        keep="last", stop_at=stop_at)
    return network, run_training(network, optimiser, plan, loop, checkpoint=checkpoint)


@pytest.mark.parametrize("stop_at", [3, 4])  # at an epoch's end, and inside the next epoch
def test_a_run_stopped_and_resumed_ends_with_the_weights_of_an_unbroken_one(tmp_path, stop_at):
    settings = PoseTrainingSettings(epochs=3, per_class=6, batch_size=4, window=30, seed=2)  # 3 updates an epoch
    unbroken, _ = _run(settings, None)
    _run(settings, tmp_path / "ckpt.pt", stop_at=stop_at)
    resumed, result = _run(settings, tmp_path / "ckpt.pt")
    assert result.resumed_from == stop_at and result.step == 9
    for a, b in zip(unbroken.state_dict().values(), resumed.state_dict().values()):
        assert torch.equal(a, b)
