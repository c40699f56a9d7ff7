"""Does the 2-D motion of the body carry the dance, on songs never seen in training? The experiment's stages.

Songs are Tang motion capture seen through random cameras (:mod:`dancekit.video.pose_sequences`),
classified by :class:`~dancekit.models.pose_classifier.PoseTCN` (:mod:`dancekit.video.pose_training`).

* :func:`run_split`: train on the training songs of a by-song split, pick the epoch on the
  validation songs, score the test songs once; beside it an order-free control
  (:func:`order_free_control`) on the same windows.
* :func:`run_fold` / :func:`cross_validate`: leave-songs-out folds stratified by dance, with the
  epoch count fixed to the split's pick (no validation songs left inside a fold).
* :func:`run_pose_experiment`: both, each finished stage saved in ``results.json`` and skipped on
  a rerun with the same configuration.

Tango has one song with motion, so it cannot be on both sides of any split: :data:`POSE_CLASSES`
leaves it out.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dancekit.evaluation.window_scores import song_accuracy, window_and_song_scores
from dancekit.fileio import atomic_write_text
from dancekit.models.pose_classifier import n_parameters, predict_proba
from dancekit.video.pose_sequences import (DEFAULT_FPS, EVALUATION_HOP, N_KEYPOINTS, PoseSong,
                                           evaluation_windows, random_windows)
from dancekit.video.pose_training import PoseTrainingSettings, train_pose_classifier

#: the dances with motion on more than one Tang song
POSE_CLASSES = ["Cha Cha Cha", "Rumba", "Slow Waltz"]
#: the figures of the order-free control kept in the results
CONTROL_FIGURES = ("window_accuracy", "window_balanced_accuracy", "song_accuracy", "song_balanced_accuracy")

Log = Callable[[str], None]


def order_free_control(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """Probabilities of a logistic regression on each window's mean and spread of every keypoint coordinate.

    What the distribution of poses gives without their order in time: where it comes close to
    the network, posture and build, not rhythm, separate the dances.

    Parameters
    ----------
    x_train : np.ndarray
        Training feature windows ``[N, 65, T]``.
    y_train : np.ndarray
        Their classes.
    x_test : np.ndarray
        Windows to classify.

    Returns
    -------
    np.ndarray
        ``[len(x_test), classes]`` probabilities.
    """
    def stats(x):
        positions = x[:, :2 * N_KEYPOINTS]
        return np.concatenate([positions.mean(2), positions.std(2)], axis=1)

    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.1))
    classifier.fit(stats(x_train), y_train)
    return classifier.predict_proba(stats(x_test))


def _windows_of(songs: list[PoseSong], labels: list[int], picked, seed: int,
                window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluation windows of the picked songs: ``(X, class of each window, picked index of each window)``."""
    x, window_song = evaluation_windows([songs[i] for i in picked], seed, window=window)
    return x, np.array([labels[picked[j]] for j in window_song], dtype=np.int64), window_song


def run_split(songs: list[PoseSong], labels: list[int], side: dict[str, str], settings: PoseTrainingSettings,
              classes: list[str] = POSE_CLASSES, log: Log | None = None) -> dict:
    """Train on the split's training songs, keep the best validation epoch, score the test songs once.

    Parameters
    ----------
    songs : list of PoseSong
    labels : list of int
        Class of each song (index into ``classes``).
    side : dict
        Song name -> ``"train"``, ``"val"`` or ``"test"``.
    settings : PoseTrainingSettings
        Validation windows are seeded ``seed + 1``, test windows ``seed + 2``, the control's
        training windows ``seed + 3``.
    classes : list of str
    log : callable, optional

    Returns
    -------
    dict
        ``songs`` per side, ``best_epoch``, ``history``, ``train_s``, ``parameters``, the test
        scores (:func:`~dancekit.evaluation.window_scores.window_and_song_scores`) and the
        control's (``control_order_free_test``).
    """
    pick = lambda name: [i for i, s in enumerate(songs) if side[s.name] == name]  # noqa: E731
    train, val, test = pick("train"), pick("val"), pick("test")
    x_val, y_val, _ = _windows_of(songs, labels, val, settings.seed + 1, settings.window)
    started = time.time()
    trained = train_pose_classifier([songs[i] for i in train], [labels[i] for i in train], len(classes), settings,
                                    (x_val, y_val), log=log)
    train_s = time.time() - started
    x_test, y_test, window_song = _windows_of(songs, labels, test, settings.seed + 2, settings.window)
    test_labels, names = [labels[i] for i in test], [songs[i].name for i in test]
    result = window_and_song_scores(predict_proba(trained.network, x_test), y_test, window_song, test_labels, names,
                                    classes)
    x_control, y_control = random_windows([songs[i] for i in train], [labels[i] for i in train],
                                          settings.per_class * 4, np.random.default_rng(settings.seed + 3),
                                          settings.window)
    control = window_and_song_scores(order_free_control(x_control, y_control, x_test), y_test, window_song,
                                     test_labels, names, classes)
    return {"songs": {k: [songs[i].name for i in v] for k, v in (("train", train), ("val", val), ("test", test))},
            "best_epoch": trained.best_epoch, "history": trained.history, "train_s": round(train_s, 1),
            "parameters": n_parameters(trained.network), "test": result,
            "control_order_free_test": {k: control[k] for k in CONTROL_FIGURES}}


def run_fold(songs: list[PoseSong], labels: list[int], fold: int, train_idx, test_idx,
             settings: PoseTrainingSettings, n_classes: int = len(POSE_CLASSES), log: Log | None = None) -> dict:
    """One cross-validation fold: train ``settings.epochs`` epochs on ``train_idx``, answer every window of ``test_idx``.

    Parameters
    ----------
    songs : list of PoseSong
    labels : list of int
    fold : int
        0-based; the fold trains with seed ``settings.seed + 10 * (fold + 1)`` and scores windows
        seeded 2 above that.
    train_idx, test_idx : sequence of int
        Songs of each side.
    settings : PoseTrainingSettings
    n_classes : int
    log : callable, optional

    Returns
    -------
    dict
        ``test_songs``, window ``probs`` (5 digits), ``window_song`` (song index of each window)
        and ``train_s``.
    """
    seed = settings.seed + 10 * (fold + 1)
    started = time.time()
    trained = train_pose_classifier([songs[i] for i in train_idx], [labels[i] for i in train_idx], n_classes,
                                    PoseTrainingSettings(**{**settings.to_dict(), "seed": seed}), log=log)
    x, window_song = evaluation_windows([songs[i] for i in test_idx], seed + 2, window=settings.window)
    probs = predict_proba(trained.network, x)
    return {"test_songs": [songs[i].name for i in test_idx], "probs": probs.round(5).tolist(),
            "window_song": [int(test_idx[j]) for j in window_song], "train_s": round(time.time() - started, 1)}


def pool_folds(done: dict, n_folds: int, songs: list[PoseSong], labels: list[int],
               classes: list[str] = POSE_CLASSES) -> dict:
    """The folds' held-out answers scored together, and each fold's song accuracy.

    Parameters
    ----------
    done : dict
        ``str(fold)`` -> :func:`run_fold`'s result.
    n_folds : int
    songs : list of PoseSong
    labels : list of int
    classes : list of str

    Returns
    -------
    dict
        ``folds``, ``pooled`` scores and ``fold_song_accuracy``.
    """
    runs = [done[str(k)] for k in range(n_folds)]
    probs = np.concatenate([np.asarray(r["probs"]) for r in runs])
    window_song = np.concatenate([r["window_song"] for r in runs])
    pooled = window_and_song_scores(probs, np.array([labels[i] for i in window_song]), window_song, labels,
                                    [s.name for s in songs], classes)
    fold_accuracy = [song_accuracy(np.asarray(r["probs"]), np.asarray(r["window_song"]), labels) for r in runs]
    return {"folds": n_folds, "pooled": pooled, "fold_song_accuracy": fold_accuracy}


def cross_validate(songs: list[PoseSong], labels: list[int], settings: PoseTrainingSettings, n_folds: int,
                   done: dict, save: Callable[[], None] = lambda: None, classes: list[str] = POSE_CLASSES,
                   log: Log | None = None) -> dict:
    """Leave-songs-out folds stratified by dance, each song in one test fold; finished folds in ``done`` are kept.

    Parameters
    ----------
    songs : list of PoseSong
    labels : list of int
    settings : PoseTrainingSettings
        ``epochs`` is every fold's length; ``seed`` also shuffles the folds.
    n_folds : int
    done : dict
        Filled with each fold's result as it finishes (``str(fold)`` -> :func:`run_fold`'s).
    save : callable
        Called after each fold (write the results so far).
    classes : list of str
    log : callable, optional

    Returns
    -------
    dict
        :func:`pool_folds`'s figures and ``epochs``.
    """
    folds = list(StratifiedKFold(n_folds, shuffle=True, random_state=settings.seed).split(np.zeros(len(songs)),
                                                                                           labels))
    for k, (train_idx, test_idx) in enumerate(folds):
        if str(k) in done:
            continue
        if log is not None:
            log(f"cv fold {k + 1}/{len(folds)}")
        done[str(k)] = run_fold(songs, labels, k, train_idx, test_idx, settings, len(classes), log)
        save()
    pooled = pool_folds(done, len(folds), songs, labels, classes)
    return {"folds": pooled["folds"], "epochs": settings.epochs, "pooled": pooled["pooled"],
            "fold_song_accuracy": pooled["fold_song_accuracy"]}


def pose_data_facts(all_songs: list[PoseSong], classes: list[str] = POSE_CLASSES) -> dict:
    """Songs with motion per dance, the ones left out and the dance of each song kept.

    Parameters
    ----------
    all_songs : list of PoseSong
    classes : list of str

    Returns
    -------
    dict
    """
    per_dance: dict[str, int] = {}
    for song in all_songs:
        per_dance[song.dance] = per_dance.get(song.dance, 0) + 1
    return {"songs_with_motion": len(all_songs), "songs_per_dance": per_dance,
            "left_out": [s.name for s in all_songs if s.dance not in classes],
            "dance_of": {s.name: s.dance for s in all_songs if s.dance in classes}}


def experiment_config(settings: PoseTrainingSettings, n_folds: int) -> dict:
    """What ``results.json`` must have been written with for its stages to be reused.

    Parameters
    ----------
    settings : PoseTrainingSettings
    n_folds : int

    Returns
    -------
    dict
    """
    return {"fps": DEFAULT_FPS, "window": settings.window, "window_s": settings.window / DEFAULT_FPS,
            "hop": EVALUATION_HOP, "epochs": settings.epochs, "per_class": settings.per_class, "seed": settings.seed,
            "folds": n_folds}


def run_pose_experiment(all_songs: list[PoseSong], side: dict[str, str], out_dir: str | Path,
                        settings: PoseTrainingSettings = PoseTrainingSettings(), n_folds: int = 5,
                        with_cv: bool = True, log: Log | None = None) -> dict:
    """The split, then (``with_cv``) the cross-validation; ``out_dir/results.json`` after every stage.

    A rerun with the same configuration reads the finished stages back and runs only what is
    missing; another configuration starts over.

    Parameters
    ----------
    all_songs : list of PoseSong
        Every song with motion (dances outside :data:`POSE_CLASSES` are left out).
    side : dict
        Song name -> ``"train"``, ``"val"`` or ``"test"`` (``dancekit.data.tang.tang_split``).
    out_dir : path
    settings : PoseTrainingSettings
        The split's; folds train ``max(5, best epoch)`` epochs.
    n_folds : int
    with_cv : bool
    log : callable, optional

    Returns
    -------
    dict
        ``config``, ``data``, ``split``, (``cv_folds``, ``cv``) and ``total_s``: the training
        time of every stage, earlier runs' included.
    """
    started = time.time()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    results = json.loads(path.read_text()) if path.is_file() else {}
    config = experiment_config(settings, n_folds)
    if results.get("config") != config:
        results = {"config": config}
    save = lambda: atomic_write_text(path, json.dumps(results, indent=1))  # noqa: E731
    # a run stopped early saved no total: count the training time of its finished stages
    earlier = results.get("total_s", results.get("split", {}).get("train_s", 0.0) +
                          sum(f["train_s"] for f in results.get("cv_folds", {}).values()))
    songs = [s for s in all_songs if s.dance in POSE_CLASSES]
    labels = [POSE_CLASSES.index(s.dance) for s in songs]
    results["data"] = pose_data_facts(all_songs)
    if "split" not in results:
        if log is not None:
            log("split: train / val / test by tang_split")
        results["split"] = run_split(songs, labels, side, settings, POSE_CLASSES, log)
        save()
    if with_cv:
        epochs = max(5, int(results["split"]["best_epoch"]))
        fold_settings = PoseTrainingSettings(**{**settings.to_dict(), "epochs": epochs})
        results["cv"] = cross_validate(songs, labels, fold_settings, n_folds, results.setdefault("cv_folds", {}),
                                       save, POSE_CLASSES, log)
    results["total_s"] = round(earlier + time.time() - started, 1)
    save()
    return results
