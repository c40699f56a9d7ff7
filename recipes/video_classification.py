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
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout without install

ARCHS = ("alexnet", "resnet18", "squeezenet1_0")


def cmd_prepare(args) -> None:
    from tqdm import tqdm

    from dancekit.video.tang_previews import render_previews
    from dancekit.video.tang_videos import build_tang_frames

    start = time.time()
    manifest = build_tang_frames(args.tang, args.out, size=args.size, seed=args.seed,
                                 frames_per_class=args.frames_per_class, workers=args.workers,
                                 progress=lambda it: tqdm(it, unit="video", file=sys.stderr))
    print(json.dumps({"seconds": round(time.time() - start, 1), **manifest["summary"],
                      "frames_per_side": manifest["frames_per_side"], "left_out": manifest["left_out"]}, indent=1))
    for path in render_previews(manifest, args.out, args.preview):
        print(f"preview: {path}")


def cmd_train(args) -> None:
    from dancekit.video.datasets import split_mask
    from dancekit.video.frame_model import choose_shipped_architecture, frame_model_card, save_frame_model
    from dancekit.video.frame_sources import load_frame_data
    from dancekit.video.training import VideoRecipe, run_experiment

    data, sides, meta = load_frame_data(args.data, args.size)
    data = (data.resized(args.resize) if args.resize else data).every_nth(args.every)
    print(json.dumps(data.summary()), flush=True)
    recipe = VideoRecipe(epochs=args.epochs, batch_size=args.batch, learning_rate=args.lr, seed=args.seed)
    weights = dict(zip(args.archs, args.weights)) if args.weights else None
    results = run_experiment(data, args.out / "runs", args.archs, args.splits, recipe, args.device, weights,
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
        path = write_video_report(results, data.images, data.videos, data.video_labels(), args.out / "report",
                                  "Dance classification from video frames (paper 4)", note, data.video_names
                                  and [data.video_names[v] for v in data.videos])
        print(f"report: {path}")
    if args.model_out and "video" in args.splits:
        arch = args.ship_arch or choose_shipped_architecture(results, args.archs)
        mask = split_mask(data, "video", recipe.val_fraction, recipe.seed, sides)
        card = frame_model_card(arch, results, data, mask, recipe, meta, args.every)
        save_frame_model(card, args.out / "runs" / "video" / arch / "network.pt", args.model_out)
        print(f"model: {args.model_out} ({arch}; held-out video accuracy "
              f"{100 * card.metrics['video']['video_accuracy']:.1f} %)")


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

    from dancekit.video.photo_experiment import load_grouped_photos, run_photo_experiment
    from dancekit.video.photo_report import write_photo_report
    from dancekit.video.training import VideoRecipe

    if args.threads:
        torch.set_num_threads(args.threads)
    data, grouping = load_grouped_photos(args.data, args.size, args.scene_mad, args.copy_bits)
    print(json.dumps({"data": data.summary(), "grouping": {k: grouping[k] for k in ("groups", "per_class")}}),
          flush=True)
    recipe = VideoRecipe(epochs=args.epochs, batch_size=args.batch, learning_rate=args.lr, seed=args.seed)
    results = run_photo_experiment(data, grouping, args.out, recipe, args.archs, dict(map(_arch_rate, args.arch_lr)),
                                   args.folds, args.device, args.ship_arch, args.model_out, str(args.data),
                                   args.size, args.threads, log=lambda line: print(line, flush=True))
    if args.report:
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
                    help="learning rate of one network (default: squeezenet1_0=3e-4, see "
                         "dancekit.video.photo_experiment.PHOTO_ARCH_LR)")
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
