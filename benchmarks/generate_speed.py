"""Time the dance-step generator per generated frame (paper 5 reports about 12 ms per frame).

Streaming as a live application would run it: 16 kHz audio pushed one motion frame (534
samples, 33 ms) at a time into :class:`dancekit.motion.generate.StepGenerator`, which computes the
power patch and runs one step of encoder and decoder with their LSTM states carried over. Also
offline: the same model fed 10-second chunks. The paper-size network (Table I, dance-conditioned,
79-d Tang motion vector) is timed with untrained weights unless ``--model`` names a trained one:
the arithmetic is the same. Prints a table and writes benchmarks/results/generate_speed.json.

    PYTHONPATH=src python benchmarks/generate_speed.py [--seconds 30] [--threads 1 2] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from dancekit.features.step_audio import SAMPLE_RATE, frame_starts
from dancekit.fileio import atomic_write_text
from dancekit.models.dance_rnn import build_dance_rnn, load_dance_rnn, make_card, parameter_count
from dancekit.models.files import save_model
from dancekit.motion.generate import StepGenerator

RESULTS = Path(__file__).resolve().parent / "results" / "generate_speed.json"
DANCES = ["Cha Cha Cha", "Rumba", "Slow Waltz", "Tango"]
MOTION_DIM = 79  # dancekit.motion.features.FEATURE_DIM for the Tang skeleton


def _signal(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    y = sum(0.2 * np.sin(2 * np.pi * f * t) for f in (110.0, 440.0, 1320.0)) + 0.05 * rng.standard_normal(t.size)
    for k in range(int(seconds * 2)):  # a click every half second
        s = int(k * 0.5 * SAMPLE_RATE)
        y[s:s + 200] += rng.standard_normal(200)
    return (y / np.abs(y).max()).astype(np.float32)


def _paper_model(folder: Path):
    torch.manual_seed(0)
    net = build_dance_rnn(MOTION_DIM, n_dances=len(DANCES), dances=DANCES).eval()
    frontend = {"kind": "step_audio", "motion": {"mean_pose": [0.0] * MOTION_DIM, "normaliser": None}}
    save_model(net, make_card("untrained_paper_size", net, frontend), folder)
    return load_dance_rnn(folder)


def _streaming(model, y: np.ndarray) -> dict:
    """Push exactly the samples that complete each next frame; time every push."""
    gen = StepGenerator(model, "waltz")
    n_frames = len(y) * 30 // SAMPLE_RATE
    ends = frame_starts(0, n_frames) + 480  # a frame is complete once its five STFT windows are in
    times, pos, frames = [], 0, 0
    gen.push(y[:ends[0] - 1])  # warm-up input that completes no frame
    pos = ends[0] - 1
    for end in ends:
        start = time.perf_counter()
        out = gen.push(y[pos:end])
        times.append(time.perf_counter() - start)
        frames += len(out)
        pos = end
    ms = [1000 * t for t in times[10:]]  # the first pushes warm the allocator
    return {"frames": frames, "mean_ms": statistics.fmean(ms), "median_ms": statistics.median(ms),
            "p95_ms": float(np.percentile(ms, 95)), "max_ms": max(ms)}


def _chunked(model, y: np.ndarray, chunk_s: float = 10.0) -> dict:
    gen = StepGenerator(model, "waltz")
    step = int(chunk_s * SAMPLE_RATE)
    gen.push(y[:step])  # warm-up
    gen = StepGenerator(model, "waltz")
    start, frames = time.perf_counter(), 0
    for i in range(0, len(y), step):
        frames += len(gen.push(y[i:i + step]))
    frames += len(gen.finish())
    seconds = time.perf_counter() - start
    return {"frames": frames, "mean_ms": 1000 * seconds / frames}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="audio length (default 30 s = 900 frames)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--model", default=None, help="a trained step-generator folder (default: untrained paper size)")
    args = parser.parse_args()
    y = _signal(args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        model = load_dance_rnn(args.model) if args.model else _paper_model(Path(tmp) / "m")
        rows = []
        for threads in args.threads:
            torch.set_num_threads(threads)
            with torch.inference_mode():
                rows.append({"threads": threads, "streaming": _streaming(model, y), "chunked_10s": _chunked(model, y)})
    result = {"model": model.card.name, "parameters": parameter_count(model.network),
              "audio_seconds": args.seconds, "paper_ms_per_frame": 12.0, "rows": rows,
              "machine": {"cpu": platform.processor() or platform.machine(), "torch": torch.__version__}}
    print(f"{model.card.name}: {result['parameters']:,} parameters, {args.seconds:.0f} s of audio")
    print(f"{'threads':>7} | {'streaming ms/frame (mean / median / p95)':>40} | {'10 s chunks ms/frame':>20}")
    for r in rows:
        s = r["streaming"]
        print(f"{r['threads']:>7} | {s['mean_ms']:>14.2f} / {s['median_ms']:>6.2f} / {s['p95_ms']:>6.2f}      "
              f"       | {r['chunked_10s']['mean_ms']:>20.2f}")
    print("real time needs < 33.3 ms per frame (30 fps); the paper reports about 12 ms")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS, json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
