"""The pose experiment's report is written from results.json alone, with or without cross-validation."""

import numpy as np

from dancekit.evaluation.pose_report import plot_confusion_panels, write_pose_report
from dancekit.evaluation.window_scores import window_and_song_scores

CLASSES = ["Cha Cha Cha", "Rumba", "Slow Waltz"]


def _results() -> dict:
    rng = np.random.default_rng(0)
    window_song = np.repeat(np.arange(3), 4)
    probs = rng.dirichlet(np.ones(3), 12)
    names = ["DANCE_C_1", "DANCE_R_1", "DANCE_W_1"]
    test = window_and_song_scores(probs, window_song, window_song, [0, 1, 2], names, CLASSES)
    control = {k: test[k] for k in ("window_accuracy", "window_balanced_accuracy", "song_accuracy",
                                    "song_balanced_accuracy")}
    return {"config": {"fps": 15.0, "window": 60, "window_s": 4.0, "epochs": 3, "per_class": 8, "seed": 0},
            "data": {"songs_with_motion": 4, "songs_per_dance": {c: 1 for c in CLASSES} | {"Tango": 1},
                     "left_out": ["DANCE_T_1"], "dance_of": dict(zip(names, CLASSES))},
            "split": {"songs": {"train": [], "val": [], "test": names}, "best_epoch": 2, "train_s": 3.0,
                      "parameters": 1234, "test": test, "control_order_free_test": control},
            "total_s": 5.0}


def test_report_without_cross_validation_says_so_and_shows_the_test_figures(tmp_path):
    results = _results()
    path = write_pose_report(tmp_path, results)
    text = path.read_text()
    t = results["split"]["test"]
    assert f"| accuracy % | {100 * t['window_accuracy']:.1f} | {100 * t['song_accuracy']:.1f} |" in text
    assert "Cross-validation: not run for this report" in text and "Best epoch 2 of 3" in text
    assert "test: Cha Cha Cha 1, Rumba 1, Slow Waltz 1" in text and "1,234 parameters" in text
    assert (tmp_path / "confusion.png").stat().st_size > 1000


def test_confusion_panels_accept_any_number_of_panels(tmp_path):
    m = [[3, 1, 0], [0, 2, 2], [0, 0, 5]]
    for n in (1, 4):
        path = plot_confusion_panels([(f"panel {i}", m) for i in range(n)], CLASSES, tmp_path / f"{n}.png")
        assert path.stat().st_size > 1000
