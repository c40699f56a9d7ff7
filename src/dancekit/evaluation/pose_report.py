"""The pose experiment's report: a markdown page with the split's and the cross-validation's tables, and the confusions.

The text says what the figures do not: the keypoints are projections of motion capture, not a
pose estimator's output, and the songs are few. Figures come from ``results.json`` only, so the
report can be rewritten without training again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from dancekit.fileio import atomic_write_text, save_figure

#: short tick labels of the dances on the confusion plots
SHORT_NAMES = {"Cha Cha Cha": "Cha-cha", "Slow Waltz": "Waltz"}


def _pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}"


def plot_confusion_panels(panels: Sequence[tuple[str, Sequence[Sequence[int]]]], classes: Sequence[str],
                          path: str | Path) -> Path:
    """Confusion matrices side by side: counts written, colour the share of the true class.

    Parameters
    ----------
    panels : sequence of (str, matrix)
        Title and confusion matrix (rows true, columns predicted) of each panel.
    classes : sequence of str
        Class names, in the matrices' order.
    path : path
        PNG to write.

    Returns
    -------
    Path
    """
    import matplotlib  # heavy: imported only when a figure is drawn; pyplot must come after use("Agg")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.0))
    short = [SHORT_NAMES.get(c, c) for c in classes]
    for ax, (title, m) in zip(np.atleast_1d(axes), panels):
        m = np.asarray(m)
        norm = m / np.maximum(m.sum(1, keepdims=True), 1)
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, str(v), ha="center", va="center", color="white" if norm[i, j] > 0.5 else "black")
        ax.set_xticks(range(len(classes)), short)
        ax.set_yticks(range(len(classes)), short)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(title, fontsize=9)
    return save_figure(fig, path, dpi=110)


def _panels(results: dict) -> list[tuple[str, list]]:
    """The split's window and song confusions, and the cross-validation's when it ran."""
    t = results["split"]["test"]
    panels = [("test songs: windows", t["window_confusion"]), ("test songs: songs", t["song_confusion"])]
    if results.get("cv"):
        panels += [("CV, all songs: windows", results["cv"]["pooled"]["window_confusion"]),
                   ("CV, all songs: songs", results["cv"]["pooled"]["song_confusion"])]
    return panels


def write_pose_report(out_dir: str | Path, results: dict) -> Path:
    """``report.md`` and ``confusion.png`` of a pose experiment's results.

    Parameters
    ----------
    out_dir : path
        Folder to write into (the results' folder).
    results : dict
        :func:`dancekit.video.pose_experiment.run_pose_experiment`'s results.

    Returns
    -------
    Path
        The report.
    """
    out = Path(out_dir)
    d = results["data"]
    s = results["split"]
    t = s["test"]
    classes = list(t["windows_per_class"])
    plot_confusion_panels(_panels(results), classes, out / "confusion.png")
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
        "; ".join(f"{side}: " + ", ".join(f"{c} {sum(1 for n in s['songs'][side] if d['dance_of'][n] == c)}" for c in classes)
                  for side in ("train", "val", "test")) +
        ". Only one Cha-cha song and two Rumba songs are on the training side: figures on so few songs are noisy.",
        "",
        "## Test songs of the split (never seen in training)",
        "",
        "| measure | windows | songs |",
        "|---|---|---|",
        f"| count | {t['windows']} | {t['songs']} |",
        f"| accuracy % | {_pct(t['window_accuracy'])} | {_pct(t['song_accuracy'])} |",
        f"| balanced accuracy (mean per-class recall) % | {_pct(t['window_balanced_accuracy'])} | {_pct(t['song_balanced_accuracy'])} |",
        f"| majority-class chance % | {_pct(t['window_chance_majority'])} | {_pct(t['song_chance_majority'])} |",
        "| balanced chance % | 33.3 | 33.3 |",
    ]
    for c in classes:
        lines.append(f"| recall {c} % | {_pct(t['window_recall'][c])} | {_pct(t['song_recall'][c])} |")
    ctl = s["control_order_free_test"]
    lines += [
        "",
        f"Best epoch {s['best_epoch']} of {results['config']['epochs']}; training {s['train_s']:.0f} s on CPU.",
        "Song predictions: " + ", ".join(f"{n} -> {p}" for n, p in t["song_predictions"].items()) + ".",
        "",
        "Control without motion order (logistic regression on each window's mean and spread of every keypoint",
        f"coordinate): window accuracy {_pct(ctl['window_accuracy'])} %, balanced {_pct(ctl['window_balanced_accuracy'])} %;",
        f"song accuracy {_pct(ctl['song_accuracy'])} %, balanced {_pct(ctl['song_balanced_accuracy'])} %."
        f" The gap between this and the network ({_pct(t['window_balanced_accuracy'])} % balanced on windows) is what",
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
            f"| accuracy % | {_pct(cv['pooled']['window_accuracy'])} | {_pct(cv['pooled']['song_accuracy'])} |",
            f"| balanced accuracy % | {_pct(cv['pooled']['window_balanced_accuracy'])} | {_pct(cv['pooled']['song_balanced_accuracy'])} |",
            f"| majority-class chance % | {_pct(cv['pooled']['window_chance_majority'])} | {_pct(cv['pooled']['song_chance_majority'])} |",
        ]
        for c in classes:
            lines.append(f"| recall {c} % | {_pct(cv['pooled']['window_recall'][c])} | {_pct(cv['pooled']['song_recall'][c])} |")
        lines += ["", "Per fold (song accuracy %): " + ", ".join(_pct(v) for v in cv["fold_song_accuracy"]) + "."]
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
    return atomic_write_text(out / "report.md", "\n".join(lines) + "\n")
