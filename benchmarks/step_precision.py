"""How far do the steps move when the decoder runs in fp16 or int8 instead of fp32, over a whole song?

A real Tang song's music (``--song``, looped or cut to ``--seconds``, in memory) is danced by the
shipped model at each decoder precision; each is compared with fp32 frame by frame: the network's
normalised output, and the joints in cm (world positions, and relative to the pelvis, i.e. the
pose without the path over the floor), max and mean, and the mean over the first 1, 10 and 60 s
(an auto-regressive model drifts apart from a small change). For scale, the same for fp32 from
a start pose nudged by 1e-4 (rounding-size change) and with ``--seed 1`` (another valid dance of
the same song). The held-out quality measures per precision: ``step_field_metrics.py --precision``.
Prints a table and writes benchmarks/results/step_precision.json.

    PYTHONPATH=src python benchmarks/step_precision.py [--song DANCE_W_1] [--seconds 180]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import torch

from dancekit import audio
from dancekit.features.step_audio import SAMPLE_RATE
from dancekit.features.step_phase import music_grid
from dancekit.fileio import atomic_write_text
from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.motion.generate import StepGenerator, features_to_steps, generate_features

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "step_precision.json"
FPS = 30


def nudged(model, song, dance: str) -> np.ndarray:
    """fp32 features from the mean pose plus 1e-4: how much a rounding-size change grows."""
    generator = StepGenerator(model, dance, precision="fp32", beat_grid=music_grid(song, SAMPLE_RATE))
    generator.state["prev"] = generator.state["prev"] + 1e-4
    return np.concatenate([generator.push(song), generator.finish()])


def difference(reference: np.ndarray, other: np.ndarray, card) -> dict:
    """Output and joint differences of ``other`` against ``reference`` (normalised features)."""
    a, b = features_to_steps(reference, card).world_joints(), features_to_steps(other, card).world_joints()
    world = np.linalg.norm(a - b, axis=-1)
    pose = np.linalg.norm((a - a[:, :1]) - (b - b[:, :1]), axis=-1)
    out = np.abs(reference - other)
    return {"output_max": float(out.max()), "output_mean": float(out.mean()),
            "joints_cm_max": float(world.max()), "joints_cm_mean": float(world.mean()),
            "pose_cm_max": float(pose.max()), "pose_cm_mean": float(pose.mean()),
            **{f"joints_cm_mean_first_{s}s": float(world[:s * FPS].mean()) for s in (1, 10, 60)}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("DANCEKIT_DATA", ROOT.parent / "shared" / "data")))
    parser.add_argument("--song", default="DANCE_W_1", help="Tang song folder whose music is danced")
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--dance", default="waltz")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    music = audio.load(args.data / "tang_dance" / args.song / "audio.mp3", sr=SAMPLE_RATE)
    n = int(args.seconds * SAMPLE_RATE)
    song = np.tile(music, -(-n // len(music)))[:n]
    song = song / np.abs(song).max()
    model = load_dance_rnn(None)
    with torch.inference_mode():
        fp32, _ = generate_features(song, model, args.dance, precision="fp32")
        runs = {p: generate_features(song, model, args.dance, precision=p)[0] for p in ("fp16", "int8")}
        runs["fp32, start pose + 1e-4"] = nudged(model, song, args.dance)
        runs["fp32, --seed 1 (another dance)"] = generate_features(song, model, args.dance, precision="fp32", seed=1)[0]
    rows = {label: difference(fp32, features, model.card) for label, features in runs.items()}
    print(f"{args.seconds:g} s of {args.song}'s music, danced as {args.dance}; against fp32 (cm; output in normalised units)")
    columns = {"output max": "output_max", "output mean": "output_mean", "joints max": "joints_cm_max",
               "joints mean": "joints_cm_mean", "pose max": "pose_cm_max", "pose mean": "pose_cm_mean",
               "joints 1st s": "joints_cm_mean_first_1s", "joints 10 s": "joints_cm_mean_first_10s"}
    print(f"{'':<32}" + "".join(f"{name:>13}" for name in columns))
    for label, row in rows.items():
        print(f"{label:<32}" + "".join(f"{row[key]:>13.3g}" for key in columns.values()))
    result = {"song": args.song, "seconds": args.seconds, "dance": args.dance, "model": model.card.name,
              "torch": torch.__version__, "against_fp32": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
