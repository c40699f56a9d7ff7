"""How long does ``dancekit generate`` take on a 3-minute song, start to BVH, and does it stream in real time?

Whole processes, as a user waits for them (start-up, model loading, audio decoding, generation,
BVH): ``dancekit generate SONG --dance waltz -o OUT.bvh`` at each decoder precision (the default,
fp16 on a CPU; int8; fp32), the same command from a reference checkout (``--reference REF``, a git
ref of this repository, default ``main``: its ``src`` taken with ``git archive`` into a temporary
folder) and ``dancekit generate SONG`` without ``--dance`` (the dance is identified first). Each
runs ``--repeats`` times after one warm-up round, the commands interleaved round by round so
other work on the machine weighs on all alike, pinned to ``--cores`` CPU cores (default 2, the
target's machine). The commands run as ``python -m dancekit`` with bytecode cached in a temporary
folder, as an installed package has it (see ``benchmarks/command_speed.py``).

Then, inside this process with the model loaded: live streaming as an application runs it, the
16 kHz audio pushed one motion frame (534 samples, 33 ms) at a time into
:class:`dancekit.motion.generate.StepGenerator`, each push timed (real time needs < 33.3 ms).

The song: a real Tang recording (``--song DANCE_W_1`` of the shared data, ``DANCEKIT_DATA`` or
``../shared/data``), looped or cut to ``--seconds`` (default 180) and written as MP3 in a
temporary folder that is removed afterwards; or ``--audio FILE``. Only its name, length and hash
are kept. Prints a table and writes benchmarks/results/generate_speed.json.

    PYTHONPATH=src python benchmarks/generate_speed.py [--song DANCE_W_1] [--repeats 5] [--reference main]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "generate_speed.json"
sys.path.insert(0, str(ROOT / "benchmarks"))
from command_speed import child_environment, machine  # noqa: E402  (a sibling script)

#: Whole-process target of issue 18 (3-minute song, 2 cores, start-up included).
TARGET_S = 5.0
#: Real time at 30 motion frames a second.
FRAME_MS = 1000 / 30
DEFAULT_NAME = "dancekit generate SONG --dance waltz"


def commands(reference: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (``src`` folder: this checkout's or the reference's, arguments after ``python``)."""
    generate = ["-m", "dancekit", "generate", "SONG", "-o", "OUT"]
    return {DEFAULT_NAME: ("this", [*generate, "--dance", "waltz"]),
            f"{DEFAULT_NAME} --precision int8": ("this", [*generate, "--dance", "waltz", "--precision", "int8"]),
            f"{DEFAULT_NAME} --precision fp32": ("this", [*generate, "--dance", "waltz", "--precision", "fp32"]),
            f"reference ({reference}): {DEFAULT_NAME}": ("reference", [*generate, "--dance", "waltz"]),
            "dancekit generate SONG (identifies the dance)": ("this", generate)}


def write_song(data: Path, song: str, seconds: float, out: Path) -> Path:
    """A Tang song's music looped or cut to ``seconds``, as MP3 (what a user's file usually is)."""
    import numpy as np
    import soundfile as sf

    from dancekit import audio

    sr = 22050
    music = audio.load(data / "tang_dance" / song / "audio.mp3", sr=sr)
    n = int(seconds * sr)
    sf.write(out, np.tile(music, -(-n // len(music)))[:n], sr, format="MP3")
    return out


def extract_reference(ref: str, folder: Path) -> Path:
    """``src`` of git ref ``ref`` of this repository, in ``folder`` (model weights included)."""
    archive = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def time_commands(song: Path, table: dict, sources: dict[str, Path], repeats: int, cores: list[int],
                  out: Path, cache: Path) -> dict[str, list[float]]:
    """Seconds of every run of every command (round 0, the warm-up, not kept); each writes its BVH."""
    times: dict[str, list[float]] = {name: [] for name in table}
    for round_ in range(repeats + 1):
        for index, (name, (where, args)) in enumerate(table.items()):
            env = child_environment(cache)
            env["PYTHONPATH"] = str(sources[where])  # this checkout's src or the reference's, never both
            bvh = out / f"command_{index}.bvh"
            argv = [sys.executable, *[str(song) if a == "SONG" else str(bvh) if a == "OUT" else a for a in args]]
            start = time.perf_counter()
            done = subprocess.run(argv, env=env, cwd=out, capture_output=True, text=True,
                                  preexec_fn=lambda: os.sched_setaffinity(0, cores))
            seconds = time.perf_counter() - start
            if done.returncode != 0 or not bvh.exists():
                raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
            bvh.unlink()
            if round_:
                times[name].append(seconds)
        print(f"round {round_}/{repeats} done", file=sys.stderr, flush=True)
    return times


def streaming(song: Path, seconds: float, precision: str) -> dict:
    """Push exactly the samples that complete each next frame of the song's start; time every push."""
    import numpy as np

    from dancekit.features.step_audio import SAMPLE_RATE, frame_starts
    from dancekit.features.step_phase import music_grid
    from dancekit.motion.generate import StepGenerator, load_step_audio

    y = load_step_audio(song, seconds)
    # a phase-aware model streams against the beat grid of the song, found before the first frame
    gen = StepGenerator(None, "waltz", precision=precision, beat_grid=music_grid(y, SAMPLE_RATE))
    ends = frame_starts(0, len(y) * 30 // 16000) + 480  # a frame is complete once its five STFT windows are in
    gen.push(y[:ends[0] - 1])
    pos, times = ends[0] - 1, []
    for end in ends:
        start = time.perf_counter()
        gen.push(y[pos:end])
        times.append(1000 * (time.perf_counter() - start))
        pos = end
    ms = times[10:]  # the first pushes warm the allocator
    return {"precision": gen.precision, "frames": len(times), "mean_ms": statistics.fmean(ms),
            "median_ms": statistics.median(ms), "p95_ms": float(np.percentile(ms, 95)), "max_ms": max(ms)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("DANCEKIT_DATA", ROOT.parent / "shared" / "data")))
    parser.add_argument("--song", default="DANCE_W_1", help="Tang song folder whose music is looped or cut")
    parser.add_argument("--audio", type=Path, default=None, help="time this file instead of a Tang song")
    parser.add_argument("--seconds", type=float, default=180.0, help="song length (default 3 minutes)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each command after the warm-up")
    parser.add_argument("--reference", default="main", help="git ref whose `dancekit generate` is timed beside")
    parser.add_argument("--cores", type=int, default=2, help="CPU cores the commands may use (default 2)")
    parser.add_argument("--stream-seconds", type=float, default=30.0, help="audio streamed frame by frame")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))[:args.cores]
    if len(cores) < args.cores:
        raise SystemExit(f"only {len(cores)} cores are visible; --cores {args.cores} asked")

    before = machine()
    table = commands(args.reference)
    with tempfile.TemporaryDirectory(prefix="dancekit-generate-speed-") as tmp:
        tmp = Path(tmp)
        song = args.audio or write_song(args.data, args.song, args.seconds, tmp / f"{args.song}_{args.seconds:g}s.mp3")
        sources = {"this": ROOT / "src", "reference": extract_reference(args.reference, tmp)}
        (tmp / "cache").mkdir()
        times = time_commands(song, table, sources, args.repeats, cores, tmp, tmp / "cache")
        song_info = {"name": song.name, "source": str(args.audio) if args.audio else f"tang_dance/{args.song}",
                     "sha256": hashlib.sha256(song.read_bytes()).hexdigest()}
        from dancekit.runtime import prefer_sleeping_threads

        prefer_sleeping_threads()  # as the command line does, before torch loads
        import torch

        torch.set_num_threads(args.cores)
        with torch.inference_mode():
            live = [streaming(song, args.stream_seconds, p) for p in (None, "int8", "fp32")]
    rows = [{"command": name, "times_s": runs, "median_s": statistics.median(runs), "min_s": min(runs)}
            for name, runs in times.items()]
    reference = next(r for r in rows if r["command"].startswith("reference"))["median_s"]
    for r in rows:
        r["reference_over_this"] = reference / r["median_s"]

    print(f"\nwhole processes on a {args.seconds:.0f} s song, median of {args.repeats} after a warm-up; "
          f"{before['cpu']}, cores {cores}, load {before['load_average_1min']:.1f} (other work only adds time)")
    print(f"{'command':<58}{'median':>9}{'min':>9}{'ref/this':>10}")
    for r in rows:
        print(f"{r['command']:<58}{r['median_s']:>8.2f}s{r['min_s']:>8.2f}s{r['reference_over_this']:>9.1f}x")
    default = next(r for r in rows if r["command"] == DEFAULT_NAME)
    print(f"target: <= {TARGET_S:g} s for `{DEFAULT_NAME}` (median {default['median_s']:.2f} s)")
    print(f"\nstreaming, one 33 ms frame per push, {args.stream_seconds:g} s, {args.cores} threads "
          f"(real time needs < {FRAME_MS:.1f} ms):")
    for s in live:
        print(f"  {s['precision']:<5} mean {s['mean_ms']:.2f} ms, median {s['median_ms']:.2f}, p95 {s['p95_ms']:.2f}, "
              f"max {s['max_ms']:.2f}")

    report = {"song": {**song_info, "seconds": args.seconds}, "repeats": args.repeats, "cores": cores,
              "reference": args.reference, "torch": torch.__version__, "machine_before": before,
              "machine_after": machine(), "target_s": TARGET_S, "commands": rows,
              "streaming": {"seconds": args.stream_seconds, "threads": args.cores, "real_time_ms": FRAME_MS,
                            "rows": live}}
    from dancekit.fileio import atomic_write_text

    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
