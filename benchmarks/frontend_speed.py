"""Time the torch front ends against librosa on a 3-minute 22.05 kHz signal.

Prints a table and writes benchmarks/results/frontend_speed.json. Times are the minimum (and the
median) of ``--repeats`` runs after one warm-up, per thread setting: ``2`` (the deployment target:
torch.set_num_threads(2), BLAS limited to 2 via threadpoolctl when installed) and the default.
The file names the machine it measured: CPU model, visible cores and, for ``--device cuda``, the GPU.

    PYTHONPATH=src python benchmarks/frontend_speed.py [--seconds 180] [--repeats 7] [--device cuda]
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import librosa
import numpy as np
import torch

from dancekit.evaluation.speed_inputs import tone_signal
from dancekit.evaluation.timing import blas_limit, cpu_name, min_and_median
from dancekit.features import BBNN_MEL, DANCE_CNN_MEL, PRCNN_STFT, FrameStream, build_frontend, handcrafted_features
from dancekit.features.reference import librosa_reference

RESULTS = Path(__file__).resolve().parent / "results" / "frontend_speed.json"


def run(seconds: float, repeats: int, device: str = "cpu") -> dict:
    y = tone_signal(seconds, 22050)
    wave = torch.from_numpy(y).to(device)
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    default_threads = torch.get_num_threads()
    rows = []
    for threads in (2, None) if default_threads != 2 else (2,):
        torch.set_num_threads(threads or default_threads)
        with blas_limit(threads), torch.inference_mode():
            for name, cfg in (("dance_cnn_mel", DANCE_CNN_MEL), ("bbnn_mel", BBNN_MEL), ("prcnn_stft", PRCNN_STFT)):
                ref = min_and_median(lambda: librosa_reference(cfg, y), repeats)
                for precision in ("float64", "float32"):
                    frontend = build_frontend(cfg, precision=precision).to(device)
                    got = min_and_median(lambda: (frontend(wave), sync()), repeats)
                    rows.append(
                        {
                            "frontend": name,
                            "threads": threads or default_threads,
                            "precision": precision,
                            "device": device,
                            "torch_min_s": got["min_s"],
                            "torch_median_s": got["median_s"],
                            "librosa_min_s": ref["min_s"],
                            "librosa_median_s": ref["median_s"],
                            "speedup_vs_librosa": ref["min_s"] / got["min_s"],
                        }
                    )
            if device != "cpu":
                continue  # streaming and librosa features are CPU work
            stream_frontend = build_frontend(DANCE_CNN_MEL)

            def stream_all(chunk):
                stream = FrameStream(stream_frontend)
                for start in range(0, y.size, chunk):
                    stream.push(y[start : start + chunk])
                stream.flush()

            for chunk, label in ((1024, "1024-sample pushes, live"), (220500, "10 s pushes, file")):
                streaming = min_and_median(lambda: stream_all(chunk), max(1, repeats // 2))
                rows.append(
                    {
                        "frontend": f"dance_cnn_mel FrameStream ({label})",
                        "threads": threads or default_threads,
                        "precision": "float64",
                        "torch_min_s": streaming["min_s"],
                        "torch_median_s": streaming["median_s"],
                    }
                )
            hand = min_and_median(lambda: handcrafted_features(y), max(1, repeats // 3))
            rows.append(
                {
                    "frontend": "handcrafted_features (librosa, 72-d)",
                    "threads": threads or default_threads,
                    "precision": "librosa",
                    "torch_min_s": hand["min_s"],
                    "torch_median_s": hand["median_s"],
                }
            )
    torch.set_num_threads(default_threads)
    return {
        "signal_seconds": seconds,
        "device": device,
        "sr": 22050,
        "repeats": repeats,
        "cpu_count_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "default_torch_threads": default_threads,
        "machine": cpu_name(),
        "gpu": torch.cuda.get_device_name(device) if device.startswith("cuda") else None,
        "torch": torch.__version__,
        "librosa": librosa.__version__,
        "numpy": np.__version__,
        "rows": rows,
    }


def _print_table(result: dict) -> None:
    seconds, cpus, repeats = result["signal_seconds"], result["cpu_count_affinity"], result["repeats"]
    print(f"{seconds:.0f} s signal, {cpus} CPUs visible, min of {repeats}")
    header = f"{'front end':54} {'thr':>3} {'prec':>8} {'torch s':>8} {'librosa s':>9} {'speed-up':>8}"
    print(header)
    print("-" * len(header))
    for row in result["rows"]:
        lib = f"{row['librosa_min_s']:.4f}" if "librosa_min_s" in row else "-"
        ratio = f"{row['speedup_vs_librosa']:.2f}x" if "speedup_vs_librosa" in row else "-"
        name, threads, precision, took = row["frontend"], row["threads"], row["precision"], row["torch_min_s"]
        print(f"{name:54} {threads:>3} {precision:>8} {took:>8.4f} {lib:>9} {ratio:>8}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--device", default="cpu", help="torch device for the front ends (librosa stays on CPU)")
    args = parser.parse_args(argv)
    result = run(args.seconds, args.repeats, args.device)
    _print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
