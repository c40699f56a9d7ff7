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

from dancekit.evaluation.speed_inputs import tone_signal, untrained_step_model
from dancekit.features.step_audio import SAMPLE_RATE, frame_starts
from dancekit.fileio import atomic_write_text
from dancekit.models.dance_rnn import load_dance_rnn, parameter_count
from dancekit.motion.generate import StepGenerator

RESULTS = Path(__file__).resolve().parent / "results" / "generate_speed.json"


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
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args()
    y = tone_signal(args.seconds, SAMPLE_RATE, click_every_s=0.5)
    with tempfile.TemporaryDirectory() as tmp:
        model = load_dance_rnn(args.model) if args.model else untrained_step_model(Path(tmp) / "m")
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
