"""Paper 4's figures and a markdown report, for both the paper's frame split and the video split.

Fig. 4: validation accuracy per epoch of the three networks in one plot (here one panel per
split); Figs. 5-7: a confusion matrix per network; Fig. 8: the frames with the highest loss
(FastAI's ``plot_top_losses``). The table puts frame accuracy and video accuracy (mean frame
probability per video) of both splits side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from dancekit.evaluation.metrics import confusion_matrix
from dancekit.evaluation.report import plot_confusion
from dancekit.fileio import atomic_write_text, make_folder, save_figure
from dancekit.video.training import RunResult
from dancekit.video.decision import video_decisions

SPLIT_TITLES = {"frame": "frame-level split (paper: random 20 % of frames)",
                "video": "video-level split (whole videos / songs held out)"}


def _plt():
    import matplotlib  # heavy: imported only when a figure is drawn; pyplot must come after use("Agg")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_accuracy_curves(results: Mapping[tuple[str, str], RunResult], path: Path) -> Path:
    """Fig. 4: per-epoch validation frame accuracy of every network, one panel per split.

    Parameters
    ----------
    results : mapping
        ``(split, architecture)`` -> its :class:`~dancekit.video.training.RunResult`.
    path : Path
        Where the figure goes (PNG).

    Returns
    -------
    Path
        ``path``.
    """
    plt = _plt()
    splits = sorted({s for s, _ in results}, key=lambda s: (s != "frame", s))
    fig, axes = plt.subplots(1, len(splits), figsize=(5.2 * len(splits), 3.6), dpi=110, squeeze=False)
    for ax, split in zip(axes[0], splits):
        for (s, arch), res in sorted(results.items()):
            if s != split:
                continue
            epochs = [h["epoch"] for h in res.history]
            ax.plot(epochs, [100 * h["val_frame_accuracy"] for h in res.history], marker="o", ms=3, label=arch)
        ax.set_xlabel("epoch"), ax.set_ylabel("validation accuracy (%)")
        ax.set_title(SPLIT_TITLES.get(split, split), fontsize=9)
        ax.grid(alpha=0.3), ax.legend(fontsize=8)
    return save_figure(fig, path)


def top_losses(result: RunResult, k: int = 9) -> list[dict]:
    """The ``k`` validation frames the network got most wrong (highest cross-entropy).

    Parameters
    ----------
    result : RunResult
        A finished run with its validation probabilities.
    k : int
        How many frames.

    Returns
    -------
    list of dict
        ``frame`` (index into the image set), ``loss``, ``true``, ``predicted`` and ``p_true``, worst first.
    """
    probs = np.asarray(result.val_probs)
    labels = np.asarray(result.val_labels)
    loss = -np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, None))
    order = np.argsort(-loss, kind="stable")[:k]
    return [{"frame": int(result.val_frames[i]), "loss": float(loss[i]), "true": result.classes[labels[i]],
             "predicted": result.classes[int(probs[i].argmax())], "p_true": float(probs[i, labels[i]])} for i in order]


def plot_top_losses(result: RunResult, images: np.ndarray, path: Path, k: int = 9,
                    names: Sequence[str] | None = None) -> Path:
    """Fig. 8: a grid of the top-loss frames titled predicted / true / loss / p(true).

    Parameters
    ----------
    result : RunResult
        A finished run.
    images : np.ndarray
        Every frame of the image set, indexed as ``result.val_frames``.
    path : Path
        The PNG to write.
    k : int
        Frames in the grid.
    names : sequence of str, optional
        A caption per frame (its file name).

    Returns
    -------
    Path
        ``path``.
    """
    plt = _plt()
    rows = top_losses(result, k)
    cols = 3
    fig, axes = plt.subplots(int(np.ceil(len(rows) / cols)), cols, figsize=(7.5, 2.7 * np.ceil(len(rows) / cols)),
                             dpi=110, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, row in zip(axes.ravel(), rows):
        ax.imshow(images[row["frame"]])
        name = f"\n{names[row['frame']]}" if names is not None else ""
        ax.set_title(f"{row['predicted']} / {row['true']}\nloss {row['loss']:.2f}, p {row['p_true']:.2f}{name}",
                     fontsize=7)
    fig.suptitle(f"top losses: {result.architecture}, {result.split} split (predicted / true)", fontsize=9)
    return save_figure(fig, path)


def summary_rows(results: Mapping[tuple[str, str], RunResult], videos: np.ndarray, video_labels: np.ndarray,
                 ) -> list[dict]:
    """One row of figures per run: frame and video accuracy, sizes, split overlap and time.

    Parameters
    ----------
    results : mapping
        ``(split, architecture)`` -> its ``RunResult``.
    videos : np.ndarray
        The video of each frame of the image set.
    video_labels : np.ndarray
        The class of each video.

    Returns
    -------
    list of dict
        Frame-split rows first.
    """
    rows = []
    for (split, arch), res in sorted(results.items(), key=lambda kv: (kv[0][0] != "frame", kv[0])):
        frame_idx = np.asarray(res.val_frames)
        dec = video_decisions(np.asarray(res.val_probs), videos[frame_idx], video_labels)
        rows.append({"split": split, "architecture": arch, "frame_accuracy": res.frame_accuracy,
                     "video_accuracy": dec["accuracy"], "val_frames": len(frame_idx),
                     "val_videos": int(len(dec["videos"])), "train_frames": res.train_frames,
                     "shared_videos": res.extra.get("shared_videos"), "shared_groups": res.extra.get("shared_groups"),
                     "best_epoch_accuracy": max(h["val_frame_accuracy"] for h in res.history),
                     "seconds": res.seconds})
    return rows


def write_video_report(results: Mapping[tuple[str, str], RunResult], images: np.ndarray, videos: np.ndarray,
                       video_labels: np.ndarray, out_dir: str | Path, title: str, data_note: str,
                       frame_names: Sequence[str] | None = None) -> Path:
    """``report.md`` with Figs. 4-8 as PNGs beside it.

    Parameters
    ----------
    results : mapping
        ``(split, architecture)`` -> its ``RunResult``.
    images, videos, video_labels
        The image set's frames, and the video and class of each (see :func:`summary_rows`).
    out_dir : str or Path
        Where the report goes (created).
    title : str
        The report's heading.
    data_note : str
        A paragraph on the data.
    frame_names : sequence of str, optional
        Captions of the top-loss frames.

    Returns
    -------
    Path
        The markdown file.
    """
    out_dir = make_folder(out_dir)
    plot_accuracy_curves(results, out_dir / "accuracy_curves.png")
    rows = summary_rows(results, np.asarray(videos), np.asarray(video_labels))
    lines = [f"# {title}", "", data_note, "",
             "Frame accuracy: share of validation frames classified right (the paper's number). "
             "Video accuracy: mean frame probability per validation video, argmax. "
             "'shared' counts videos / groups with frames on both sides of the split.", "",
             "| split | network | frame acc. % | video acc. % | best epoch frame acc. % | val frames | val videos "
             "| shared videos | shared groups | train s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['split']} | {r['architecture']} | {100 * r['frame_accuracy']:.1f} | "
                     f"{100 * r['video_accuracy']:.1f} | {100 * r['best_epoch_accuracy']:.1f} | {r['val_frames']} | "
                     f"{r['val_videos']} | {r['shared_videos']} | {r['shared_groups']} | {r['seconds']:.0f} |")
    for split in ("frame", "video"):
        frame = [r["frame_accuracy"] for r in rows if r["split"] == split]
        video = [r["video_accuracy"] for r in rows if r["split"] == split]
        if frame:
            lines.append(f"\nMean over the networks, {split} split: frame accuracy {100 * np.mean(frame):.1f} %, "
                         f"video accuracy {100 * np.mean(video):.1f} %."
                         + (" The paper's number (frame split, its TikTok set): 94.97 %." if split == "frame" else ""))
    lines += ["", "## Validation accuracy per epoch (paper Fig. 4)", "", "![accuracy](accuracy_curves.png)", "",
              "| split | network | " + " | ".join(f"ep {h['epoch']}" for h in next(iter(results.values())).history) + " |",
              "|---|---|" + "---|" * len(next(iter(results.values())).history)]
    for (split, arch), res in sorted(results.items(), key=lambda kv: (kv[0][0] != "frame", kv[0])):
        lines.append(f"| {split} | {arch} | " + " | ".join(f"{100 * h['val_frame_accuracy']:.1f}" for h in res.history)
                     + " |")
    lines += ["", "## Confusion matrices (paper Figs. 5-7), validation frames", ""]
    for (split, arch), res in sorted(results.items(), key=lambda kv: (kv[0][0] != "frame", kv[0])):
        matrix = confusion_matrix(np.asarray(res.val_probs).argmax(1), np.asarray(res.val_labels), len(res.classes))
        name = f"confusion_{split}_{arch}.png"
        plot_confusion(matrix, res.classes, out_dir / name, f"{arch}, {split} split (frames)")
        lines.append(f"![{arch} {split}]({name})")
    lines += ["", "## Highest-loss frames (paper Fig. 8)", ""]
    for (split, arch), res in sorted(results.items(), key=lambda kv: (kv[0][0] != "frame", kv[0])):
        name = f"top_losses_{split}_{arch}.png"
        plot_top_losses(res, images, out_dir / name, names=frame_names)
        lines.append(f"![top losses {arch} {split}]({name})")
    path = out_dir / "report.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path
