"""Does dancekit stay sane on hostile input? The full fuzzing run, through the API, the CLI and the web server.

Generates every case of ``dancekit.fuzzing`` (deterministic: truncations and bit flips of real small
WAV/FLAC/OGG/MP3/M4A/WebM files, forged headers, absurd rates, channels and durations, non-audio
files named as audio, playlists that point at a local canary server and canary files, arrays with
NaN/Inf/odd dtypes/shapes, file-system oddities, WebSocket message sequences, raw HTTP requests)
plus schemathesis requests generated from the running server's /openapi.json, and runs them through
``dancekit.identify`` (path, bytes, file object, array), ``dancekit identify --json`` and a real
``dancekit serve`` (uploads to /api/identify and /api/genre, the live socket). Each run is one of:
result, clean_error, not_sensible, crash, hang, memory, traceback, nan_output, ssrf.

Prints the counts table (family x outcome) per target and for all targets, and every bad run;
writes benchmarks/results/fuzz.json; exits 1 on any crash, hang (over --seconds), memory (over
--memory-gb), traceback, 5xx, NaN in output, fetch (SSRF) or nonsense answer.

    python benchmarks/fuzz.py [--subset full|ci] [--targets api cli web] [--families F ...]
                              [--model ballroom] [--seconds 60] [--memory-gb 2] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from dancekit.fileio import atomic_write_text
from dancekit.fuzzing.cases import families
from dancekit.fuzzing.run import TARGETS, run_targets
from dancekit.fuzzing.watch import GB, Limits

RESULTS = Path(__file__).resolve().parent / "results" / "fuzz.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", choices=("full", "ci"), default="full")
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--families", nargs="+", choices=families(), default=None)
    parser.add_argument("--model", default=None, help="dance model name or folder (default: the built-in ballroom)")
    parser.add_argument("--seconds", type=float, default=60.0, help="per-case time limit (hang)")
    parser.add_argument("--memory-gb", type=float, default=2.0, help="per-process resident memory limit")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    start = time.monotonic()
    load_at_start = os.getloadavg()
    report = run_targets(args.subset, tuple(args.targets), model=args.model, families=args.families,
                         limits=Limits(seconds=args.seconds, rss_bytes=int(args.memory_gb * GB)),
                         log=lambda line: print(line, file=sys.stderr, flush=True))
    print(report.text())
    info = report.to_json()
    info["wall_s"] = round(time.monotonic() - start, 1)
    info["cpus"] = os.cpu_count()
    info["load_average_at_start"] = load_at_start
    info["load_average_at_end"] = os.getloadavg()
    print(f"\n{info['cases']} cases, {info['runs']} runs in {info['wall_s']:.0f} s "
          f"(load average {load_at_start[0]:.1f} at start, {info['load_average_at_end'][0]:.1f} at end)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(info, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
