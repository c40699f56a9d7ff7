"""Training throughput of every classifier: segments per second and the time of one paper epoch.

Each network trains on random segments of its front end's shape (the speed does not depend on
the values) with its paper recipe's batch size and also batch 64, bf16 autocast on CUDA. The
epoch time is for GTZAN-size epochs: 20 batches (paper 1's epoch) for the Dance-CNN backbones,
800 clips for BBNN (one 30 s clip each), 800 x 19 three-second clips for PRCNN.

    PYTHONPATH=src python benchmarks/train_speed.py [--device cuda] [--models bbnn,resnet18] [--steps 30]
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import torch

from dancekit.evaluation.crossval import build_classifier
from dancekit.features import PRESETS
from dancekit.training.recipes import get_recipe
from dancekit.training.throughput import training_throughput

RESULTS = Path(__file__).resolve().parent / "results" / "train_speed.json"
MODELS = {
    "bbnn": get_recipe("bbnn"),
    "prcnn_concat": get_recipe("prcnn", architecture_args={"fusion": "concat"}),
    "prcnn_add": get_recipe("prcnn", architecture_args={"fusion": "add"}),
    "resnet18": get_recipe("dance_cnn", architecture="resnet18"),
    "densenet161": get_recipe("dance_cnn", architecture="densenet161"),
    "resnext50_32x4d": get_recipe("dance_cnn", architecture="resnext50_32x4d"),
    "vgg16": get_recipe("dance_cnn", architecture="vgg16"),
    "alexnet_rnn": get_recipe("prcnn", architecture_args={"cnn": "alexnet", "rnn": True}),
    "vgg11_rnn": get_recipe("prcnn", architecture_args={"cnn": "vgg11", "rnn": True}),
    "resnet11_rnn": get_recipe("prcnn", architecture_args={"cnn": "resnet11", "rnn": True}),
}
EPOCH_SEGMENTS = {"bbnn": 800, **{k: 800 * 19 for k in ("prcnn_concat", "prcnn_add", "alexnet_rnn", "vgg11_rnn", "resnet11_rnn")}}


def segments_per_second(name: str, batch: int, steps: int, device: torch.device) -> float:
    recipe = MODELS[name]
    shape = (PRESETS[recipe.frontend].n_bins, recipe.segment_frames)
    return training_throughput(build_classifier(recipe, 10), shape, 10, batch, steps, device)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.backends.cudnn.benchmark = True
    rows = []
    print(f"{'model':<16} {'params':>10} {'batch':>5} {'seg/s':>9} {'seg/s b64':>10} {'epoch s':>8}")
    for name in args.models.split(","):
        recipe = MODELS[name]
        params = sum(p.numel() for p in build_classifier(recipe, 10).parameters())
        at_recipe = segments_per_second(name, recipe.batch_size, args.steps, device)
        at_64 = segments_per_second(name, 64, max(5, args.steps // 3), device)
        epoch_segments = EPOCH_SEGMENTS.get(name, (recipe.batches_per_epoch or 20) * recipe.batch_size)
        row = {"model": name, "parameters": params, "batch": recipe.batch_size, "segments_per_s": at_recipe,
               "segments_per_s_batch64": at_64, "epoch_segments": epoch_segments,
               "epoch_s": epoch_segments / at_recipe}
        rows.append(row)
        print(f"{name:<16} {params:>10,} {recipe.batch_size:>5} {at_recipe:>9.0f} {at_64:>10.0f} {row['epoch_s']:>8.2f}",
              flush=True)
    info = {"device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu",
            "torch": torch.__version__, "steps": args.steps, "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(info, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
