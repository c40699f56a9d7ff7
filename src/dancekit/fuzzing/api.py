"""Target: the Python API, ``dancekit.identify(path | bytes | file object | array, sample_rate=)``.

Why child processes: the API runs in the caller's process, so a segfault or a runaway allocation
takes the caller with it. Cases run one after another in a worker process that announces each
case before it starts (``@start i``) and reports it when done (``@done {...}``); when the worker
dies, hangs or grows past the memory limit, the case it had announced is the culprit, and a new
worker carries on with the rest. The model is loaded and warmed up before the first case, so a
case's time is its own.

    python -m dancekit.fuzzing.api JOBS.pickle [MODEL]     (the worker; the harness starts it)
"""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np

import dancekit
from dancekit.errors import DancekitError
from dancekit.fuzzing import filesystem
from dancekit.fuzzing.canary import Canary, token
from dancekit.fuzzing.cases import ARRAY, FILE, FS, Case
from dancekit.fuzzing.outcomes import (CRASH, HANG, MEMORY, TRACEBACK, Run, Verdict, canary_verdict, judge_exception,
                                       judge_exit, judge_record)
from dancekit.fuzzing.watch import Limits, Watched

TARGET = "api"
#: Ways a file case is handed to the API: a path, its bytes, a named binary file object (as the web
#: server does with uploads, whose name is the client's).
FILE_MODES = ("path", "bytes", "fileobj")
#: Seconds a worker may take to import torch, load the model and warm up before its first case.
STARTUP_S = 180.0
_MARK = "@@fuzz-case "


def jobs_for(cases: list[Case], modes: tuple[str, ...] = FILE_MODES,
             every_mode_families: tuple[str, ...] | None = None) -> list[tuple[Case, str]]:
    """(case, mode) pairs this target runs: arrays, file-system paths, and file cases in ``modes``.

    With ``every_mode_families``, only file cases of those families run in every mode; the others
    take the modes in turn (a third of the cost, and still each format and family in each mode).

    Parameters
    ----------
    cases : list of Case
        Cases of any kind; those the API target does not run are left out.
    modes : tuple of str
        How file cases are handed over (``path``, ``bytes``, ``fileobj``).
    every_mode_families : tuple of str, optional
        Families whose file cases run in every mode.

    Returns
    -------
    list of (Case, str)
    """
    jobs = []
    turn = 0
    for case in cases:
        if case.kind == ARRAY:
            jobs.append((case, "array"))
        elif case.kind == FS:
            jobs.append((case, "path"))
        elif case.kind == FILE:
            if every_mode_families is None or case.family in every_mode_families:
                jobs.extend((case, m) for m in modes)
            else:
                jobs.append((case, modes[turn % len(modes)]))
                turn += 1
    return jobs


def run(cases: list[Case], *, canary: Canary, workdir: Path, model: str | None = None, limits: Limits = Limits(),
        modes: tuple[str, ...] = FILE_MODES, every_mode_families: tuple[str, ...] | None = None,
        log=None) -> list[Run]:
    """Run every applicable case through ``dancekit.identify`` and judge each run.

    Parameters
    ----------
    cases : list of Case
        Cases of any kind; those the API cannot take (WebSocket, HTTP) are skipped.
    canary : Canary
        Fills in playlist placeholders and tells which runs fetched something.
    workdir : Path
        Scratch folder for case files (one subfolder per run).
    model : str, optional
        Model name or folder (default: the built-in dance model).
    limits : Limits
        Per-case time and memory limits.
    modes : tuple of str
        How file cases are handed over (``path``, ``bytes``, ``fileobj``).
    every_mode_families : tuple of str, optional
        Families whose file cases run in every mode; the others take the modes in turn (default:
        every family in every mode).
    log : callable, optional
        Called with a line of progress now and then.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    canary.copy_to(workdir)
    pairs = jobs_for(cases, modes, every_mode_families)
    jobs = []
    for i, (case, mode) in enumerate(pairs):
        tok = token(TARGET, mode, case.id)
        job = {"i": i, "mode": mode, "filename": case.filename, "argument": case.argument}
        if mode == "array":
            job.update(array=case.array, sample_rate=case.sample_rate)
        else:
            data = canary.render(case.data, tok) if case.data is not None else None
            if mode == "path":
                job["path"] = filesystem.materialise(case, workdir / f"{i:05d}", data)
            else:
                job["data"] = data
        jobs.append(job)
    verdicts: dict[int, tuple[Verdict, float]] = {}
    remaining = list(jobs)
    while remaining:
        before = len(verdicts)
        done = _run_worker(remaining, workdir, model, limits, pairs, verdicts, log)
        remaining = [j for j in remaining if j["i"] not in verdicts]
        if len(verdicts) == before:
            raise RuntimeError(f"api worker made no progress on {len(remaining)} runs")
        if not done and remaining and log:
            log(f"api: worker restarted, {len(remaining)} runs left")
    filesystem.cleanup()
    runs = []
    for i, (case, mode) in enumerate(pairs):
        verdict, seconds = verdicts[i]
        verdict = canary_verdict(verdict, canary.hits(token(TARGET, mode, case.id)))
        runs.append(Run.of(TARGET, mode, case, verdict, seconds))
    return runs


def _run_worker(jobs: list[dict], workdir: Path, model: str | None, limits: Limits, pairs, verdicts, log) -> bool:
    """One worker over ``jobs``; records verdicts; False when it died early (the rest is left to redo)."""
    job_file = workdir / "jobs.pickle"
    with open(job_file, "wb") as f:
        pickle.dump(jobs, f)
    argv = [sys.executable, "-m", "dancekit.fuzzing.api", str(job_file), model or ""]
    current, started = None, 0.0
    finished: list[int] = []
    with Watched(argv, cwd=workdir, env=_child_env()) as w:
        while True:
            deadline = started + limits.seconds if current is not None else w.started + STARTUP_S
            event, value = w.next_event(deadline, limits.rss_bytes)
            now = time.monotonic()
            if event == "line":
                if value.startswith("@start "):
                    current, started = int(value.split()[1]), now
                elif value.startswith("@done "):
                    report = json.loads(value[6:])
                    case = pairs[report["i"]][0]
                    verdicts[report["i"]] = (_judge(case, report), now - started)
                    finished.append(report["i"])
                    current = None
                    if log and len(verdicts) % 100 == 0:
                        log(f"api: {len(verdicts)}/{len(pairs)} runs")
                continue
            if current is None:
                if all(j["i"] in verdicts for j in jobs):
                    break  # every job done (however the worker ended afterwards)
                w.kill()
                raise RuntimeError(f"api worker failed outside a case ({event} {value}): {w.stderr[-2000:]}")
            case = pairs[current][0]
            if event == "hang":
                w.kill()
                verdicts[current] = (Verdict(HANG, f"no answer after {limits.seconds:g} s"), now - started)
            elif event == "memory":
                w.kill()
                verdicts[current] = (Verdict(MEMORY, f"resident memory {value / 2**20:.0f} MB "
                                                     f"(limit {limits.rss_bytes / 2**20:.0f} MB)"), now - started)
            else:
                code = w.close()
                verdict = judge_exit(code if code is not None else -9, "", _segment(w.stderr, current))
                verdicts[current] = (Verdict(CRASH if verdict.outcome != TRACEBACK else TRACEBACK,
                                             f"worker died: {verdict.detail}"), now - started)
            finished.append(current)
            break
        stderr = w.stderr
    for i in finished:  # a traceback printed by the library (a thread, a warning) is a failure too
        verdict, seconds = verdicts[i]
        if not verdict.bad and "Traceback" in _segment(stderr, i):
            verdicts[i] = (Verdict(TRACEBACK, f"'Traceback' on stderr ({verdict.detail})"), seconds)
    return current is None


def _segment(stderr: str, i: int) -> str:
    """What the worker printed on stderr while it ran job ``i``."""
    start = stderr.find(f"{_MARK}{i}\n")
    if start < 0:
        return ""
    end = stderr.find(_MARK, start + len(_MARK))
    return stderr[start + len(f"{_MARK}{i}\n") : end if end >= 0 else len(stderr)]


def _judge(case: Case, report: dict) -> Verdict:
    if "error" in report:
        e = report["error"]
        return judge_exception(case, e["type"], e["message"], e["dancekit"], e["argument"])
    return judge_record(case, report["record"], report.get("text", ""))


def _child_env() -> dict:
    env = dict(os.environ)
    env.setdefault("PYTHONFAULTHANDLER", "1")
    return env


# -- the worker -------------------------------------------------------------------------------------


def _warm_up(identify, model) -> None:
    sr = 22050
    t = np.arange(8 * sr) / sr
    clicks = (np.sin(2 * np.pi * 440 * t) * np.exp(-30 * np.mod(t, 0.5))).astype(np.float32) * 0.5
    identify(clicks, model=model, sample_rate=sr)


def worker_main(argv: list[str] | None = None) -> int:
    """Run the jobs of a pickle file through ``dancekit.identify``, announcing and reporting each.

    Parameters
    ----------
    argv : list of str, optional
        ``[job_file, model]`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    args = sys.argv[1:] if argv is None else argv
    with open(args[0], "rb") as f:
        jobs = pickle.load(f)
    model = (args[1] if len(args) > 1 else "") or None
    _warm_up(dancekit.identify, model)
    for job in jobs:
        i = job["i"]
        sys.stderr.write(f"\n{_MARK}{i}\n")
        sys.stderr.flush()
        print(f"@start {i}", flush=True)
        try:
            mode = job["mode"]
            if mode == "array":
                result = dancekit.identify(job["array"], model=model, sample_rate=job["sample_rate"])
            elif mode == "path":
                result = dancekit.identify(job["path"], model=model)
            elif mode == "bytes":
                result = dancekit.identify(job["data"], model=model)
            else:
                f = io.BytesIO(job["data"])
                f.name = job["filename"]  # what an upload looks like: a file object named by the client
                result = dancekit.identify(f, model=model)
        except Exception as err:  # noqa: BLE001 (every exception is judged, none may escape)
            report = {"i": i, "error": {"type": type(err).__name__, "message": str(err),
                                        "dancekit": isinstance(err, DancekitError),
                                        "argument": isinstance(err, (ValueError, TypeError))}}
        else:
            try:
                text = json.dumps(result.to_dict())
                report = {"i": i, "record": json.loads(text), "text": text}
            except Exception as err:  # noqa: BLE001
                report = {"i": i, "error": {"type": type(err).__name__, "dancekit": False, "argument": False,
                                            "message": f"the result cannot be turned into JSON: {err}"}}
        print("@done " + json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(worker_main())
