"""The pose experiment's stages: split, order-free control, cross-validation, and resuming from results.json."""

import json

import numpy as np
import pytest
from pose_fixtures import pattern

from dancekit.video import pose_experiment as pe
from dancekit.video import pose_sequences as ps
from dancekit.video.pose_training import PoseTrainingSettings

pytestmark = pytest.mark.usefixtures("one_torch_thread")

SETTINGS = PoseTrainingSettings(epochs=2, per_class=6, window=30)


def _songs():
    """Three songs of each kept dance (pattern by dance) and one tango; sides test, val, train per dance."""
    rng = np.random.default_rng(0)
    songs, side = [], {}
    for k, (letter, dance) in enumerate(zip("CRW", pe.POSE_CLASSES)):
        for i in range(3):
            name = f"DANCE_{letter}_{i + 1}"
            songs.append(ps.PoseSong(name, dance, pattern(k % 2, 45 + 15 * k, rng)))
            side[name] = ("test", "val", "train")[i]
    songs.append(ps.PoseSong("DANCE_T_1", "Tango", pattern(0, 45, rng)))
    return songs, side


def test_order_free_control_sees_postures_but_not_their_order_in_time():
    songs, _ = _songs()
    labels = [pe.POSE_CLASSES.index(s.dance) for s in songs[:9]]
    x, y = ps.random_windows(songs[:9], labels, 10, np.random.default_rng(1), window=30)
    probs = pe.order_free_control(x, y, x)
    assert probs.shape == (30, 3) and np.allclose(probs.sum(1), 1)
    np.testing.assert_allclose(pe.order_free_control(x, y, x[..., ::-1].copy()), probs, atol=1e-6)


def test_data_facts_leave_out_the_dance_with_one_song():
    songs, _ = _songs()
    facts = pe.pose_data_facts(songs)
    assert facts["songs_with_motion"] == 10 and facts["left_out"] == ["DANCE_T_1"]
    assert facts["songs_per_dance"] == {"Cha Cha Cha": 3, "Rumba": 3, "Slow Waltz": 3, "Tango": 1}
    assert "DANCE_T_1" not in facts["dance_of"] and facts["dance_of"]["DANCE_R_2"] == "Rumba"


def test_the_experiment_tests_each_song_once_and_a_rerun_trains_only_what_is_missing(tmp_path, monkeypatch):
    songs, side = _songs()
    results = pe.run_pose_experiment(songs, side, tmp_path, SETTINGS, n_folds=3)
    split = results["split"]
    assert split["songs"]["test"] == ["DANCE_C_1", "DANCE_R_1", "DANCE_W_1"]
    assert [row["epoch"] for row in split["history"]] == [1, 2] and split["best_epoch"] in (1, 2)
    assert split["test"]["songs"] == 3 and set(split["control_order_free_test"]) == set(pe.CONTROL_FIGURES)
    windows = {s.name: len(ps.window_starts(len(s.points), 30, 15)) for s in songs}
    assert split["test"]["windows"] == sum(windows[n] for n in split["songs"]["test"])
    cv = results["cv"]
    assert cv["folds"] == 3 and cv["epochs"] == 5 and cv["pooled"]["songs"] == 9  # 5: the fold floor
    tested = [n for f in results["cv_folds"].values() for n in f["test_songs"]]
    assert sorted(tested) == sorted(n for n in side)  # every kept song tested exactly once
    assert len(cv["fold_song_accuracy"]) == 3 and json.loads((tmp_path / "results.json").read_text()) == results

    trained = []
    real_train = pe.train_pose_classifier
    monkeypatch.setattr(pe, "train_pose_classifier", lambda *a, **k: trained.append(a) or real_train(*a, **k))
    saved = json.loads((tmp_path / "results.json").read_text())
    del saved["cv_folds"]["2"], saved["cv"], saved["total_s"]  # as if stopped during the last fold
    (tmp_path / "results.json").write_text(json.dumps(saved))
    again = pe.run_pose_experiment(songs, side, tmp_path, SETTINGS, n_folds=3)
    assert len(trained) == 1 and again["split"] == split
    assert again["cv_folds"]["2"]["probs"] == results["cv_folds"]["2"]["probs"]  # the same seeds: the same fold
    assert again["cv"]["pooled"] == cv["pooled"]

    other = pe.run_pose_experiment(songs, side, tmp_path, PoseTrainingSettings(epochs=1, per_class=6, window=30),
                                   n_folds=3, with_cv=False)
    assert len(trained) == 2 and other["config"]["epochs"] == 1 and "cv" not in other  # another config starts over
