"""How fast does ``dancekit scan`` go through a library, against identifying the same files one by one?

Scans a folder of real recordings (by default the 100 GTZAN clips of the shared reference data: many
short files, where per-file costs and small batches matter most) three ways, each into a fresh
database: a plain loop of ``Identifier.identify`` (the ``identify`` command's way), the scan loop
without decode processes (segments of several files per forward pass only), and the scan loop with
``--workers`` decode processes. Prints files/s and writes benchmarks/results/scan_speed.json.

    python benchmarks/scan_speed.py [--data FOLDER] [--workers 1] [--batch 32] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import torch

from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.paths import shared_data_dir
from dancekit.scan.discovery import discover
from dancekit.scan.engine import LocalWorkers, ScanOptions, scan_files
from dancekit.scan.store import ScanStore

RESULTS = Path(__file__).resolve().parent / "results" / "scan_speed.json"


def one_by_one(files: list[str]) -> dict:
    identifier = Identifier()
    start = time.perf_counter()
    audio_s = sum(identifier.identify(f).duration_s for f in files)
    return {"way": "identify loop", "seconds": time.perf_counter() - start, "audio_s": audio_s}


def scanned(files: list[str], workers: int, batch: int, folder: Path) -> dict:
    identifier = Identifier(batch_size=batch)
    with ScanStore(folder / f"scan-{workers}.sqlite") as store:
        summary = scan_files(files, store, LocalWorkers(identifier, ScanOptions(workers=workers)))
    assert summary.analysed == len(files), summary
    return {"way": f"scan, {workers} decode processes", "workers": workers, "batch": batch,
            "seconds": summary.seconds, "audio_s": summary.audio_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "gtzan_mini")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    files = [os.path.abspath(p) for p in discover([args.data]).files]
    with tempfile.TemporaryDirectory() as tmp:
        Identifier().identify(files[0])  # warm-up: numba compiles the beat tracker once
        rows = [one_by_one(files), scanned(files, 0, args.batch, Path(tmp)),
                scanned(files, args.workers, args.batch, Path(tmp))]
    for row in rows:
        row["files_per_s"] = len(files) / row["seconds"]
        row["x_real_time"] = row["audio_s"] / row["seconds"]
        print(f"{row['way']:<28} {row['seconds']:7.1f} s  {row['files_per_s']:5.2f} files/s  "
              f"{row['x_real_time']:5.0f}x real time")
    report = {"files": len(files), "data": args.data.name, "threads": args.threads, "cpus": os.cpu_count(),
              "torch": torch.__version__, "machine": platform.machine(), "runs": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
