"""Does the 2-D motion of the body carry the dance, on songs never seen in training?

    python recipes/pose_dance.py --out reports/video_pose_tang [--tang DIR] [--no-cv] [--seed 0]

The first half of the pose route to video classification: 2-D keypoint windows made from the
real Tang motion capture through random pinhole cameras (``dancekit.video.pose_sequences``; NOT
pose-estimated from video), classified by a small temporal network
(``dancekit.models.pose_classifier``) on CPU.

* Split: ``dancekit.data.tang.tang_split`` (by song, every dance on every side). Tango has one
  song with motion, so it cannot be on both sides of any split and is left out: three classes.
* Training draws fresh class-balanced windows (random song, start and camera) every epoch; the
  epoch is picked on the validation songs (mean per-class recall of windows), the test songs
  are scored once. Evaluation windows are 4 s, 1 s apart, each with its own seeded camera.
* Song-level decision: mean window probabilities per song, argmax.
* Control: a logistic regression on order-free window statistics (mean and spread of every
  keypoint coordinate) on the same windows: what the pose distribution gives without motion order.
* Cross-validation: leave-songs-out, 5 folds over all songs stratified by dance (each song one
  group), the epoch count fixed to the one picked on the split above (no validation songs left).

Each finished stage is saved in ``results.json`` and skipped when rerun (resume).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

CLASSES = ["Cha Cha Cha", "Rumba", "Slow Waltz"]
HOP = 15  # evaluation windows 1 s apart


# ------------------------------------------------------------------------------------- training
def eval_windows(songs, seed: int):
    """Fixed windows of each song: ``(X, window song index)``; song i gets seed (seed, 1000 + i)."""
    from dancekit.video.pose_sequences import song_windows

    xs = [song_windows(s, hop=HOP, seed=seed * 100_003 + 1000 + i) for i, s in enumerate(songs)]
    return np.concatenate(xs), np.concatenate([np.full(len(x), i) for i, x in enumerate(xs)])


def balanced_recall(y_true, y_pred) -> float:
    """Mean recall over the classes present (scikit-learn's balanced accuracy)."""
    import warnings

    from sklearn.metrics import balanced_accuracy_score

    with warnings.catch_warnings():  # a predicted class absent from y_true is left out, as wanted
        warnings.simplefilter("ignore")
        return float(balanced_accuracy_score(y_true, y_pred))


def train_model(train_songs, train_labels, epochs: int, seed: int, per_class: int, val=None, log=print):
    """Train a PoseTCN; with ``val`` = (X, y) keep the epoch with the best balanced window recall."""
    import torch

    from dancekit.models.pose_classifier import PoseTCN, predict_proba, train_epoch
    from dancekit.video.pose_sequences import FEATURE_CHANNELS, random_windows

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    model = PoseTCN(FEATURE_CHANNELS, len(CLASSES))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
    history, best = [], (-1.0, 0, None)
    for epoch in range(1, epochs + 1):
        x, y = random_windows(train_songs, train_labels, per_class, rng)
        loss = train_epoch(model, x, y, opt, batch=64, generator=gen)
        row = {"epoch": epoch, "loss": round(loss, 4)}
        if val is not None:
            pred = predict_proba(model, val[0]).argmax(1)
            row["val_balanced"] = round(balanced_recall(val[1], pred), 4)
            row["val_acc"] = round(float(np.mean(pred == val[1])), 4)
            if row["val_balanced"] > best[0]:
                best = (row["val_balanced"], epoch, {k: v.clone() for k, v in model.state_dict().items()})
        history.append(row)
        log(f"  epoch {epoch}: {row}")
    if val is not None:
        model.load_state_dict(best[2])
    return model, history, (best[1] if val is not None else epochs)


def score(probs, y_win, song_of_win, song_labels, names) -> dict:
    """Window and song accuracies, per-class recall, confusions and majority chance."""
    n = len(CLASSES)
    pred = probs.argmax(1)
    song_ids = sorted(set(song_of_win.tolist()))
    song_probs = np.stack([probs[song_of_win == s].mean(0) for s in song_ids])
    song_true = np.array([song_labels[s] for s in song_ids])
    song_pred = song_probs.argmax(1)

    def confusion(t, p):
        m = np.zeros((n, n), int)
        for a, b in zip(t, p):
            m[a, b] += 1
        return m.tolist()

    win_counts = np.bincount(y_win, minlength=n)
    song_counts = np.bincount(song_true, minlength=n)
    return {
        "windows": int(len(y_win)), "songs": int(len(song_ids)),
        "windows_per_class": dict(zip(CLASSES, win_counts.tolist())),
        "songs_per_class": dict(zip(CLASSES, song_counts.tolist())),
        "window_accuracy": float(np.mean(pred == y_win)),
        "window_balanced_accuracy": balanced_recall(y_win, pred),
        "window_recall": {c: (float(np.mean(pred[y_win == i] == i)) if win_counts[i] else None) for i, c in enumerate(CLASSES)},
        "window_chance_majority": float(win_counts.max() / win_counts.sum()),
        "song_accuracy": float(np.mean(song_pred == song_true)),
        "song_balanced_accuracy": balanced_recall(song_true, song_pred),
        "song_recall": {c: (float(np.mean(song_pred[song_true == i] == i)) if song_counts[i] else None) for i, c in enumerate(CLASSES)},
        "song_chance_majority": float(song_counts.max() / song_counts.sum()),
        "window_confusion": confusion(y_win, pred),
        "song_confusion": confusion(song_true, song_pred),
        "song_predictions": {names[s]: CLASSES[int(p)] for s, p in zip(song_ids, song_pred)},
    }


def order_free_control(x_train, y_train, x_test) -> np.ndarray:
    """Probabilities of a logistic regression on per-window mean and sd of every keypoint coordinate."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def stats(x):
        pos = x[:, :26]
        return np.concatenate([pos.mean(2), pos.std(2)], axis=1)

    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.1))
    clf.fit(stats(x_train), y_train)
    return clf.predict_proba(stats(x_test))


# -------------------------------------------------------------------------------------- stages
def run_split(songs, labels, side, args, log) -> dict:
    from dancekit.models.pose_classifier import n_parameters, predict_proba
    from dancekit.video.pose_sequences import random_windows

    pick = lambda name: [i for i, s in enumerate(songs) if side[s.name] == name]  # noqa: E731
    tr, va, te = pick("train"), pick("val"), pick("test")
    x_val, w_val = eval_windows([songs[i] for i in va], args.seed + 1)
    y_val = np.array([labels[va[j]] for j in w_val])
    t0 = time.time()
    model, history, best_epoch = train_model([songs[i] for i in tr], [labels[i] for i in tr], args.epochs,
                                             args.seed, args.per_class, (x_val, y_val), log)
    train_s = time.time() - t0
    x_te, w_te = eval_windows([songs[i] for i in te], args.seed + 2)
    y_te = np.array([labels[te[j]] for j in w_te])
    names = [songs[i].name for i in te]
    result = score(predict_proba(model, x_te), y_te, w_te, [labels[i] for i in te], names)
    # order-free control on the same kind of windows: one class-balanced draw of training windows
    x_c, y_c = random_windows([songs[i] for i in tr], [labels[i] for i in tr], args.per_class * 4,
                              np.random.default_rng(args.seed + 3))
    control = score(order_free_control(x_c, y_c, x_te), y_te, w_te, [labels[i] for i in te], names)
    return {"songs": {k: [songs[i].name for i in v] for k, v in (("train", tr), ("val", va), ("test", te))},
            "best_epoch": best_epoch, "history": history, "train_s": round(train_s, 1),
            "parameters": n_parameters(model), "test": result,
            "control_order_free_test": {k: control[k] for k in ("window_accuracy", "window_balanced_accuracy",
                                                                "song_accuracy", "song_balanced_accuracy")}}


def run_fold(songs, labels, fold: int, train_idx, test_idx, epochs: int, args, log) -> dict:
    from dancekit.models.pose_classifier import predict_proba

    t0 = time.time()
    model, _, _ = train_model([songs[i] for i in train_idx], [labels[i] for i in train_idx], epochs,
                              args.seed + 10 * (fold + 1), args.per_class, None, log)
    x, w = eval_windows([songs[i] for i in test_idx], args.seed + 10 * (fold + 1) + 2)
    probs = predict_proba(model, x)
    return {"test_songs": [songs[i].name for i in test_idx], "probs": probs.round(5).tolist(),
            "window_song": [int(test_idx[j]) for j in w], "train_s": round(time.time() - t0, 1)}


# -------------------------------------------------------------------------------------- report
def plot_confusions(panels, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dancekit.fileio import atomic_write

    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.0))
    for ax, (title, m) in zip(np.atleast_1d(axes), panels):
        m = np.asarray(m)
        norm = m / np.maximum(m.sum(1, keepdims=True), 1)
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        for i in range(len(m)):
            for j in range(len(m)):
                ax.text(j, i, str(m[i, j]), ha="center", va="center", color="white" if norm[i, j] > 0.5 else "black")
        short = [c.replace("Cha Cha Cha", "Cha-cha").replace("Slow Waltz", "Waltz") for c in CLASSES]
        ax.set_xticks(range(len(CLASSES)), short)
        ax.set_yticks(range(len(CLASSES)), short)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
    plt.close(fig)


def pct(v):
    return "n/a" if v is None else f"{100 * v:.1f}"


def write_report(out: Path, results: dict) -> None:
    from dancekit.fileio import atomic_write_text

    d = results["data"]
    s = results["split"]
    t = s["test"]
    lines = [
        "# Dance from 2-D body motion: Tang motion capture through random cameras",
        "",
        "Question: does the 2-D motion of the body carry the dance on songs never seen in training? This is the",
        "first half of the pose route to video classification (train on keypoints, later apply to a pose",
        "estimator's output); the frame CNNs of paper 4 are at chance on unseen songs ([video_tang_renders](../video_tang_renders/report.md)).",
        "",
        "**Data.** The real Tang motion capture (one dancer per song, 25 fps, resampled to 15 fps), projected to",
        "2-D through a random pinhole camera per window (azimuth all around, elevation 0-30 deg, 3-9 m, roll",
        "+-5 deg, focal 400-2000 px), 13 COCO keypoints (nose = head centre, shoulders, elbows, wrists, hips, knees,",
        "ankles), each frame centred on the mid-hip point and the window scaled by its median torso length;",
        "random limb proportions (+-10 % per limb group), mirroring (p = 0.5), keypoint jitter (sd 0.02 torso) and",
        "missed keypoints (3 %). **These keypoints are synthetic projections of motion capture, NOT pose-estimated",
        "from video**: a real estimator adds its own errors (swapped sides, lost limbs, partner occlusion),",
        "which are not measured here.",
        "",
        f"**Windows.** {results['config']['window_s']:.0f} s at {results['config']['fps']:.0f} fps "
        f"({results['config']['window']} frames), about two bars of every dance; evaluation windows 1 s apart,",
        "each with its own seeded camera. Training: fresh class-balanced windows (random song, start, camera) every",
        f"epoch ({results['config']['per_class']} per class), {results['config']['epochs']} epochs, epoch picked on the",
        f"validation songs. Network: 1-D temporal conv net ({s['parameters']:,} parameters), input = positions,",
        "velocities and visibility flags of the 13 keypoints.",
        "",
        f"**Songs.** {d['songs_with_motion']} Tang songs have motion: " +
        ", ".join(f"{k} {v}" for k, v in d["songs_per_dance"].items()) +
        ". Tango has a single song, so it cannot be both trained on and tested: it is left out (3 classes).",
        "The split is `tang_split` (by song): " +
        "; ".join(f"{side}: " + ", ".join(f"{c} {sum(1 for n in s['songs'][side] if d['dance_of'][n] == c)}" for c in CLASSES)
                  for side in ("train", "val", "test")) +
        ". Only one Cha-cha song and two Rumba songs are on the training side: figures on so few songs are noisy.",
        "",
        "## Test songs of the split (never seen in training)",
        "",
        "| measure | windows | songs |",
        "|---|---|---|",
        f"| count | {t['windows']} | {t['songs']} |",
        f"| accuracy % | {pct(t['window_accuracy'])} | {pct(t['song_accuracy'])} |",
        f"| balanced accuracy (mean per-class recall) % | {pct(t['window_balanced_accuracy'])} | {pct(t['song_balanced_accuracy'])} |",
        f"| majority-class chance % | {pct(t['window_chance_majority'])} | {pct(t['song_chance_majority'])} |",
        "| balanced chance % | 33.3 | 33.3 |",
    ]
    for c in CLASSES:
        lines.append(f"| recall {c} % | {pct(t['window_recall'][c])} | {pct(t['song_recall'][c])} |")
    ctl = s["control_order_free_test"]
    lines += [
        "",
        f"Best epoch {s['best_epoch']} of {results['config']['epochs']}; training {s['train_s']:.0f} s on CPU.",
        "Song predictions: " + ", ".join(f"{n} -> {p}" for n, p in t["song_predictions"].items()) + ".",
        "",
        "Control without motion order (logistic regression on each window's mean and spread of every keypoint",
        f"coordinate): window accuracy {pct(ctl['window_accuracy'])} %, balanced {pct(ctl['window_balanced_accuracy'])} %;",
        f"song accuracy {pct(ctl['song_accuracy'])} %, balanced {pct(ctl['song_balanced_accuracy'])} %."
        f" The gap between this and the network ({pct(t['window_balanced_accuracy'])} % balanced on windows) is what",
        "motion order adds on top of the distribution of poses; where the control is close, posture and",
        "build (not rhythm) separate the dances.",
    ]
    cv = results.get("cv")
    if cv:
        lines += [
            "",
            f"## Leave-songs-out cross-validation ({cv['folds']} folds over all {cv['pooled']['songs']} songs, stratified by dance)",
            "",
            f"Each fold trains {cv['epochs']} epochs (the epoch picked above; no validation songs inside a fold)"
            " on the other folds' songs; figures pooled over the held-out songs of all folds.",
            "",
            "| measure | windows | songs |",
            "|---|---|---|",
            f"| count | {cv['pooled']['windows']} | {cv['pooled']['songs']} |",
            f"| accuracy % | {pct(cv['pooled']['window_accuracy'])} | {pct(cv['pooled']['song_accuracy'])} |",
            f"| balanced accuracy % | {pct(cv['pooled']['window_balanced_accuracy'])} | {pct(cv['pooled']['song_balanced_accuracy'])} |",
            f"| majority-class chance % | {pct(cv['pooled']['window_chance_majority'])} | {pct(cv['pooled']['song_chance_majority'])} |",
        ]
        for c in CLASSES:
            lines.append(f"| recall {c} % | {pct(cv['pooled']['window_recall'][c])} | {pct(cv['pooled']['song_recall'][c])} |")
        lines += ["", "Per fold (song accuracy %): " + ", ".join(pct(v) for v in cv["fold_song_accuracy"]) + "."]
    else:
        lines += ["", "Cross-validation: not run for this report (5 folds take about 3 minutes each on the shared",
                  "2-core CPU, beyond the time budget); run the recipe without `--no-cv` for it."]
    lines += [
        "",
        "## Confusion matrices (counts; colour = share of the true class)",
        "",
        "![confusion](confusion.png)",
        "",
        "## What this does and does not show",
        "",
        "* Cha-cha/Rumba were captured on one dancer build and Waltz/Tango on another (longer shins in the",
        "  former, see `dancekit.motion.skeleton`): Waltz against the Latin dances could be told apart by build.",
        "  The limb-proportion augmentation and the torso normalisation work against that; Cha-cha against",
        "  Rumba (same build) is the cleaner test of motion.",
        "* Keypoints are projected, not estimated: the numbers are an upper bound for the pose route until a",
        "  pose estimator's output on real video is tested.",
        "* Very few songs: test and validation sides hold 2-3 songs of Cha-cha and Rumba; one song more or less",
        "  right moves the song accuracy by several points.",
        "",
        f"Reproduce: `python recipes/pose_dance.py --out reports/video_pose_tang` (seed {results['config']['seed']};"
        f" {results.get('total_s', 0):.0f} s on a shared 2-core CPU).",
    ]
    atomic_write_text(out / "report.md", "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--tang", type=Path, help="Tang folder (default: shared data tang_dance)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--per-class", type=int, default=160)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cv", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    import torch

    from dancekit.data.tang import tang_recordings, tang_split
    from dancekit.errors import DancekitError
    from dancekit.fileio import atomic_write_text
    from dancekit.paths import shared_data_dir
    from dancekit.video.pose_sequences import DEFAULT_FPS, DEFAULT_WINDOW, load_tang_pose_songs

    torch.set_num_threads(args.threads)
    log = lambda m: print(m, flush=True)  # noqa: E731
    t_start = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.is_file() else {}
    config = {"fps": DEFAULT_FPS, "window": DEFAULT_WINDOW, "window_s": DEFAULT_WINDOW / DEFAULT_FPS, "hop": HOP,
              "epochs": args.epochs, "per_class": args.per_class, "seed": args.seed, "folds": args.folds}
    if results.get("config") != config:
        results = {"config": config}
    save = lambda: atomic_write_text(results_path, json.dumps(results, indent=1))  # noqa: E731
    # a run stopped early saved no total: count the training time of its finished stages
    elapsed0 = results.get("total_s", results.get("split", {}).get("train_s", 0.0) +
                           sum(f["train_s"] for f in results.get("cv_folds", {}).values()))

    try:
        root = args.tang or shared_data_dir() / "tang_dance"
        side = tang_split(tang_recordings(root))
        all_songs = load_tang_pose_songs(root)
    except DancekitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    per_dance = {}
    for s in all_songs:
        per_dance[s.dance] = per_dance.get(s.dance, 0) + 1
    songs = [s for s in all_songs if s.dance in CLASSES]
    labels = [CLASSES.index(s.dance) for s in songs]
    results["data"] = {"songs_with_motion": len(all_songs), "songs_per_dance": per_dance,
                       "left_out": [s.name for s in all_songs if s.dance not in CLASSES],
                       "dance_of": {s.name: s.dance for s in songs}}

    if "split" not in results:
        log("split: train / val / test by tang_split")
        results["split"] = run_split(songs, labels, side, args, log)
        save()
    t = results["split"]["test"]
    log(f"split test: window acc {pct(t['window_accuracy'])} %, song acc {pct(t['song_accuracy'])} % "
        f"(chance {pct(t['window_chance_majority'])} / {pct(t['song_chance_majority'])} %)")

    if not args.no_cv:
        from sklearn.model_selection import StratifiedKFold

        epochs = max(5, int(results["split"]["best_epoch"]))
        folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(np.zeros(len(songs)), labels))
        done = results.setdefault("cv_folds", {})
        for k, (train_idx, test_idx) in enumerate(folds):
            if str(k) in done:
                continue
            log(f"cv fold {k + 1}/{len(folds)}")
            done[str(k)] = run_fold(songs, labels, k, train_idx, test_idx, epochs, args, log)
            save()
        probs = np.concatenate([np.asarray(done[str(k)]["probs"]) for k in range(len(folds))])
        w_song = np.concatenate([done[str(k)]["window_song"] for k in range(len(folds))])
        pooled = score(probs, np.array([labels[i] for i in w_song]), w_song, labels, [s.name for s in songs])
        fold_acc = []
        for k in range(len(folds)):
            p, ws = np.asarray(done[str(k)]["probs"]), np.asarray(done[str(k)]["window_song"])
            ids = sorted(set(ws.tolist()))
            fold_acc.append(float(np.mean([p[ws == i].mean(0).argmax() == labels[i] for i in ids])))
        results["cv"] = {"folds": len(folds), "epochs": epochs, "pooled": pooled, "fold_song_accuracy": fold_acc}
        log(f"cv pooled: window acc {pct(pooled['window_accuracy'])} %, song acc {pct(pooled['song_accuracy'])} %")

    panels = [("test songs: windows", t["window_confusion"]), ("test songs: songs", t["song_confusion"])]
    if results.get("cv"):
        panels += [("CV, all songs: windows", results["cv"]["pooled"]["window_confusion"]),
                   ("CV, all songs: songs", results["cv"]["pooled"]["song_confusion"])]
    plot_confusions(panels, args.out / "confusion.png")
    results["total_s"] = round(elapsed0 + time.time() - t_start, 1)
    save()
    write_report(args.out, results)
    log(f"wrote {args.out / 'report.md'} ({results['total_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
