"""Time ``dancekit synth``: clips per minute on all cores, and where a clip's time goes.

Renders about ``--clips`` clips (songs plus their phone-in-the-hall copies, counted as the
manifest counts them) of the ten dances into a temporary folder with ``build_corpus``, as
``dancekit synth`` does, and projects the wall time of a 5,000-clip corpus (the target: under
30 minutes). The stage breakdown comes from a separate single-process pass over the first
``--profile`` songs (first soundfont loads reported apart). ``--reference`` also times the old
way, the ``fluidsynth`` command once per song (``DANCEKIT_FLUIDSYNTH=cli``), on the same clips.
Prints a table and writes benchmarks/results/synth_speed.json.

    PYTHONPATH=src python benchmarks/synth_speed.py [--clips 200] [--duration 20] [--reference]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from dancekit.fileio import atomic_write_text
from dancekit.synth import corpus, fluid
from dancekit.synth.render import ENGINE_ENV

RESULTS = Path(__file__).resolve().parent / "results" / "synth_speed.json"
TARGET_CLIPS, TARGET_MINUTES = 5000, 30.0
EARLIER_CLIPS_PER_MIN = 140.0  # 1300 songs of 20 s + 385 copies in 12 minutes on the 2-core machine, before in-process fluidsynth


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _throughput(per_dance: int, args, engine: str) -> dict:
    os.environ[ENGINE_ENV] = engine  # spawned workers inherit it
    with tempfile.TemporaryDirectory(prefix="synth-speed-") as tmp:
        load_before = _load()
        start = time.perf_counter()
        summary = corpus.build_corpus(tmp, per_dance, seed=args.seed, workers=args.workers, duration=args.duration,
                                      degrade_fraction=args.degrade_fraction, include_other=False, progress=False)
        seconds = time.perf_counter() - start
        with open(Path(tmp) / "manifest.csv") as f:
            clips = sum(1 for _ in csv.DictReader(f))
    if summary["failed"]:
        raise SystemExit(f"{len(summary['failed'])} clips failed, e.g. {summary['failed'][0]}")
    songs = summary["rendered"]
    return {"engine": engine, "songs": songs, "clips": clips, "seconds": round(seconds, 1),
            "clips_per_min": round(60 * clips / seconds, 1), "songs_per_min": round(60 * songs / seconds, 1),
            "projected_min_5000": round(TARGET_CLIPS / (clips / seconds) / 60, 1),
            "load_1min_before": load_before, "load_1min_after": _load()}


def _stages(n_songs: int, args) -> dict:
    """Seconds per song in each stage, in this process, with the stages wrapped in timers."""
    os.environ[ENGINE_ENV] = "lib"
    totals: dict[str, float] = defaultdict(float)
    wrapped = {"mma": "compile_midi", "fluidsynth": "fluidsynth", "produce": "produce", "degrade": "degrade",
               "write_audio": "_write_audio"}
    originals = {name: getattr(corpus, attr) for name, attr in wrapped.items()}

    def timed(name, fn):
        def run(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                totals[name] += time.perf_counter() - t
        return run

    settings = corpus.CorpusSettings(args.seed, args.duration, degrade_fraction=args.degrade_fraction, include_other=False)
    jobs = corpus.plan(settings, max(1, -(-n_songs // 10)))[:n_songs]
    fonts = {p for p, _ in corpus.available_soundfonts()}
    t = time.perf_counter()
    for path in fonts:  # parsed once per worker process; kept out of the per-song figures
        fluid._soundfont(path)
    font_load = time.perf_counter() - t
    try:
        for name, attr in wrapped.items():
            setattr(corpus, attr, timed(name, originals[name]))
        with tempfile.TemporaryDirectory(prefix="synth-stages-") as tmp:
            (Path(tmp) / "audio").mkdir()
            (Path(tmp) / "meta").mkdir()
            start = time.perf_counter()
            copies = sum(len(corpus.render_clip(job, settings, Path(tmp))) for job in jobs)
            total = time.perf_counter() - start
    finally:
        for name, attr in wrapped.items():
            setattr(corpus, attr, originals[name])
    per_song = {k: round(v / len(jobs), 4) for k, v in totals.items()}
    per_song["other"] = round((total - sum(totals.values())) / len(jobs), 4)
    return {"songs": len(jobs), "clips": copies, "seconds_per_song": per_song,
            "seconds_per_clip_one_core": round(total / copies, 4), "soundfont_load_s_once_per_process": round(font_load, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=200, help="about this many clips (default 200)")
    parser.add_argument("--duration", type=float, default=20.0, help="clip seconds (default 20)")
    parser.add_argument("--degrade-fraction", type=float, default=0.3, help="as dancekit synth (default 0.3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", type=int, default=20, metavar="N", help="songs in the stage breakdown (0: none)")
    parser.add_argument("--reference", action="store_true", help="also time the fluidsynth command per song")
    args = parser.parse_args()
    per_dance = max(1, round(args.clips / (10 * (1 + args.degrade_fraction))))
    runs = [_throughput(per_dance, args, "lib")]
    if args.reference:
        runs.append(_throughput(per_dance, args, "cli"))
    stages = _stages(args.profile, args) if args.profile else None
    result = {"clip_seconds": args.duration, "degrade_fraction": args.degrade_fraction, "workers": args.workers,
              "cores": os.cpu_count(), "runs": runs, "stages_one_process": stages,
              "target": {"clips": TARGET_CLIPS, "minutes": TARGET_MINUTES},
              "earlier_clips_per_min": EARLIER_CLIPS_PER_MIN,
              "machine": {"cpu": platform.processor() or platform.machine(), "numpy": np.__version__}}
    print(f"dancekit synth, {args.duration:g} s clips, {args.workers} workers on {os.cpu_count()} cores")
    print(f"{'engine':>7} | {'songs':>5} | {'clips':>5} | {'seconds':>7} | {'clips/min':>9} | {'songs/min':>9} | "
          f"{'5000 clips':>10} | load before/after")
    for r in runs:
        print(f"{r['engine']:>7} | {r['songs']:>5} | {r['clips']:>5} | {r['seconds']:>7.1f} | {r['clips_per_min']:>9.1f} | "
              f"{r['songs_per_min']:>9.1f} | {r['projected_min_5000']:>7.1f} min | {r['load_1min_before']} / {r['load_1min_after']}")
    print(f"earlier (fluidsynth command per song): {EARLIER_CLIPS_PER_MIN:.0f} clips/min; target: "
          f"{TARGET_CLIPS} clips in < {TARGET_MINUTES:.0f} min = {TARGET_CLIPS / TARGET_MINUTES:.0f} clips/min")
    if stages:
        parts = ", ".join(f"{k} {1000 * v:.0f} ms" for k, v in stages["seconds_per_song"].items())
        print(f"per song, one process ({stages['songs']} songs, {stages['clips']} clips): {parts}; "
              f"soundfonts parsed once per process: {stages['soundfont_load_s_once_per_process']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS, json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
