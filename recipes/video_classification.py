"""Paper 4 (Zakry et al.): dance classification from video frames with AlexNet, ResNet18, SqueezeNet1_0.

    # 1. render the real Tang motion capture as ~280 videos of varied figures, 1 frame/s (CPU, minutes)
    python recipes/video_classification.py prepare --tang ../shared/data/tang_dance --out DATA [--preview 4]
    # 2. train the three networks on the paper's frame split and on the video (song) split,
    #    write the report (Figs. 4-8) and a model folder for `dancekit video`
    python recipes/video_classification.py train --data DATA/frames.npz --out RUN [--device cuda] [--model-out MODEL]

``--data`` may also be a folder of labelled videos (``<class>/<video>.mp4``, e.g. the paper's
TikTok set; frames are extracted at 1 fps and filtered) or of frames (``<class>/<video>__t<ms>.jpg``).
``train`` needs only torch, torchvision and numpy for a ``frames.npz`` (a GPU machine without
PyAV or Pillow can run it). Both steps resume: rerun the same command after an interruption.
"""

from __future__ import annotations

import argparse
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
    from dancekit.training.video import VideoRecipe, run_experiment
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


def main(argv=None) -> None:
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
    args = parser.parse_args(argv)
    if getattr(args, "device", "cpu") is None:
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    args.func(args)


if __name__ == "__main__":
    main()
