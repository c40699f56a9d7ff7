import json

import numpy as np
import pytest

from dancekit.evaluation.crossval import check_no_leak, cross_validate
from dancekit.evaluation.metrics import confusion_matrix, per_class_scores, top_k_accuracy
from dancekit.evaluation.report import write_report
from dancekit.training.recipes import get_recipe
from toy_spectrograms import toy_spectrogram_set


def test_metrics_match_hand_counts():
    scores = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1]])
    labels = np.array([0, 1, 1])
    assert top_k_accuracy(scores, labels, 1) == pytest.approx(1 / 3)
    assert top_k_accuracy(scores, labels, 2) == pytest.approx(1.0)
    matrix = confusion_matrix(scores.argmax(1), labels, 3)
    assert matrix.tolist() == [[1, 0, 0], [1, 0, 1], [0, 0, 0]]
    rows = per_class_scores(matrix, ["a", "b", "c"])
    assert rows[0]["precision"] == pytest.approx(0.5) and rows[0]["recall"] == 1.0 and rows[1]["f_score"] == 0.0


def test_leaking_fold_is_refused():
    data = toy_spectrogram_set(2, 0)
    data.groups[1] = data.groups[0]
    with pytest.raises(ValueError, match="leaks"):
        check_no_leak(data, ([0, 2], [1], [3]))


def test_cross_validation_resumes_by_fold_and_writes_a_report(tmp_path):
    data = toy_spectrogram_set(6, 0)
    folds = [([i for i in range(12) if i % 3 != k and i % 3 != (k + 1) % 3], [j for j in range(12) if j % 3 == (k + 1) % 3],
              [j for j in range(12) if j % 3 == k]) for k in range(3)]
    recipe = get_recipe("dance_cnn", architecture="small_cnn", architecture_args={"width": 4}, segment_frames=64,
                        eval_stride=32, batches_per_epoch=5, max_epochs=4, learning_rate=3e-3)
    cv = cross_validate(recipe, data, folds, tmp_path / "cv", amp=False)
    summary = cv.summary()
    assert summary["recording_top1"]["mean"] > 0.8 and summary["recording_top2"]["mean"] == 1.0
    assert cv.pooled_confusion().sum() == 12  # every recording tested exactly once
    stamp = (tmp_path / "cv" / "fold01" / "result.json").stat().st_mtime_ns
    (tmp_path / "cv" / "fold02" / "result.json").unlink()
    again = cross_validate(recipe, data, folds, tmp_path / "cv", amp=False)
    assert (tmp_path / "cv" / "fold01" / "result.json").stat().st_mtime_ns == stamp  # not retrained
    assert len(again.folds) == 3 and json.dumps(again.to_dict())
    report = write_report({"small_cnn": again}, tmp_path / "report", "Toy", "generated spectrograms, 3 folds")
    text = report.read_text()
    assert "| small_cnn |" in text and (tmp_path / "report" / "small_cnn_confusion.png").stat().st_size > 1000
