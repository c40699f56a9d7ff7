"""Paper 4 (Zakry et al.): dance classification from video frames with AlexNet, ResNet18, SqueezeNet1_0.

    # 1. render the real Tang motion capture as ~280 videos of varied figures, 1 frame/s (CPU, minutes)
    python recipes/video_classification.py prepare --tang ../shared/data/tang_dance --out DATA [--preview 4]
    # 2. train the three networks on the paper's frame split and on the video (song) split,
    #    write the report (Figs. 4-8) and a model folder for `dancekit video`
    python recipes/video_classification.py train --data DATA/frames.npz --out RUN [--device cuda] [--model-out MODEL]
    # photos (a folder of <class>/<photo>.jpg, e.g. ../shared/data/video_smoke/photos): near-duplicate
    # groups, the paper's random 80/20 split, 5-fold cross-validation by group, and the shipped model
    python recipes/video_classification.py photos --data PHOTOS --out RUN --report reports/video_photos \
        --model-out src/dancekit/models/builtin/video_dance --threads 1

``--data`` may also be a folder of labelled videos (``<class>/<video>.mp4``, e.g. the paper's
TikTok set; frames are extracted at 1 fps and filtered) or of frames (``<class>/<video>__t<ms>.jpg``).
``train`` needs only torch, torchvision and numpy for a ``frames.npz`` (a GPU machine without
PyAV or Pillow can run it). Both steps resume: rerun the same command after an interruption.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout without install

ARCHS = ("alexnet", "resnet18", "squeezenet1_0")


def cmd_prepare(args) -> None:
    from tqdm import tqdm

    from dancekit.video.tang_videos import build_tang_frames

    start = time.time()
    manifest = build_tang_frames(args.tang, args.out, size=args.size, seed=args.seed,
                                 frames_per_class=args.frames_per_class, workers=args.workers,
                                 progress=lambda it: tqdm(it, unit="video", file=sys.stderr))
    print(json.dumps({"seconds": round(time.time() - start, 1), **manifest["summary"],
                      "frames_per_side": manifest["frames_per_side"], "left_out": manifest["left_out"]}, indent=1))
    if args.preview:
        from dancekit.motion.tang import load_tang_motion
        from dancekit.video.figure_render import look_from_dict, render_video

        for entry in manifest["videos"][:: max(1, len(manifest["videos"]) // args.preview)][: args.preview]:
            clip = load_tang_motion(entry["folder"])
            target = Path(args.out) / "preview" / f"{entry['video']}.mp4"
            render_video(clip, target, look_from_dict(entry["look"]), fps=25, height=360,
                         start_s=entry["start_s"], duration_s=min(entry["duration_s"], 10.0))
            print(f"preview: {target}")


def load_data(path: Path, size: int):
    """A FrameSet and the video-level sides it brings (Tang: its song split), from any supported layout."""
    from dancekit.video.datasets import IMAGE_SUFFIXES, load_frameset, load_image_folder, load_video_folder

    if path.suffix == ".npz":
        data, meta = load_frameset(path)
        return data, meta.get("song_sides"), meta
    has_images = any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.rglob("*") if p.is_file())
    if has_images:
        return load_image_folder(path, size), None, {"source": str(path), "layout": "image folder"}
    return load_video_folder(path, size), None, {"source": str(path), "layout": "video folder"}


def cmd_train(args) -> None:
    from dancekit.models.files import ModelCard, save_model
    from dancekit.models.video_cnn import VIDEO_TASK, build_video_cnn
    from dancekit.training.checkpoint import load_checkpoint
    from dancekit.video.training import VideoRecipe, run_experiment
    from dancekit.video.datasets import split_mask

    data, sides, meta = load_data(Path(args.data), args.size)
    if args.resize:
        data = data.resized(args.resize)
    data = data.every_nth(args.every)
    print(json.dumps(data.summary()), flush=True)
    recipe = VideoRecipe(epochs=args.epochs, batch_size=args.batch, learning_rate=args.lr, seed=args.seed)
    weights = {a: w for a, w in zip(args.archs, args.weights)} if args.weights else None
    out = Path(args.out)
    results = run_experiment(data, out / "runs", args.archs, args.splits, recipe, args.device, weights,
                             progress=True, keep_networks=True, video_sides=sides)
    for (split, arch), res in sorted(results.items()):
        print(f"{split:>5} {arch:<14} frame {100 * res.frame_accuracy:5.1f} %  video {100 * res.video_accuracy:5.1f} %  "
              f"({res.seconds:.0f} s)", flush=True)
    if args.report:
        from dancekit.evaluation.video_report import write_video_report

        note = (f"Data: {args.data} (frames {data.images.shape[1]} px, every {args.every}. frame of each video): "
                f"{data.summary()}. Device: {args.device}. Video-level groups: "
                + ("Tang songs (80/20 by song, tang_split order)." if sides else "one group per video (80/20, seeded)."))
        if meta.get("left_out"):
            note += f" Left out (too few songs to split): {meta['left_out']}."
        path = write_video_report(results, data.images, data.videos, data.video_labels(), out / "report",
                                  "Dance classification from video frames (paper 4)", note, data.video_names
                                  and [data.video_names[v] for v in data.videos])
        print(f"report: {path}")
    if args.model_out and "video" in args.splits:
        candidates = [a for a in args.archs if a != "alexnet"] or list(args.archs)  # AlexNet: 228 MB of weights
        arch = args.ship_arch or max(candidates, key=lambda a: results[("video", a)].video_accuracy)
        network = build_video_cnn(arch, len(data.classes))
        network.load_state_dict(load_checkpoint(out / "runs" / "video" / arch / "network.pt"))
        metrics = {split: {"frame_accuracy": results[(split, arch)].frame_accuracy,
                           "video_accuracy": results[(split, arch)].video_accuracy,
                           "val_frames": len(results[(split, arch)].val_frames),
                           "val_videos": results[(split, arch)].val_videos}
                   for split in args.splits if (split, arch) in results}
        mask = split_mask(data, "video", recipe.val_fraction, recipe.seed, sides)
        card = ModelCard(
            name="video_dance", task=VIDEO_TASK, architecture=arch, classes=list(data.classes),
            frontend={"kind": "rgb_frames", "image_size": int(data.images.shape[1]), "resize": "squash",
                      "fps": 1.0, "normalise": "imagenet mean/std inside the network"},
            segment_frames=1, default_stride=1,
            summary=f"{arch} frame classifier (paper 4) trained from scratch on rendered real motion; "
                    f"mean frame probability per video",
            training={"recipe": "recipes/video_classification.py", "paper_recipe": recipe.to_dict(),
                      "data": {k: v for k, v in meta.items() if k not in ("videos", "song_sides")},
                      "frames_used": {"every": args.every, "size": int(data.images.shape[1]), **data.summary()},
                      "split": "video-level: trained on the training side of the video split only",
                      "train_groups": sorted({data.video_groups[v] for v in np.unique(data.videos[~mask])}),
                      "val_groups": sorted({data.video_groups[v] for v in np.unique(data.videos[mask])}),
                      "history": results[("video", arch)].history},
            metrics=metrics)
        save_model(network, card, args.model_out)
        print(f"model: {args.model_out} ({arch}; held-out video accuracy "
              f"{100 * metrics['video']['video_accuracy']:.1f} %)")


#: SqueezeNet 1.0 has no batch norm: from scratch at 1e-3 its training loss sticks at ln(3) after two
#: epochs (every output unit dead, one class for every photo); at 3e-4 it falls steadily
PHOTO_ARCH_LR = {"squeezenet1_0": 3e-4}


def _arch_rate(text: str) -> tuple[str, float]:
    arch, _, rate = text.partition("=")
    if arch not in ARCHS:
        raise SystemExit(f"--arch-lr: unknown network {arch!r} (choose from {', '.join(ARCHS)})")
    try:
        return arch, float(rate)
    except ValueError:
        raise SystemExit(f"--arch-lr: not a learning rate: {text!r} (use NETWORK=RATE)") from None


def cmd_photos(args) -> None:
    """Photos: group near-duplicates, paper split, k-fold CV by group, held-out split of the shipped model."""
    import torch

    from dancekit.fileio import atomic_write_text
    from dancekit.training.checkpoint import load_checkpoint
    from dancekit.video.training import VideoRecipe, run_experiment
    from dancekit.video.crossval import (choose_architecture, cross_validate, cv_summary, holdout_sides,
                                         run_scores)
    from dancekit.video.datasets import load_image_folder, split_mask
    from dancekit.video.near_duplicates import group_near_duplicates, group_summary, merge_heights, regroup

    if args.threads:
        torch.set_num_threads(args.threads)
    data = load_image_folder(args.data, args.size)
    found = group_near_duplicates(data.images, data.labels, args.scene_mad, args.copy_bits, videos=data.videos)
    data = regroup(data, found)
    same = data.labels[:, None] == data.labels[None, :]
    apart = same & (found.groups[:, None] != found.groups[None, :])
    grouping = {"scene_mad": args.scene_mad, "copy_bits": args.copy_bits, "groups": found.count,
                "per_class": group_summary(data, found),
                "merge_heights": {data.classes[y]: [round(float(v), 2) for v in h]
                                  for y, h in merge_heights(found.distances, data.labels).items()},
                "closest_distinct_same_class_mad": float(found.distances[apart].min()),
                "closest_other_class_mad": float(found.distances[~same].min()),
                "closest_other_class_bits": int(found.hash_bits[~same & (found.hash_bits > args.copy_bits)].min()),
                "conflicts": [[data.video_names[data.videos[i]], data.video_names[data.videos[j]]]
                              for i, j in found.conflicts],
                "closest_distinct_same_class_bits": int(found.hash_bits[apart].min())}
    print(json.dumps({"data": data.summary(), "grouping": {k: grouping[k] for k in ("groups", "per_class")}}),
          flush=True)
    recipe = VideoRecipe(epochs=args.epochs, batch_size=args.batch, learning_rate=args.lr, seed=args.seed)
    rates = {**PHOTO_ARCH_LR, **dict(_arch_rate(text) for text in args.arch_lr)}
    recipes = {a: dataclasses.replace(recipe, learning_rate=rates.get(a, args.lr)) for a in args.archs}
    out = Path(args.out)
    paper, cv = {}, {}
    for a in args.archs:
        runs = run_experiment(data, out / "paper", [a], ["frame"], recipes[a], args.device, progress=True)
        paper[a] = runs[("frame", a)]
    for a in args.archs:
        runs, folds = cross_validate(data, out / "cv", [a], recipes[a], args.folds, args.seed, args.device, True)
        cv.update(runs)
    summary = cv_summary(cv, data)
    for arch in args.archs:
        s = summary[arch]
        print(f"{arch:<14} paper split {100 * paper[arch].frame_accuracy:5.1f} %   {args.folds}-fold group CV "
              f"{100 * s['mean_accuracy']:5.1f} +- {100 * s['std_accuracy']:4.1f} %  (balanced "
              f"{100 * s['mean_balanced_accuracy']:5.1f} +- {100 * s['std_balanced_accuracy']:4.1f} %)", flush=True)
    arch = args.ship_arch or choose_architecture(summary)
    sides = holdout_sides(data, recipe.val_fraction, recipe.seed)
    ship = run_experiment(data, out / "ship", [arch], ["video"], recipes[arch], args.device, progress=True,
                          keep_networks=True, video_sides=sides)[("video", arch)]
    held = run_scores(ship, data)
    print(f"shipped {arch}: held-out accuracy {100 * held['accuracy']:.1f} % on {held['val_images']} photos "
          f"(majority baseline {100 * held['majority_baseline']:.1f} %)", flush=True)
    results = {"data": {"source": str(args.data), "image_size": args.size, **data.summary(),
                        "names": data.video_names, "groups": data.video_groups},
               "grouping": grouping, "recipe": recipe.to_dict(), "learning_rates": {a: r.learning_rate
                                                                                      for a, r in recipes.items()},
               "threads": args.threads, "folds": folds.tolist(),
               "paper": {a: r.to_dict() for a, r in paper.items()},
               "paper_scores": {a: run_scores(r, data) for a, r in paper.items()},
               "cv": {f"{f}/{a}": r.to_dict() for (f, a), r in cv.items()}, "cv_summary": summary,
               "ship": {"architecture": arch, "result": ship.to_dict(), "scores": held,
                        "val_groups": sorted(g for g, s in sides.items() if s == "val")},
               }
    if args.model_out:
        from dancekit.models.video_cnn import build_video_cnn
        from dancekit.video.photo_model import save_photo_model

        network = build_video_cnn(arch, len(data.classes))
        network.load_state_dict(load_checkpoint(out / "ship" / "video" / arch / "network.pt"))
        mask = split_mask(data, "video", sides=sides)
        path = save_photo_model(network, results, args.model_out, held_out=[data.video_names[v]
                                                                             for v in data.videos[mask]])
        results["ship"]["model_bytes"] = sum(p.stat().st_size for p in Path(path).iterdir())
        print(f"model: {path} ({results['ship']['model_bytes'] / 1e6:.2f} MB)")
    atomic_write_text(out / "results.json", json.dumps(results) + "\n")
    if args.report:
        from dancekit.video.photo_report import write_photo_report

        print(f"report: {write_photo_report(results, data, args.report, args.note)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare", help="render the Tang motion as a frame dataset")
    p.add_argument("--tang", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--size", type=int, default=112)
    p.add_argument("--frames-per-class", type=int, default=1500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--preview", type=int, default=0, metavar="N", help="also write N preview MP4s (10 s each)")
    p.set_defaults(func=cmd_prepare)
    t = sub.add_parser("train", help="train the three networks on both splits, report, model")
    t.add_argument("--data", type=Path, required=True, help="frames.npz, or a folder of class folders")
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--archs", nargs="+", default=list(ARCHS), choices=ARCHS)
    t.add_argument("--splits", nargs="+", default=["frame", "video"], choices=["frame", "video"])
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--batch", type=int, default=64)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--size", type=int, default=112, help="frame side for folder datasets")
    t.add_argument("--resize", type=int, default=None, metavar="S", help="squash frames to S x S (faster on a CPU)")
    t.add_argument("--every", type=int, default=1, metavar="K", help="keep every K-th frame of each video")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--weights", nargs="*", default=None, help="local weights file per --archs entry (e.g. ImageNet)")
    t.add_argument("--device", default=None)
    t.add_argument("--no-report", dest="report", action="store_false")
    t.add_argument("--model-out", type=Path, default=None, help="write the model folder for `dancekit video`")
    t.add_argument("--ship-arch", default=None, choices=ARCHS, help="network of the model folder (default: best)")
    t.set_defaults(func=cmd_train)
    ph = sub.add_parser("photos", help="photo folder: near-duplicate groups, paper split, CV by group, shipped model")
    ph.add_argument("--data", type=Path, required=True, help="folder of <class>/<photo>.jpg")
    ph.add_argument("--out", type=Path, required=True, help="run folder (resumes)")
    ph.add_argument("--archs", nargs="+", default=list(ARCHS), choices=ARCHS)
    ph.add_argument("--size", type=int, default=128, help="image side (photos are squashed to it)")
    ph.add_argument("--epochs", type=int, default=10)
    ph.add_argument("--batch", type=int, default=16, help="16: a few hundred photos give 4 steps per epoch at 64")
    ph.add_argument("--lr", type=float, default=1e-3)
    ph.add_argument("--arch-lr", nargs="*", default=[], metavar="NETWORK=RATE",
                    help="learning rate of one network (default: squeezenet1_0=3e-4, see PHOTO_ARCH_LR)")
    ph.add_argument("--folds", type=int, default=5)
    ph.add_argument("--seed", type=int, default=0)
    ph.add_argument("--scene-mad", type=float, default=None, help="near-duplicate threshold (thumbnail grey levels)")
    ph.add_argument("--copy-bits", type=int, default=None, help="near-duplicate threshold (perceptual-hash bits)")
    ph.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ph.add_argument("--device", default=None)
    ph.add_argument("--report", type=Path, default=None, help="write report.md and figures here")
    ph.add_argument("--note", default="", help="a sentence about the data for the report")
    ph.add_argument("--model-out", type=Path, default=None, help="write the model folder for `dancekit video`")
    ph.add_argument("--ship-arch", default=None, choices=ARCHS, help="network to ship (default: chosen by CV)")
    ph.set_defaults(func=cmd_photos)
    args = parser.parse_args(argv)
    if getattr(args, "scene_mad", 0) is None or getattr(args, "copy_bits", 0) is None:
        from dancekit.video.near_duplicates import DEFAULT_COPY_BITS, DEFAULT_SCENE_MAD

        args.scene_mad = DEFAULT_SCENE_MAD if args.scene_mad is None else args.scene_mad
        args.copy_bits = DEFAULT_COPY_BITS if args.copy_bits is None else args.copy_bits
    if getattr(args, "device", "cpu") is None:
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    from dancekit.errors import DancekitError

    try:
        args.func(args)
    except (DancekitError, OSError) as err:  # bad data or paths: one line, exit 2
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
