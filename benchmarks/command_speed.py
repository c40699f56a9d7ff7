"""How long does the ``dancekit`` command take, start to answer, against the naive reference process?

Times whole processes, as a user waits for them: ``dancekit --help``, ``dancekit models``,
``dancekit identify SONG`` (tempo and meter included), ``dancekit identify --no-tempo SONG`` and the
reference process (``benchmarks/naive_identify.py``: librosa load and mel, torchvision DenseNet161,
mean softmax), each run ``--repeats`` times after one warm-up, the commands interleaved round by
round so that other work on the machine weighs on all of them alike; then ``Identifier.identify``
of the same song inside this process (the model loaded, one warm-up call; OpenMP threads set to
sleep as the command line sets them, ``dancekit.runtime``). Prints a table of
medians beside the targets and writes benchmarks/results/command_speed.json.

The commands run as ``python -m dancekit`` (what the ``dancekit`` script runs, without a shell
shim in front) from this checkout's ``src``, with bytecode cached in a temporary folder as an
installed package has it (``PYTHONDONTWRITEBYTECODE`` is dropped for the children).

    python benchmarks/command_speed.py SONG.mp3 [--repeats 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "command_speed.json"
REFERENCE = ROOT / "benchmarks" / "naive_identify.py"

#: name -> (arguments after ``python``, target median in seconds or None); SONG is replaced by the file.
COMMANDS = {
    "dancekit --help": (["-m", "dancekit", "--help"], 0.3),
    "dancekit models": (["-m", "dancekit", "models"], 0.3),
    "dancekit identify SONG": (["-m", "dancekit", "identify", "SONG"], 2.0),
    "dancekit identify --no-tempo SONG": (["-m", "dancekit", "identify", "--no-tempo", "SONG"], None),
    "reference (naive_identify.py SONG)": ([str(REFERENCE), "SONG"], None),
}
REFERENCE_NAME = "reference (naive_identify.py SONG)"
IDENTIFY_NAME = "dancekit identify SONG"
#: The whole identify command must be at least this many times faster than the reference process.
MIN_SPEEDUP = 5.0
IN_PROCESS_TARGET_S = 0.8


def child_environment(cache: Path) -> dict:
    """This checkout's ``src`` first on the path, bytecode cached in ``cache`` (as an install has it)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    return env


def time_commands(song: Path, repeats: int, env: dict) -> dict[str, list[float]]:
    """Seconds of every run of every command; round 0 is the warm-up and is not kept."""
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for round_ in range(repeats + 1):
        for name, (args, _) in COMMANDS.items():
            argv = [sys.executable, *[str(song) if a == "SONG" else a for a in args]]
            start = time.perf_counter()
            done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
            if round_:
                times[name].append(seconds)
        print(f"round {round_}/{repeats} done", file=sys.stderr, flush=True)
    return times


def time_in_process(song: Path, repeats: int) -> dict:
    """``Identifier.identify`` of the song with the model loaded: one warm-up call, then ``repeats``."""
    from dancekit.inference import Identifier  # imported here: the children above must not share its start

    identifier = Identifier(None)
    result = identifier.identify(song)
    runs = {"identify": [], "identify_without_tempo": []}
    for _ in range(repeats):
        for key, rhythm in (("identify", True), ("identify_without_tempo", False)):
            start = time.perf_counter()
            identifier.identify(song, rhythm=rhythm)
            runs[key].append(time.perf_counter() - start)
    return {"duration_s": result.duration_s, "segments": len(result.segment_starts_s), "answer": result.top(1)[0][0],
            "backend": identifier.backend.name,
            **{f"{k}_s": v for k, v in runs.items()},
            **{f"{k}_median_s": statistics.median(v) for k, v in runs.items()},
            **{f"{k}_min_s": min(v) for k, v in runs.items()}}


def summarise(times: dict[str, list[float]]) -> list[dict]:
    """One row per command: median, minimum, target, and how many times faster than the reference."""
    reference = statistics.median(times[REFERENCE_NAME])
    rows = []
    for name, runs in times.items():
        median = statistics.median(runs)
        target = COMMANDS[name][1]
        rows.append({"command": name, "times_s": runs, "median_s": median, "min_s": min(runs), "target_s": target,
                     "reference_over_this": reference / median,
                     "meets_target": None if target is None else median <= target})
    return rows


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def machine() -> dict:
    """What the figures were measured on, including how busy it was (other work only adds time)."""
    from dancekit.evaluation.timing import cpu_name

    return {"cpu": cpu_name(), "cores_visible": len(os.sched_getaffinity(0)), "python": platform.python_version(),
            "machine": platform.machine(), "load_average_1min": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("song", type=Path, help="a real recording of about 3 minutes (not kept, only its length and hash)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each command after the warm-up")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads of the in-process measurement (torch's, which ONNX Runtime then takes too)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args()

    before = machine()
    with tempfile.TemporaryDirectory(prefix="dancekit-pycache-") as cache:
        times = time_commands(args.song, args.repeats, child_environment(Path(cache)))
    from dancekit.runtime import prefer_sleeping_threads

    prefer_sleeping_threads()  # as the command line does, before torch loads
    import torch

    torch.set_num_threads(args.threads)  # dancekit.runtime.cpu_threads gives ONNX Runtime the same number
    inside = time_in_process(args.song, args.repeats)
    rows = summarise(times)
    by_name = {r["command"]: r for r in rows}
    speedup = by_name[IDENTIFY_NAME]["reference_over_this"]

    print(f"\nwhole processes, median of {args.repeats} after a warm-up; {before['cpu']}, "
          f"{before['cores_visible']} cores, load {before['load_average_1min']:.1f}; song {inside['duration_s']:.0f} s")
    print(f"{'command':<38}{'median':>9}{'min':>9}{'target':>9}{'ref/this':>10}")
    for r in rows:
        target = f"{r['target_s']:.1f}s" if r["target_s"] is not None else "-"
        print(f"{r['command']:<38}{r['median_s']:>8.2f}s{r['min_s']:>8.2f}s{target:>9}{r['reference_over_this']:>9.1f}x")
    print(f"identify vs reference: {speedup:.1f}x faster (target >= {MIN_SPEEDUP:g}x)")
    print(f"in-process identify ({inside['backend']}, model loaded, {args.threads} threads): median {inside['identify_median_s']:.2f} s, "
          f"min {inside['identify_min_s']:.2f} s (target <= {IN_PROCESS_TARGET_S} s); without tempo "
          f"{inside['identify_without_tempo_median_s']:.2f} s")

    report = {
        "song": {"name": args.song.name, "sha256": hashlib.sha256(args.song.read_bytes()).hexdigest(),
                 "duration_s": inside["duration_s"], "segments": inside["segments"]},
        "repeats": args.repeats, "torch": torch.__version__, "onnxruntime": _version("onnxruntime"), "machine_before": before, "machine_after": machine(),
        "commands": rows,
        "identify_speedup_vs_reference": speedup, "min_speedup": MIN_SPEEDUP,
        "in_process": {**inside, "threads": args.threads, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
                       "target_s": IN_PROCESS_TARGET_S},
    }
    from dancekit.fileio import atomic_write_text

    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
