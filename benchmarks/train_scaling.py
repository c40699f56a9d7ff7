"""Training throughput of the default dance network on 1, 2, 4... processes (GPUs, or CPU processes with gloo).

Each count is launched with ``torchrun`` (``python -m torch.distributed.run``) on this machine; every
process trains ResNet-18 on random 224x224 segments through the one training loop (DistributedDataParallel,
NCCL on GPUs, gloo on CPUs) with ``--batch-per-process`` samples each, so the global batch grows with the
count (weak scaling). Prints samples per second, speed-up and scaling efficiency against one process,
measured in the same run, and writes JSON.

    python benchmarks/train_scaling.py --processes 1 2 4 --device cuda [--steps 40] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from dancekit.fileio import atomic_write_text
from dancekit.models import build_dance_cnn
from dancekit.training.distributed import start_from_environment
from dancekit.training.throughput import training_throughput

RESULTS = Path(__file__).resolve().parent / "results" / "train_scaling.json"


def worker(args: argparse.Namespace) -> None:
    """One process of a launched run: train, and let the first process write the speed."""
    group, device = start_from_environment(args.device)
    torch.manual_seed(0)
    network = build_dance_cnn(args.arch, 10)
    speed = training_throughput(network, (1, 224, 224), 10, args.batch_per_process * group.world, args.steps,
                                device, amp=device.type == "cuda")
    if group.is_first:
        Path(args.worker).write_text(json.dumps({"processes": group.world, "samples_per_second": speed}))
    torch.distributed.destroy_process_group() if torch.distributed.is_initialized() else None


def launch(count: int, args: argparse.Namespace) -> dict:
    """Run ``count`` processes under torchrun and read the first one's figure."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speed.json"
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={count}",
                   __file__, "--worker", str(out), "--device", args.device, "--steps", str(args.steps),
                   "--batch-per-process", str(args.batch_per_process), "--arch", args.arch]
        env = {**os.environ, "OMP_NUM_THREADS": str(max(1, (os.cpu_count() or 1) // count))}
        proc = subprocess.run(command, capture_output=True, text=True, env=env)
        if proc.returncode != 0 or not out.is_file():
            raise SystemExit(f"error: the run on {count} processes failed: {proc.stderr.strip().splitlines()[-1:]}")
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--batch-per-process", type=int, default=32)
    parser.add_argument("--arch", default="resnet18")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    if args.device.startswith("cuda") and max(args.processes) > torch.cuda.device_count():
        raise SystemExit(f"error: {max(args.processes)} processes need as many GPUs; "
                         f"this machine has {torch.cuda.device_count()}")
    rows = [launch(n, args) for n in sorted(set(args.processes))]
    base = next((r["samples_per_second"] for r in rows if r["processes"] == 1), None)
    print(f"{'processes':>9} {'samples/s':>10} {'speed-up':>9} {'efficiency':>10}")
    for row in rows:
        if base:
            row["speedup"] = row["samples_per_second"] / base
            row["efficiency"] = row["speedup"] / row["processes"]
        print(f"{row['processes']:>9} {row['samples_per_second']:>10.1f} {row.get('speedup', float('nan')):>9.2f} "
              f"{row.get('efficiency', float('nan')):>10.2f}")
    device_name = torch.cuda.get_device_name() if args.device.startswith("cuda") else platform.processor() or "cpu"
    result = {"device": args.device, "device_name": device_name, "cpu_count": os.cpu_count(), "arch": args.arch,
              "batch_per_process": args.batch_per_process, "steps": args.steps, "torch": torch.__version__,
              "runs": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
