"""Markdown report of the photo experiment: groups, paper split, cross-validation, shipped model.

Figures as the frame report (``dancekit.evaluation.video_report``): validation accuracy per epoch
of the three networks in one plot (the paper split, and the mean +- std over the folds of the
cross-validation by group), confusion matrices, highest-loss photos; plus the single-linkage
merge heights that justify the near-duplicate threshold.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dancekit.evaluation.metrics import confusion_matrix
from dancekit.evaluation.report import plot_confusion
from dancekit.evaluation.video_report import plot_top_losses
from dancekit.fileio import atomic_write_text, make_folder, save_figure
from dancekit.video.training import RunResult


def _plt():
    import matplotlib  # heavy: imported only when a figure is drawn; pyplot must come after use("Agg")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _cv_runs(results: dict) -> dict[tuple[int, str], RunResult]:
    out = {}
    for key, res in results["cv"].items():
        fold, arch = key.split("/")
        out[(int(fold), arch)] = RunResult.from_dict(res)
    return out


def pooled_run(runs: dict[tuple[int, str], RunResult], arch: str) -> RunResult:
    """All folds' validation predictions of one network as one run (every photo tested once).

    Parameters
    ----------
    runs : dict
        ``(fold, architecture)`` -> :class:`RunResult`.
    arch : str
        The network.

    Returns
    -------
    RunResult
    """
    mine = [runs[k] for k in sorted(runs) if k[1] == arch]
    first = mine[0]
    return RunResult(arch, "cv", first.classes, [], sum((r.val_frames for r in mine), []),
                     sum((r.val_probs for r in mine), []), sum((r.val_labels for r in mine), []),
                     float("nan"), float("nan"), 0, 0, 0, sum(r.seconds for r in mine))


def plot_curves(paper: dict[str, RunResult], runs: dict[tuple[int, str], RunResult], path: Path,
                ship: RunResult | None = None) -> Path:
    """Validation accuracy per epoch: paper split (left), CV mean +- std over folds (right).

    Parameters
    ----------
    paper : dict
        Architecture -> its run on the paper's random frame split.
    runs : dict
        ``(fold, architecture)`` -> its cross-validation run.
    path : Path
        The PNG to write.
    ship : RunResult, optional
        The shipped model's run, drawn dashed on the right.

    Returns
    -------
    Path
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10.4, 3.8), dpi=110, sharey=True)
    for arch, res in sorted(paper.items()):
        axes[0].plot([h["epoch"] for h in res.history], [100 * h["val_frame_accuracy"] for h in res.history],
                     marker="o", ms=3, label=arch)
    axes[0].set_title("paper split: random 20 % of the photos (near-duplicates on both sides)", fontsize=8)
    for arch in sorted({a for _, a in runs}):
        curves = np.array([[h["val_frame_accuracy"] for h in runs[k].history] for k in sorted(runs) if k[1] == arch])
        epochs = np.arange(1, curves.shape[1] + 1)
        mean, std = 100 * curves.mean(0), 100 * curves.std(0, ddof=1)
        (line,) = axes[1].plot(epochs, mean, marker="o", ms=3, label=f"{arch} (mean of {len(curves)} folds)")
        axes[1].fill_between(epochs, mean - std, mean + std, color=line.get_color(), alpha=0.15)
    if ship is not None:
        axes[1].plot([h["epoch"] for h in ship.history], [100 * h["val_frame_accuracy"] for h in ship.history],
                     ls="--", color="black", label=f"shipped {ship.architecture}, held-out photos")
    axes[1].set_title("cross-validation by near-duplicate group (band: +- 1 std over folds)", fontsize=8)
    for ax in axes:
        ax.set_xlabel("epoch"), ax.grid(alpha=0.3), ax.legend(fontsize=7)
    axes[0].set_ylabel("validation accuracy (%)")
    return save_figure(fig, path)


def plot_merge_heights(grouping: dict, path: Path) -> Path:
    """Sorted single-linkage merge heights per class with the scene threshold: the gap is the evidence.

    Parameters
    ----------
    grouping : dict
        The near-duplicate grouping (``merge_heights`` per class and ``scene_mad``).
    path : Path
        Where the PNG goes.

    Returns
    -------
    Path
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=110)
    for cls, heights in grouping["merge_heights"].items():
        ax.plot(np.arange(1, len(heights) + 1), heights, marker=".", ms=4, lw=1, label=cls)
    ax.axhline(grouping["scene_mad"], color="black", ls="--", lw=1, label=f"threshold {grouping['scene_mad']:g}")
    ax.set_xlabel("merge step (single linkage, within class)")
    ax.set_ylabel("16x16 thumbnail mean abs. difference")
    ax.set_title("near-duplicate groups: merges below the line join one group", fontsize=9)
    ax.grid(alpha=0.3), ax.legend(fontsize=7)
    return save_figure(fig, path)


def write_photo_report(results: dict, data, out_dir: str | Path, note: str = "") -> Path:
    """``report.md`` and its PNGs from the recipe's ``results`` and the (regrouped) photo FrameSet.

    Parameters
    ----------
    results : dict
        The recipe's results (paper runs, cross-validation, shipped run, grouping).
    data : FrameSet
        The photos, with their near-duplicate groups.
    out_dir : str or Path
        Where the report goes.
    note : str
        A sentence about the data (where it comes from, its resolution), printed as given.

    Returns
    -------
    Path
        The markdown file.
    """
    out_dir = make_folder(out_dir)
    paper = {a: RunResult.from_dict(r) for a, r in results["paper"].items()}
    runs = _cv_runs(results)
    ship = RunResult.from_dict(results["ship"]["result"])
    summary, grouping, recipe = results["cv_summary"], results["grouping"], results["recipe"]
    held = results["ship"]["scores"]
    archs = sorted(paper)
    classes = data.classes
    k = max(results["folds"]) + 1
    plot_curves(paper, runs, out_dir / "accuracy_curves.png", ship)
    plot_merge_heights(grouping, out_dir / "near_duplicate_merges.png")
    per_class = grouping["per_class"]
    counts = ", ".join(f"{c} {v['images']}" for c, v in per_class.items())
    source = "/".join(Path(results["data"]["source"]).parts[-2:])
    lines = [
        f"# Dance classification from single photos (paper 4's networks on `{source}`)", "",
        f"**Data.** {data.summary()['frames']} photos of {len(classes)} dances ({counts}) from `{source}`, "
        f"squashed to {results['data']['image_size']} px squares. " + (f"{note} " if note else "")
        + "These are **single photos, not videos**: nothing here measures motion, and `dancekit video` "
        "averages the per-frame answers of one of these networks over a clip's frames (1 per second).", "",
        "## Near-duplicates and groups", "",
        "Images are joined (single linkage, within a class) when their 16x16 colour thumbnails differ by at most "
        f"{grouping['scene_mad']:g} grey levels on average (frames of one fixed camera: same background, the "
        f"dancer elsewhere), or their 64-bit perceptual hashes (`dancekit.video.filtering`) by at most "
        f"{grouping['copy_bits']} bits (copies) (`dancekit.video.near_duplicates`).", "",
        "| class | images | groups | largest groups | single photos |", "|---|---|---|---|---|"]
    for cls, v in per_class.items():
        lines.append(f"| {cls} | {v['images']} | {v['groups']} | {', '.join(map(str, v['largest']))} | "
                     f"{v['singletons']} |")
    heights = grouping["merge_heights"]
    lines += [
        "", f"**{grouping['groups']} groups** in all. Threshold evidence (`near_duplicate_merges.png`): the "
        "single-linkage merge heights within each class jump from "
        + "; ".join(f"{c}: {_gap(h, grouping['scene_mad'])}" for c, h in heights.items())
        + f". Distinct photos of one class come no closer than {grouping['closest_distinct_same_class_mad']:.1f}; "
        f"photos of *different* classes as close as {grouping['closest_other_class_mad']:.1f}, which is why "
        "groups are formed within a class only. Hashes of distinct photos differ in at least "
        f"{min(grouping['closest_distinct_same_class_bits'], grouping['closest_other_class_bits'])} bits"
        + (", except copies filed under two labels (label noise, left as they are): "
           + "; ".join(" = ".join(f"`{n}`" for n in pair) for pair in grouping["conflicts"])
           if grouping.get("conflicts") else "") + ".", ""]
    big = {c: [n for n in v["largest"] if n > 0.1 * v["images"]] for c, v in per_class.items()}
    for cls, v in per_class.items():
        share = sum(big[cls])
        lines.append(f"* {cls}: " + (f"{share} of {v['images']} images in {len(big[cls])} large group(s) "
                                     f"({', '.join(map(str, big[cls]))}: frames of one recording each, or copies), "
                                     if big[cls] else "no large group, ")
                     + f"{v['singletons']} single photos")
    if any(sum(b) > 0.5 * per_class[c]["images"] for c, b in big.items()) and any(not b for b in big.values()):
        lines += ["", "Most of some classes are a few recordings while another class is all separate photos: the "
                  "classes then differ in *kind of picture* (plain-background recording vs. photo) as much as in "
                  "dance, and a network can score well on frames of a recording it has seen without knowing the "
                  "dance. Only the split by group below measures anything else."]
    lines += [
        "",
        "![merge heights](near_duplicate_merges.png)", "",
        "## Recipe", "",
        f"Paper 4: AlexNet, ResNet18, SqueezeNet1_0, {recipe['epochs']} epoch(s), 80/20 split; here from scratch "
        f"(no ImageNet weights), AdamW + one-cycle, learning rate {_rates(results)}, batch "
        f"{recipe['batch_size']} (few photos: more steps per epoch than the usual 64), random mirror and shift "
        "of training images, the last epoch's weights kept (no epoch picked on validation data). Training took "
        f"{_train_seconds(paper, runs, ship) / 60:.0f} min in all (wall clock, summed over the "
        f"{len(paper) + len(runs) + 1} runs; device {ship.extra.get('device', 'cpu')}).", "",
        "Majority baseline: the accuracy of always answering the training side's most frequent class. "
        "Largest class: the accuracy of always answering the validation side's own most frequent class (a "
        "constant answer chosen in hindsight; with whole recordings held out the sides are far from balanced). "
        f"Balanced accuracy: mean recall over the classes present (chance {_pct(1 / len(classes))} % when all "
        "are).", "",
        "## Results", "",
        "| network | paper split: random 80/20 photos | balanced | majority baseline | largest class | "
        f"{k}-fold CV by group: accuracy mean +- std | balanced mean +- std | majority baseline (mean) | "
        "largest class (mean) | CV pooled accuracy |", "|---|---|---|---|---|---|---|---|---|---|"]
    for arch in archs:
        s, p = summary[arch], results["paper_scores"][arch]
        lines.append(f"| {arch} | {_pct(p['accuracy'])} | {_pct(p['balanced_accuracy'])} | "
                     f"{_pct(p['majority_baseline'])} | {_pct(p['largest_class_share'])} | "
                     f"{_pct(s['mean_accuracy'])} +- {_pct(s['std_accuracy'])} | "
                     f"{_pct(s['mean_balanced_accuracy'])} +- {_pct(s['std_balanced_accuracy'])} | "
                     f"{_pct(s['mean_majority_baseline'])} | {_pct(s['mean_largest_class_share'])} | "
                     f"{_pct(s['pooled_accuracy'])} |")
    paper_mean = np.mean([results["paper_scores"][a]["accuracy"] for a in archs])
    cv_mean = np.mean([summary[a]["mean_accuracy"] for a in archs])
    lines += ["", f"Mean over the networks: {_pct(paper_mean)} % on the paper split (the paper: 94.97 % on its "
              f"TikTok frames), {_pct(cv_mean)} % by group; balanced "
              f"{_pct(np.mean([results['paper_scores'][a]['balanced_accuracy'] for a in archs]))} % vs. "
              f"{_pct(np.mean([summary[a]['mean_balanced_accuracy'] for a in archs]))} %. The difference is what "
              "near-duplicates on both sides of a split add."]
    shared = {a: paper[a].extra.get("shared_groups") for a in archs}
    lines += ["", f"The paper split puts frames of one recording on both sides ({next(iter(shared.values()))} "
              "groups shared between training and validation), so it measures recognising a recording already "
              "seen. The cross-validation keeps every group on one side: each fold's validation photos come "
              "from recordings and photos its network never saw.", "",
              f"Per fold ({k} folds, `StratifiedGroupKFold`, seed {recipe['seed']}): validation photos per class "
              f"({', '.join(classes)}) and accuracy.", "",
              "| fold | val photos per class | majority baseline | largest class | "
              + " | ".join(f"{a} (balanced)" for a in archs) + " |",
              "|---|---|---|---|" + "---|" * len(archs)]
    for f in range(k):
        fs = [summary[a]["folds"][f] for a in archs]
        lines.append(f"| {f + 1} | {fs[0]['val_per_class']} | {_pct(fs[0]['majority_baseline'])} | "
                     f"{_pct(fs[0]['largest_class_share'])} | "
                     + " | ".join(f"{_pct(s['accuracy'])} ({_pct(s['balanced_accuracy'])})" for s in fs) + " |")
    ship_arch = results["ship"]["architecture"]
    size = results["ship"].get("model_bytes")
    lines += [
        "", "## Shipped model (`video_dance`)", "",
        f"{ship_arch}, chosen by cross-validated accuracy (the smallest network within 2 points of the best), "
        f"trained with the same recipe on all photos except a held-out {held['val_images']} "
        f"({held['val_per_class']} per class): about 20 % of each class's groups, never a whole recording "
        "(a recording is most of its class; `dancekit.video.crossval.holdout_sides`). Held-out accuracy "
        f"**{_pct(held['accuracy'])} %** (balanced {_pct(held['balanced_accuracy'])} %, majority baseline "
        f"{_pct(held['majority_baseline'])} %, always its largest class {_pct(held['largest_class_share'])} %); "
        f"cross-validated {_pct(summary[ship_arch]['mean_accuracy'])} +- "
        f"{_pct(summary[ship_arch]['std_accuracy'])} %. The held-out set is small ({held['val_images']} photos): "
        "the cross-validation is the figure to trust."
        + (f" Weights in float16: {size / 1e6:.2f} MB." if size else ""),
        "Per held-out class, right / photos: " + ", ".join(
            f"{c} {int(r)} / {int(n)}" for c, r, n in zip(classes, _right_per_class(ship, len(classes)),
                                                          held["val_per_class"]) if n) + ".",
        *(["Its balanced accuracy on new photos is close to chance: beyond the kind of picture, it has not "
            "learned to tell these dances apart."] if held["balanced_accuracy"] < 1 / len(classes) + 0.1 else []),
        f"It knows these {len(classes)} dances only: any other dance is forced into one of them.", "",
        "## Validation accuracy per epoch (paper Fig. 4)", "", "![accuracy](accuracy_curves.png)", "",
        "| split | network | " + " | ".join(f"ep {h['epoch']}" for h in ship.history) + " |",
        "|---|---|" + "---|" * len(ship.history)]
    for arch in archs:
        lines.append(f"| paper | {arch} | " + " | ".join(_pct(h["val_frame_accuracy"]) for h in paper[arch].history)
                     + " |")
    for arch in archs:
        curves = np.array([[h["val_frame_accuracy"] for h in runs[key].history] for key in sorted(runs)
                           if key[1] == arch])
        lines.append(f"| CV mean | {arch} | " + " | ".join(_pct(v) for v in curves.mean(0)) + " |")
    lines.append(f"| held out | {ship_arch} (shipped) | "
                 + " | ".join(_pct(h["val_frame_accuracy"]) for h in ship.history) + " |")
    lines += ["", "## Confusion matrices (paper Figs. 5-7)", "",
              "Paper split, cross-validation (every photo once, by the fold that held it out), shipped model on "
              "its held-out photos.", ""]
    for arch in archs:
        for tag, res, title in (("paper", paper[arch], f"{arch}, paper split"),
                                ("cv", pooled_run(runs, arch), f"{arch}, {k}-fold CV by group")):
            name = f"confusion_{tag}_{arch}.png"
            matrix = confusion_matrix(np.asarray(res.val_probs).argmax(1), np.asarray(res.val_labels), len(classes))
            plot_confusion(matrix, classes, out_dir / name, title)
            lines.append(f"![{arch} {tag}]({name})")
    matrix = confusion_matrix(np.asarray(ship.val_probs).argmax(1), np.asarray(ship.val_labels), len(classes))
    plot_confusion(matrix, classes, out_dir / "confusion_shipped_held_out.png", f"shipped {ship_arch}, held out")
    lines += ["![shipped](confusion_shipped_held_out.png)", "",
              "## Highest-loss photos (paper Fig. 8), cross-validation", "",
              "Each photo as predicted by the network of the fold that held it out (64 px thumbnails).", ""]
    names = [data.video_names[v].split("/")[-1] for v in data.videos]
    small = data.resized(min(64, data.images.shape[1])).images  # thumbnails: the report shows, not redistributes
    for arch in archs:
        name = f"top_losses_cv_{arch}.png"
        plot_top_losses(pooled_run(runs, arch), small, out_dir / name, names=names)
        lines.append(f"![top losses {arch}]({name})")
    path = out_dir / "report.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def _gap(heights, threshold: float) -> str:
    below = [h for h in heights if h <= threshold]
    above = [h for h in heights if h > threshold]
    return (f"{max(below):.1f} to {min(above):.1f}" if below and above else
            f"none above {threshold:g}" if below else f"first merge {min(above):.1f}")


def _train_seconds(paper: dict, runs: dict, ship: RunResult) -> float:
    return float(sum(r.seconds for r in paper.values()) + sum(r.seconds for r in runs.values()) + ship.seconds)


def _rates(results: dict) -> str:
    rates = results.get("learning_rates") or {}
    default = results["recipe"]["learning_rate"]
    other = {a: r for a, r in rates.items() if r != default}
    return f"{default:g}" + "".join(f" ({a}: {r:g}: from scratch at {default:g} it stops learning)"
                                    for a, r in other.items())


def _right_per_class(result: RunResult, n_classes: int) -> np.ndarray:
    truth = np.asarray(result.val_labels)
    right = np.asarray(result.val_probs).argmax(1) == truth
    return np.bincount(truth[right], minlength=n_classes)
