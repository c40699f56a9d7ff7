"""Train the default ballroom dance model: synthetic corpus + real Tang songs, split by song.

    python recipes/default_dance.py --corpus CORPUS [CORPUS ...] --tang ../shared/data/tang_dance --out MODEL \
        [--other-real DIR] [--arch resnet18] [--steps 4000] [--batch 32] [--device cuda]

With an "Other" label in a corpus (``dancekit synth --dances Other``) or real non-ballroom music
(``--other-real``: every audio file of that folder trains), the model gets an 11th
class, "Other": not ballroom. Splits: ``dancekit.training.dance_data``; training:
``dancekit.training.dance_model`` (paper 1's recipe with mixed synthetic/real batches, kept at
the best validation step). Test songs are only used for the final report, written with the
model card. Several GPUs: ``torchrun --nproc-per-node N recipes/default_dance.py ... --batch B``
trains with DistributedDataParallel, each GPU on B/N of every batch (``dancekit.training.distributed``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from dancekit.data.fingerprint import describe_data
from dancekit.errors import DancekitError
from dancekit.evaluation.metrics import recording_report
from dancekit.features import DANCE_CNN_MEL
from dancekit.models import ModelCard, build_dance_cnn, save_model
from dancekit.training.dance_data import background_music, dance_model_data
from dancekit.training.dance_model import EVAL_STRIDE, SEGMENT_FRAMES, DanceModelSettings, train_dance_model
from dancekit.training.distributed import start_from_environment
from dancekit.training.engine import predict
from dancekit.training.spectrograms import compute_spectrograms


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", required=True)
    parser.add_argument("--other-real", type=Path, default=None, help="real non-ballroom music for the Other class")
    parser.add_argument("--tang", type=Path, default=None)
    parser.add_argument("--randomise", action="store_true",
                        help="domain randomisation of synthetic segments: random EQ and level, and real music under them")
    parser.add_argument("--background", type=Path, default=None,
                        help="real non-dance music (a folder, searched recursively) to mix under synthetic segments")
    parser.add_argument("--mix-probability", type=float, default=0.5)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--arch", default="resnet18")
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--real-fraction", type=float, default=0.25)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--eval-segments", type=int, default=2000, help="synthetic validation segments per evaluation")
    parser.add_argument("--tang-folds", type=int, default=0, metavar="K",
                        help="split the Tang songs by a K-fold rotation instead of the fixed split (see --tang-fold)")
    parser.add_argument("--tang-fold", type=int, default=None, metavar="I",
                        help="with --tang-folds: test on song group I, validate on the next; "
                             "left out: no test songs, group 0 validates (the model to ship)")
    parser.add_argument("--half", action="store_true", help="store the weights as float16 (half the file)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=None, help="stop training after this long (keeps the best step)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    return parser.parse_args(argv)


def train(args: argparse.Namespace) -> dict:
    """Read and split the recordings, train, report every side, save the model with its card."""
    group, device = start_from_environment(args.device)  # under torchrun: one process per GPU, DDP
    t0 = time.time()
    data = dance_model_data(args.corpus, args.tang, args.other_real, args.tang_folds, args.tang_fold)
    specs = {f"synth_{part}": items for part, items in data.synthetic.items()}
    specs |= {f"real_{part}": items for part, items in data.real.items()}
    specs = {name: compute_spectrograms(items, "dance_cnn_mel", data.classes, device, dtype=torch.float16,
                                        keep_on_device=True, workers=8) for name, items in specs.items()}
    print("spectrograms: " + ", ".join(f"{k} {len(v)}" for k, v in specs.items()) + f" ({time.time() - t0:.0f} s)",
          flush=True)
    background = None
    if args.background:
        background = compute_spectrograms(background_music(args.background, data.classes[0]), "dance_cnn_mel",
                                          data.classes, device, dtype=torch.float16, keep_on_device=True, workers=8)
    settings = DanceModelSettings(args.steps, args.batch, args.lr, args.real_fraction, args.eval_every,
                                  args.eval_segments, args.seed, args.max_minutes, args.randomise,
                                  args.mix_probability)
    network = build_dance_cnn(args.arch, len(data.classes))
    result = train_dance_model(network, specs["synth_train"], specs["synth_val"], specs.get("real_train"),
                               specs.get("real_val"), settings, device, background=background)
    for record in result.history:
        print(json.dumps(record), flush=True)
    metrics = {}
    for name, report_name in (("synth_val", "synthetic_val"), ("real_val", "tang_val"), ("real_test", "tang_test")):
        if name in specs:
            probs = predict(network, specs[name], SEGMENT_FRAMES, EVAL_STRIDE, device, amp=True).recording_probs
            metrics[report_name] = recording_report(probs, specs[name].labels, data.classes)
            if name != "synth_val":
                metrics[report_name] |= {"songs": specs[name].groups, "probabilities": np.round(probs, 5).tolist()}
    card = ModelCard(
        name="ballroom", task="dance", architecture=args.arch, classes=data.classes, frontend=DANCE_CNN_MEL.to_dict(),
        summary=f"{args.arch} trained on synthetic MMA music + real Tang songs",
        training={"recipe": "recipes/default_dance.py", "settings": settings.to_dict(),
                  "data": {"corpora": [describe_data(p) for p in args.corpus],
                           "tang": describe_data(args.tang) if args.tang else None,
                           "other_real": describe_data(args.other_real) if args.other_real else None,
                           "background": describe_data(args.background) if args.background else None},
                  "synthetic_recordings": {k: len(v) for k, v in data.synthetic.items()},
                  "real_recordings": {k: len(v) for k, v in data.real.items()},
                  "best_step": result.best_step, "best_step_score": list(result.best_score),
                  "tang_sides": data.tang_sides, "other_real_train": [p.name for p in data.other_real_train],
                  "history": result.history},
        metrics=metrics)
    if group.is_first:
        save_model(network.cpu(), card, args.out, weights_dtype=torch.float16 if args.half else None)
    return metrics


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        print(json.dumps(train(args), indent=1))
    except (DancekitError, OSError) as err:  # bad corpus, Tang folder or output path: one line, exit 2
        raise SystemExit(f"error: {err}") from None


if __name__ == "__main__":
    main()
