"""Wall-clock timing of a call, and the machine it ran on, for the speed benchmarks.

Why the minimum: on a shared machine other work only ever adds time, so the fastest of a few runs
is the best estimate of the code's own cost; the median is kept beside it to show the spread.
"""

from __future__ import annotations

import platform
import statistics
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, ContextManager


def run_times(fn: Callable[[], object], repeats: int) -> list[float]:
    """Seconds each of ``repeats`` calls of ``fn`` took.

    Parameters
    ----------
    fn : callable
        Called without arguments.
    repeats : int
        How many times.

    Returns
    -------
    list of float
    """
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` calls, in seconds (no warm-up call: warm up first where it matters).

    Parameters
    ----------
    fn, repeats
        As for ``run_times``.

    Returns
    -------
    float
    """
    return min(run_times(fn, repeats))


def min_and_median(fn: Callable[[], object], repeats: int) -> dict:
    """One warm-up call, then the fastest and the median of ``repeats`` calls.

    Parameters
    ----------
    fn : callable
        Called without arguments.
    repeats : int
        Timed calls.

    Returns
    -------
    dict
        ``min_s`` and ``median_s``.
    """
    fn()
    runs = run_times(fn, repeats)
    return {"min_s": min(runs), "median_s": statistics.median(runs)}


def cpu_name() -> str:
    """The CPU model (``/proc/cpuinfo``'s model name where there is one).

    Returns
    -------
    str
    """
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_limit(threads: int | None) -> ContextManager:
    """Limit the BLAS thread pools to ``threads`` inside the block (threadpoolctl, when installed).

    Parameters
    ----------
    threads : int or None
        Threads each BLAS pool may use inside the block; None leaves the pools as they are (the
        "default" row of a benchmark).

    Returns
    -------
    context manager
        A no-op one without threadpoolctl or ``threads``.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=threads) if threads else nullcontext()
