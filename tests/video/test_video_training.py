"""Paper 4's recipe on a tiny easy set: it learns, resumes exactly, and reports both splits."""

import json

import numpy as np
import pytest
from video_fixtures import EASY_RECIPE, easy_frameset

from dancekit.video.training import VideoRecipe, run_experiment, train_frame_classifier
from dancekit.video.decision import video_decisions, video_probabilities

RECIPE = EASY_RECIPE


def test_video_decision_is_the_mean_frame_probability():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]])
    assert np.allclose(video_probabilities(probs, np.array([0, 0, 1, 1])), [[0.55, 0.45], [0.35, 0.65]])
    dec = video_decisions(probs, np.array([0, 0, 2, 2]), np.array([0, 1, 1]))
    assert dec["videos"].tolist() == [0, 2] and dec["accuracy"] == 1.0


@pytest.fixture(scope="module")
def data():
    return easy_frameset(n_videos=10, frames_per_video=4, size=24)


def test_training_learns_an_easy_task_and_resumes_to_the_same_weights(easy_training, tmp_path):
    data, mask, _, full = easy_training
    assert [h["epoch"] for h in full.history] == [1, 2, 3]
    assert full.frame_accuracy >= 0.9 and full.video_accuracy == 1.0
    assert full.extra["shared_groups"] == 0 and full.val_videos == 2
    ckpt = tmp_path / "ckpt.pt"
    _, part = train_frame_classifier("resnet18", data, mask, RECIPE, "cpu", checkpoint=ckpt, stop_after=2)
    assert len(part.history) == 2 and ckpt.is_file()
    _, resumed = train_frame_classifier("resnet18", data, mask, RECIPE, "cpu", checkpoint=ckpt)
    assert len(resumed.history) == 3
    assert np.allclose(resumed.val_probs, full.val_probs, atol=1e-5)
    assert resumed.history[-1]["train_loss"] == pytest.approx(full.history[-1]["train_loss"], rel=1e-5)


def test_experiment_runs_both_splits_skips_finished_runs_and_reports(data, tmp_path):
    from dancekit.evaluation.video_report import write_video_report

    recipe = VideoRecipe(epochs=1, batch_size=20)
    results = run_experiment(data, tmp_path / "runs", ["squeezenet1_0"], ["frame", "video"], recipe)
    assert set(results) == {("frame", "squeezenet1_0"), ("video", "squeezenet1_0")}
    assert results[("frame", "squeezenet1_0")].extra["shared_videos"] > 0  # the paper's leak
    assert results[("video", "squeezenet1_0")].extra["shared_videos"] == 0
    done = tmp_path / "runs" / "video" / "squeezenet1_0" / "result.json"
    stamp = json.loads(done.read_text())["seconds"]
    again = run_experiment(data, tmp_path / "runs", ["squeezenet1_0"], ["video"], recipe)
    assert again[("video", "squeezenet1_0")].seconds == stamp  # read back, not retrained
    report = write_video_report(results, data.images, data.videos, data.video_labels(), tmp_path / "report",
                                "test", "easy frames")
    text = report.read_text()
    assert "| frame | squeezenet1_0 |" in text and "| video | squeezenet1_0 |" in text
    for name in ("accuracy_curves.png", "confusion_video_squeezenet1_0.png", "top_losses_frame_squeezenet1_0.png"):
        assert (tmp_path / "report" / name).stat().st_size > 1000
