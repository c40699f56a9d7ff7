"""Target: the command line, ``dancekit identify --json FILE...``, many files per process.

Why batches: starting the CLI (torch, the model, the beat tracker's compilation) costs 10-20 s on
a small machine, and the CLI is built to carry on after a bad file and print one JSON record per
file, so one process takes a batch of cases. The progress bar it draws on stderr for several files
says which file it is on (``TQDM_MININTERVAL=0`` makes it redraw on every file); when a batch
crashes, hangs or blows up, that file is the culprit, it gets the verdict, and the others run again
as a new batch. When the culprit cannot be told, the batch is split in halves (bisection).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import deque
from pathlib import Path

from dancekit.fuzzing import filesystem
from dancekit.fuzzing.canary import Canary, token
from dancekit.fuzzing.cases import FILE, FS, Case
from dancekit.fuzzing.outcomes import (HANG, MEMORY, TRACEBACK, Run, Verdict, canary_verdict, judge_exit,
                                       judge_record)
from dancekit.fuzzing.watch import Limits, Watched

TARGET = "cli"
MODE = "batch"
#: Seconds for the CLI to start (imports, model) on top of the first file's limit.
STARTUP_S = 120.0
_PROGRESS = re.compile(r"(\d+)/(\d+) \[")


def run(cases: list[Case], *, canary: Canary, workdir: Path, model: str | None = None, limits: Limits = Limits(),
        batch_size: int = 150, log=None) -> list[Run]:
    """Run every file and file-system case through ``dancekit identify --json`` and judge each.

    Parameters
    ----------
    cases : list of Case
        Cases of any kind; those the CLI cannot take (arrays, WebSocket, HTTP) are skipped.
    canary : Canary
        Fills in playlist placeholders and tells which runs fetched something.
    workdir : Path
        Scratch folder for the files (one subfolder per case); the CLI runs in it.
    model : str, optional
        ``--model`` (default: the CLI's own default, the built-in dance model).
    limits : Limits
        Per-file time and memory limits (memory of the whole CLI process).
    batch_size : int
        Files per CLI process.
    log : callable, optional
        Called with a line of progress now and then.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    canary.copy_to(workdir)
    mine = [c for c in cases if c.kind in (FILE, FS)]
    paths = []
    for i, case in enumerate(mine):
        data = canary.render(case.data, token(TARGET, MODE, case.id)) if case.data is not None else None
        paths.append(filesystem.materialise(case, workdir / f"{i:05d}", data))
    verdicts: dict[int, tuple[Verdict, float]] = {}
    todo = deque(list(range(i, min(i + batch_size, len(mine)))) for i in range(0, len(mine), batch_size))
    processes = 0
    while todo:
        batch = todo.popleft()
        processes += 1
        for again in _run_batch(batch, mine, paths, workdir, model, limits, verdicts):
            todo.append(again)
        if log:
            log(f"cli: {len(verdicts)}/{len(mine)} files judged, {processes} processes")
    filesystem.cleanup()
    runs = []
    for i, case in enumerate(mine):
        verdict, seconds = verdicts[i]
        verdict = canary_verdict(verdict, canary.hits(token(TARGET, MODE, case.id)))
        runs.append(Run.of(TARGET, MODE, case, verdict, seconds))
    return runs


def _env() -> dict:
    env = dict(os.environ)
    env.update(TQDM_MININTERVAL="0", TQDM_MINITERS="1", PYTHONFAULTHANDLER="1")
    return env


def _run_batch(batch: list[int], cases: list[Case], paths: list[str], workdir: Path, model, limits: Limits,
               verdicts: dict) -> list[list[int]]:
    """Run one CLI process over ``batch``; record what can be judged; return batches to run again."""
    argv = [sys.executable, "-m", "dancekit", "identify", "--json"]
    if model:
        argv += ["--model", str(model)]
    argv += [paths[i] for i in batch]
    n = len(batch)
    stdout: list[str] = []
    with Watched(argv, cwd=workdir, env=_env()) as w:
        last_count, last_time = -1, w.started + STARTUP_S
        marks: list[float] = []  # when each file started, from the progress bar
        while True:
            event, value = w.next_event(last_time + limits.seconds, limits.rss_bytes, tick=0.2)
            count = _progress(w.stderr, n)
            if count is not None and count > last_count:
                now = time.monotonic()
                marks += [now] * (count - last_count)
                last_count, last_time = count, now
            if event == "line":
                stdout.append(value)
            elif event == "tick":
                continue
            else:
                break
        if event in ("hang", "memory"):
            w.kill()
            code = None
        else:
            code = value
        stderr = w.stderr
    elapsed = time.monotonic() - w.started
    text = "\n".join(stdout)
    records = _records(text)
    if event == "exit" and code in (0, 3) and records is not None and len(records) == n:
        starts = marks if len(marks) >= n else [w.started] * n
        for j, i in enumerate(batch):
            end = starts[j + 1] if j + 1 < len(starts) else time.monotonic()
            record = records[j]
            verdicts[i] = (judge_record(cases[i], record, json.dumps(record, allow_nan=True)),
                           end - starts[j] if len(marks) >= n else elapsed / n)
        _blame_tracebacks(batch, cases, stderr, verdicts)
        return []
    done = _progress(stderr, n)
    culprit = 0 if n == 1 else (done if done is not None and done < n else None)
    if culprit is None:
        half = n // 2
        return [batch[:half], batch[half:]]
    i = batch[culprit]
    seconds = time.monotonic() - (marks[culprit] if culprit < len(marks) else w.started)
    if event == "hang":
        verdicts[i] = (Verdict(HANG, f"no answer after {limits.seconds:g} s"), seconds)
    elif event == "memory":
        verdicts[i] = (Verdict(MEMORY, f"resident memory {value / 2**20:.0f} MB "
                                       f"(limit {limits.rss_bytes / 2**20:.0f} MB)"), seconds)
    else:
        verdict = judge_exit(code, text, stderr)
        if verdict.outcome == "clean_error" and n > 1:
            verdict = Verdict("crash", f"one bad file stopped the whole run: {verdict.detail}")
        verdicts[i] = (verdict, seconds)
    rest = batch[:culprit] + batch[culprit + 1 :]
    return [rest] if rest else []


def _progress(stderr: str, n: int) -> int | None:
    """How many files the progress bar says are done (None when it has not drawn for ``n`` files)."""
    done = None
    for m in _PROGRESS.finditer(stderr):
        if int(m.group(2)) == n:
            done = int(m.group(1))
    return done


def _records(text: str) -> list | None:
    """The JSON records the CLI printed: one array (as today), or one object per line."""
    text = text.strip()
    if not text:
        return None
    try:
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    except ValueError:
        pass
    records = []
    for line in text.splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            return None
    return records


def _blame_tracebacks(batch: list[int], cases: list[Case], stderr: str, verdicts: dict) -> None:
    """A 'Traceback' on stderr belongs to the file the progress bar was on when it was printed."""
    pos = stderr.find("Traceback")
    n = len(batch)
    while pos >= 0:
        before = [int(m.group(1)) for m in _PROGRESS.finditer(stderr[:pos]) if int(m.group(2)) == n]
        j = min(before[-1], n - 1) if before else 0
        verdict, seconds = verdicts[batch[j]]
        if not verdict.bad:
            verdicts[batch[j]] = (Verdict(TRACEBACK, f"'Traceback' on stderr ({verdict.detail})"), seconds)
        pos = stderr.find("Traceback", pos + 1)
