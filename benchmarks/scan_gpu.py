"""``dancekit scan`` on a GPU: songs per second and times real time for a library of real-length songs.

Builds a library of ``--songs`` distinct files from the real recordings in ``--source`` (each copy
at its own slight gain, so no two files share bytes and the scan's de-duplication by hash cannot
skip any), then scans it three ways into fresh databases, to name the bottleneck: decoding alone
(the decode processes, no model), the scan without tempo and meter (decode + front end + network),
and the full scan. Prints a table and writes JSON.

By default the decode processes also compute the front end (numpy), segments, tempo and meter, and
the device only runs the network; ``--analyse-in main`` is the earlier split, for comparison: the
workers only decode, and the main process computes the front end on the device and tempo and meter
on its CPU, one song after another.

    python benchmarks/scan_gpu.py --source DIR --songs 500 --device cuda --workers 14 --batch 256 [--analyse-in main]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import soundfile as sf
import torch

from dancekit.audio import load
from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.scan.decoding import decode_file
from dancekit.scan.discovery import discover
from dancekit.scan.engine import LocalWorkers, ScanOptions, scan_files
from dancekit.scan.store import ScanStore

RESULTS = Path(__file__).resolve().parent / "results" / "scan_gpu.json"
SR = 22050


def _copy(job: tuple[str, str, float]) -> float:
    source, out, gain = job
    audio = load(source, sr=SR) * gain
    sf.write(out, audio, SR, format="FLAC")
    return len(audio) / SR


def build_library(sources: list[str], n: int, folder: Path, workers: int) -> float:
    """``n`` FLAC songs cycling over ``sources``, copy k at gain ``1 - k / 10^4``; returns their seconds."""
    jobs = [(sources[k % len(sources)], str(folder / f"song{k:05d}.flac"), 1.0 - k * 1e-4) for k in range(n)]
    with ProcessPoolExecutor(workers) as pool:
        return float(sum(pool.map(_copy, jobs, chunksize=4)))


def decode_only(files: list[str], workers: int) -> float:
    """Seconds the decode processes alone take over the library."""
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        for _ in pool.map(decode_file, files, [SR] * len(files), [None] * len(files), chunksize=2):
            pass
    return time.perf_counter() - start


def scanned(files: list[str], device: str, workers: int, batch: int, rhythm: bool, folder: Path,
            in_workers: bool = True) -> float:
    """Seconds of one scan into a fresh database."""
    identifier = Identifier(device=device, batch_size=batch)
    options = ScanOptions(workers=workers, rhythm=rhythm, tempo_prior=rhythm, analyse_in_workers=in_workers)
    with ScanStore(folder / f"scan-{rhythm}.sqlite") as store:
        summary = scan_files(files, store, LocalWorkers(identifier, options))
    assert summary.analysed == len(files), summary
    return summary.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="real recordings to build the library from")
    parser.add_argument("--songs", type=int, default=500)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 2))
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--analyse-in", choices=("workers", "main"), default="workers",
                        help="where front end, tempo and meter are computed (default: %(default)s)")
    parser.add_argument("--library", type=Path, default=None, help="keep the library here (default: temporary)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    sources = [os.path.abspath(p) for p in discover([args.source]).files]
    if not sources:
        raise SystemExit(f"error: no recordings under {args.source}")
    with tempfile.TemporaryDirectory() as tmp:
        library = args.library or Path(tmp) / "library"
        library.mkdir(parents=True, exist_ok=True)
        audio_s = build_library(sources, args.songs, library, args.workers)
        files = sorted(str(p) for p in library.glob("*.flac"))
        print(f"library: {len(files)} songs, {audio_s / 60:.0f} min", flush=True)
        Identifier(device=args.device).identify(files[0])  # warm-up: numba compiles the beat tracker once
        runs = {}
        in_workers = args.analyse_in == "workers"
        for way, measure in (("decode only", lambda: decode_only(files, args.workers)),
                             ("scan without tempo and meter",
                              lambda: scanned(files, args.device, args.workers, args.batch, False, Path(tmp), in_workers)),
                             ("full scan",
                              lambda: scanned(files, args.device, args.workers, args.batch, True, Path(tmp), in_workers))):
            runs[way] = measure()
            print(f"{way}: {runs[way]:.1f} s", flush=True)  # a run cut short still shows what it measured
    rows = [{"way": way, "seconds": s, "songs_per_s": len(files) / s, "x_real_time": audio_s / s}
            for way, s in runs.items()]
    print(f"{len(files)} songs, {audio_s / 60:.0f} min of audio, {args.workers} decode processes, batch {args.batch}")
    for row in rows:
        print(f"{row['way']:<30} {row['seconds']:7.1f} s  {row['songs_per_s']:6.2f} songs/s  "
              f"{row['x_real_time']:7.0f}x real time")
    slowest = max(rows[:2], key=lambda r: r["seconds"])
    where = "decode processes" if in_workers else "main process"
    bottleneck = (f"tempo and meter (in the {where})" if runs["full scan"] > 1.3 * runs["scan without tempo and meter"]
                  else slowest["way"])
    print(f"bottleneck: {bottleneck}")
    device_name = torch.cuda.get_device_name() if args.device.startswith("cuda") else platform.processor() or "cpu"
    report = {"songs": len(files), "audio_s": audio_s, "device": device_name, "cpus": os.cpu_count(),
              "workers": args.workers, "batch": args.batch,
              "analyse_in": args.analyse_in, "torch": torch.__version__, "runs": rows,
              "bottleneck": bottleneck}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
