"""Window- and song-level scores of a window classifier, and the balanced accuracy they rest on."""

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score

from dancekit.evaluation.metrics import balanced_accuracy
from dancekit.evaluation.window_scores import song_accuracy, song_probabilities, window_and_song_scores

CLASSES = ["a", "b", "c"]


def test_balanced_accuracy_is_the_mean_recall_of_the_classes_present():
    truth = np.array([0, 0, 0, 0, 1, 1])
    predicted = np.array([0, 0, 0, 2, 0, 1])  # class 2 predicted but never true: left out
    assert balanced_accuracy(predicted, truth) == pytest.approx((3 / 4 + 1 / 2) / 2)
    assert balanced_accuracy(np.zeros(6, int), truth) == pytest.approx(0.5)  # one constant answer: chance
    rng = np.random.default_rng(0)
    for _ in range(5):
        t, p = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
        assert balanced_accuracy(p, t) == balanced_accuracy_score(t, p)
    assert np.isnan(balanced_accuracy(np.array([], int), np.array([], int)))


def _three_songs():
    """Song 0 (class a): 3 windows, one wrong; song 1 (a): 1 window, wrong; song 2 (c): 2 windows, right."""
    probs = np.array([[.8, .1, .1], [.7, .2, .1], [.2, .7, .1],  # song 0: mean favours a
                      [.1, .1, .8],  # song 1: c
                      [.1, .2, .7], [.3, .3, .4]])  # song 2: c
    window_song = np.array([0, 0, 0, 1, 2, 2])
    return probs, window_song, [0, 0, 2]


def test_window_and_song_scores_by_hand():
    probs, window_song, song_labels = _three_songs()
    window_labels = np.array([song_labels[s] for s in window_song])
    r = window_and_song_scores(probs, window_labels, window_song, song_labels, ["s0", "s1", "s2"], CLASSES)
    assert r["windows"] == 6 and r["songs"] == 3
    assert r["windows_per_class"] == {"a": 4, "b": 0, "c": 2} and r["songs_per_class"] == {"a": 2, "b": 0, "c": 1}
    assert r["window_accuracy"] == pytest.approx(4 / 6)
    assert r["window_recall"] == {"a": pytest.approx(0.5), "b": None, "c": 1.0}
    assert r["window_balanced_accuracy"] == pytest.approx(0.75)
    assert r["window_chance_majority"] == pytest.approx(4 / 6)
    assert r["song_accuracy"] == pytest.approx(2 / 3) and r["song_balanced_accuracy"] == pytest.approx(0.75)
    assert r["song_chance_majority"] == pytest.approx(2 / 3)
    assert r["window_confusion"] == [[2, 1, 1], [0, 0, 0], [0, 0, 2]]
    assert r["song_confusion"] == [[1, 0, 1], [0, 0, 0], [0, 0, 1]]
    assert r["song_predictions"] == {"s0": "a", "s1": "c", "s2": "c"}


def test_song_probabilities_and_accuracy_follow_the_song_ids_not_their_order():
    probs, window_song, song_labels = _three_songs()
    order = np.array([5, 3, 0, 4, 2, 1])
    ids, means = song_probabilities(probs[order], window_song[order])
    assert ids.tolist() == [0, 1, 2]
    np.testing.assert_allclose(means[0], probs[:3].mean(0))
    assert song_accuracy(probs[order], window_song[order], song_labels) == pytest.approx(2 / 3)
