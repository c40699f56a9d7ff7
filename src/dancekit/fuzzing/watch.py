"""A child process under a time and a memory limit, its stdout read line by line as it comes.

Why children: a segfault in a decoder, a resampler asked for gigabytes or a read that never
returns must cost one case, not the harness. Every target runs the code under test in a child
that is watched here: its resident memory (with its own children) is sampled every 50 ms and it
is killed past the limit; a caller-supplied deadline turns silence into a hang. Only processes
started here are ever killed, each by its own pid.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil

GB = 1024**3
POLL_S = 0.05


@dataclass(frozen=True)
class Limits:
    """Per-case limits: seconds before a case is a hang, resident bytes before it is a memory blow-up.

    Parameters
    ----------
    seconds : float
        Wall time allowed per case.
    rss_bytes : int
        Resident memory allowed to the child.
    """

    seconds: float = 60.0
    rss_bytes: int = 2 * GB


def _lower_priority_for_oom() -> None:
    """In the child: if the machine runs out of memory, the kernel should pick this process first."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass


class Watched:
    """A started child: ``next_event`` says what it did next (a line, its exit, a hang, a blow-up).

    Parameters
    ----------
    argv : list of str
        The command.
    cwd, env
        Its working folder and environment.
    """

    def __init__(self, argv: list[str], *, cwd=None, env=None):
        self.argv = argv
        self.started = time.monotonic()
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=_lower_priority_for_oom)
        self._ps = psutil.Process(self.proc.pid)
        self._lines: queue.Queue = queue.Queue()
        self._stdout_done = threading.Event()
        self._stderr_chunks: list[str] = []
        self._stderr_lock = threading.Lock()
        self.peak_rss = 0
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stdout(self) -> None:
        for raw in iter(self.proc.stdout.readline, b""):
            self._lines.put(raw.decode("utf-8", errors="replace").rstrip("\n"))
        self._stdout_done.set()

    def _read_stderr(self) -> None:
        fd = self.proc.stderr.fileno()
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            with self._stderr_lock:
                self._stderr_chunks.append(chunk.decode("utf-8", errors="replace"))

    @property
    def stderr(self) -> str:
        """Everything the child wrote to stderr so far."""
        with self._stderr_lock:
            return "".join(self._stderr_chunks)

    def rss(self) -> int:
        """Resident bytes of the child and its own children now (0 once it has gone)."""
        total = 0
        try:
            procs = [self._ps, *self._ps.children(recursive=True)]
        except psutil.Error:
            return 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        self.peak_rss = max(self.peak_rss, total)
        return total

    def next_event(self, deadline: float, rss_limit: int, tick: float | None = None) -> tuple[str, object]:
        """Block until the child prints a line, exits, passes ``deadline`` or ``rss_limit``.

        Parameters
        ----------
        deadline : float
            ``time.monotonic()`` value after which the child hangs.
        rss_limit : int
            Resident bytes after which the child blew up.
        tick : float, optional
            Return ``("tick", None)`` after this many quiet seconds (to move the deadline).

        Returns
        -------
        (str, object)
            ``("line", str)``, ``("exit", returncode)``, ``("hang", seconds)``, ``("memory", bytes)`` or
            ``("tick", None)``.
        """
        woken = time.monotonic() + tick if tick is not None else None
        while True:
            try:
                return "line", self._lines.get(timeout=POLL_S)
            except queue.Empty:
                pass
            rss = self.rss()
            if rss > rss_limit:
                return "memory", rss
            if self._stdout_done.is_set() and self._lines.empty():
                try:
                    return "exit", self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:  # closed stdout but lives on: treat as a hang
                    return "hang", time.monotonic() - self.started
            if time.monotonic() > deadline:
                return "hang", time.monotonic() - self.started
            if woken is not None and time.monotonic() > woken:
                return "tick", None

    def kill(self) -> None:
        """Kill the child and the processes it started, each by pid."""
        try:
            children = self._ps.children(recursive=True)
        except psutil.Error:
            children = []
        for p in [*children, self._ps]:
            try:
                p.kill()
            except psutil.Error:
                pass
        self.close()

    def close(self) -> int | None:
        """Wait for the child (after it exited or was killed) and its readers; its return code."""
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        for t in self._threads:
            t.join(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        return code

    def __enter__(self) -> "Watched":
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.kill()
        else:
            self.close()
