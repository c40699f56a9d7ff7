"""The scan loop: which files still need an answer, decoding them in a process pool ahead of the model,
classifying their segments in shared batches, and committing every answer as soon as it exists.

    paths --discover--> media files --stat/hash cache--> files without an answer for this model
    files --decode workers (processes)--> segments, tempo, meter of each file
    segments of several files --one forward pass--> probabilities --sessions--> answers
    answers --> SQLite (committed one by one)

The workers compute everything but the network (front end, segments, tempo and meter, in numpy:
:mod:`dancekit.scan.preparing`), so the process holding the model does nothing else.

A second scan of the same library finds every answer in the store and does nothing; a scan that was
killed continues where it stopped. The source of answers is pluggable (:class:`LocalWorkers` here;
a Ray cluster in :mod:`dancekit.scan.cluster`): the store is only ever written by this loop.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from dancekit.inference.limits import MAX_DURATION_S
from dancekit.scan.batching import CrossFileBatcher, identify_samples
from dancekit.scan.decoding import ERROR, NOT_AUDIO, Decoded, decode_file, worker_init
from dancekit.scan.preparing import prepare_file
from dancekit.scan.rows import ModelKey, row_from_failure, row_from_result
from dancekit.scan.store import ScanStore


@dataclass(frozen=True)
class ScanOptions:
    """How recordings are identified and files decoded.

    Parameters
    ----------
    stride : int or None
        Frames between segments (None: the model's default).
    rhythm : bool
        Measure tempo and meter.
    tempo_prior : bool
        Let tempo and meter weigh in on the answer.
    max_duration : float or None
        Refuse recordings longer than this many seconds.
    workers : int
        Decode processes; 0 decodes in the calling process.
    retry_errors : bool
        Try again the files that failed to decode in an earlier scan.
    analyse_in_workers : bool
        The decode processes compute the front end (numpy, on their CPU), segments, tempo and meter;
        False sends the samples to the model's process, which computes them itself (its front end on
        its device: torch on a GPU), one file after another. The answers are the same either way.
    """

    stride: int | None = None
    rhythm: bool = True
    tempo_prior: bool = True
    max_duration: float | None = MAX_DURATION_S
    workers: int = 1
    retry_errors: bool = False
    analyse_in_workers: bool = True


@dataclass
class Outcome:
    """What a source of answers gives back for one file.

    Parameters
    ----------
    decoded : Decoded
        The file's path, size, time and hash; ``status`` and ``message`` when it was not decoded.
    result : IdentifyResult or None
        The answer; None when the file failed or was not analysed (``reused``).
    reused : bool
        The recording's answer was in the store already (the same bytes under another path).
    """

    decoded: Decoded
    result: Any = None
    reused: bool = False


@dataclass
class ScanSummary:
    """What one scan did.

    Attributes
    ----------
    files : list of str
        Every media file of the scan, in discovery order (the exports' rows).
    analysed : int
        Recordings identified by this scan.
    reused : int
        Files whose answer was in the store already.
    not_audio : list of (str, str)
        Files that are not recordings, with the decoder's reason.
    errors : list of (str, str)
        Files that could not be read or decoded, with the reason.
    audio_seconds : float
        Length of the recordings identified by this scan.
    seconds : float
        Wall time of the scan.
    """

    files: list[str] = field(default_factory=list)
    analysed: int = 0
    reused: int = 0
    not_audio: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    audio_seconds: float = 0.0
    seconds: float = 0.0


def _pool_context():
    # fork would copy a process holding torch's thread pools, and a forkserver outlives a killed scan;
    # spawned workers are the scan's own children, which end with it (see decoding.worker_init).
    return multiprocessing.get_context("spawn")


class _InlineExecutor:
    """``submit`` runs the call at once: ``workers=0`` (a Ray actor, a debugger) without a pool."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class LocalWorkers:
    """Answers computed on this machine: a pool of decode processes and one model in this process.

    Parameters
    ----------
    identifier : Identifier
        The model; its ``batch_size`` is the number of segments per forward pass.
    options : ScanOptions
        Decoding and identification options.
    note : callable, optional
        ``note(line)`` for what the user should hear of (a crashed decoder).
    """

    def __init__(self, identifier, options: ScanOptions, note: Callable[[str], None] | None = None):
        self.identifier = identifier
        self.options = options
        self.note = note or (lambda line: None)

    @property
    def key(self) -> ModelKey:
        """The model and options these answers are given with."""
        o = self.options
        return ModelKey.for_identifier(self.identifier, o.stride, o.rhythm, o.tempo_prior)

    def _executor(self):
        if self.options.workers == 0:
            return _InlineExecutor()
        return ProcessPoolExecutor(self.options.workers, mp_context=_pool_context(), initializer=worker_init)

    def outcomes(self, paths: list[str], known: Callable[[Decoded], bool]) -> Iterator[Outcome]:
        """Decode and identify ``paths``; yield each file's outcome as soon as it exists.

        Parameters
        ----------
        paths : list of str
            The files to answer.
        known : callable
            ``known(decoded)``: True when the file's hash already has an answer (it is then not
            identified again).

        Returns
        -------
        iterator of Outcome
            One per path (a path whose decoder process crashed is reported by ``note`` instead,
            and left for the next scan).
        """
        opts = self.options
        todo = deque(paths)
        ahead = 2 * max(1, opts.workers)  # decoded files waiting for the model, at most
        in_flight: dict[Future, str] = {}
        batcher = CrossFileBatcher(self.identifier)
        job, *job_args = self._job()
        executor = self._executor()
        try:
            while todo or in_flight or len(batcher):
                while todo and len(in_flight) < ahead:
                    path = todo.popleft()
                    in_flight[executor.submit(job, path, *job_args)] = path
                done = set()
                if in_flight:  # with answers to compute, only take what is decoded already
                    done, _ = wait(in_flight, timeout=0 if len(batcher) else None, return_when=FIRST_COMPLETED)
                for future in done:
                    path = in_flight.pop(future)
                    try:
                        decoded = future.result()
                    except BrokenProcessPool:
                        executor = self._restart(executor, [path, *in_flight.values()])
                        in_flight.clear()
                        break
                    outcome = self._take(decoded, batcher, known)
                    if outcome is not None:
                        yield outcome
                if len(batcher) and (batcher.full or not done or not (todo or in_flight)):
                    for result, decoded in batcher.run():
                        yield _answered(decoded, result)
        except BaseException:  # Ctrl-C, an error, or the caller stopped early: do not wait for workers
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        # Done: the workers are idle, so waiting costs nothing, and a pool left to the interpreter's exit
        # makes Python 3.11 print "Exception ignored ... Bad file descriptor" (its wake-up pipe is closed).
        executor.shutdown(wait=True)

    def _job(self) -> tuple:
        """What a worker runs on each path, and its arguments after the path."""
        opts = self.options
        if opts.analyse_in_workers:
            return prepare_file, self.identifier.segment_plan(opts.stride, opts.rhythm), opts.max_duration
        return decode_file, self.identifier.sample_rate, opts.max_duration

    def _take(self, decoded: Decoded, batcher: CrossFileBatcher, known) -> Outcome | None:
        if decoded.status is not None:
            return Outcome(decoded)
        if known(decoded):
            return Outcome(_without_samples(decoded), reused=True)
        opts = self.options
        if decoded.prepared is not None:
            session = self.identifier.session(decoded.path, live=False, stride=opts.stride, rhythm=opts.rhythm,
                                              tempo_prior=opts.tempo_prior, collect=True, prepared=decoded.prepared)
        else:
            session = identify_samples(self.identifier, decoded.samples, decoded.path, stride=opts.stride,
                                       rhythm=opts.rhythm, tempo_prior=opts.tempo_prior)
        batcher.add(session, _without_samples(decoded))
        return None

    def _restart(self, executor, lost: list[str]):
        executor.shutdown(wait=False, cancel_futures=True)
        self.note(f"a decoder process crashed on one of {len(lost)} files ({', '.join(lost)}); "
                  "they are left for the next scan")
        return self._executor()


def _without_samples(decoded: Decoded) -> Decoded:
    decoded.samples = decoded.prepared = None  # the session has them now: no second copy per waiting file
    return decoded


def _answered(decoded: Decoded, result) -> Outcome:
    if isinstance(result, Exception):  # no samples after all: an error, not an answer
        decoded.status, decoded.message = ERROR, str(result)
        return Outcome(decoded)
    return Outcome(decoded, result)


def plan(paths: list[str], store: ScanStore, key: ModelKey, retry_errors: bool = False,
         on_error: Callable[[str, str], None] | None = None) -> tuple[list[str], int]:
    """Which files still need an answer: those whose cached hash has no result for ``key``.

    Parameters
    ----------
    paths : list of str
        The scan's files.
    store : ScanStore
        Earlier answers.
    key : ModelKey
        The model and options of this scan.
    retry_errors : bool
        Count files that failed before as still to do.
    on_error : callable, optional
        ``on_error(path, message)`` for a file that cannot even be looked at (it is left out).

    Returns
    -------
    todo : list of str
        The files to decode and identify, in the given order.
    reused : int
        How many already have an answer.
    """
    todo, reused = [], 0
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as err:
            if on_error:
                on_error(path, f"could not read {path}: {err.strerror or err}")
            continue
        cached = store.cached_hash(path, st.st_size, st.st_mtime_ns)
        if cached is not None and store.has_result(cached, key, retry_errors):
            reused += 1
        else:
            todo.append(path)
    return todo, reused


def scan_files(paths: list[str], store: ScanStore, source, *, retry_errors: bool = False,
               note: Callable[[str], None] | None = None, progress: Callable[[int], Any] | None = None) -> ScanSummary:
    """Give every file of ``paths`` an answer in ``store``, computing only the missing ones.

    Parameters
    ----------
    paths : list of str
        Media files (see :func:`dancekit.scan.discovery.discover`).
    store : ScanStore
        Where answers are read from and committed to, one by one.
    source : LocalWorkers or RayWorkers
        What computes the answers: its ``key`` (:class:`ModelKey`) and ``outcomes(paths, known)``.
    retry_errors : bool
        Decode again the files that failed in an earlier scan.
    note : callable, optional
        ``note(line)``: one line per file that is not audio or failed.
    progress : callable, optional
        ``progress(total)`` returns a bar with ``update(n)`` and ``close()`` (a ``tqdm``).

    Returns
    -------
    ScanSummary
        Counts, failures and timing. An interrupt (Ctrl-C) propagates; what was committed stays.
    """
    note = note or (lambda line: None)
    key = source.key
    started = time.perf_counter()
    summary = ScanSummary(files=list(paths))

    def failed(path: str, message: str) -> None:
        summary.errors.append((path, message))
        note(f"error: {message}")

    todo, summary.reused = plan(paths, store, key, retry_errors, failed)
    known = lambda d: store.has_result(d.file_hash, key, retry_errors)  # noqa: E731
    bar = progress(len(todo)) if progress else None
    try:
        for outcome in source.outcomes(todo, known):
            _record(outcome, store, key, summary, note, failed)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        summary.seconds = time.perf_counter() - started
    return summary


def _record(outcome: Outcome, store: ScanStore, key: ModelKey, summary: ScanSummary, note, failed) -> None:
    d = outcome.decoded
    if not d.file_hash:  # could not even be read: nothing to remember it by
        failed(d.path, d.message)
        return
    store.remember_file(d.path, d.size, d.mtime_ns, d.file_hash)
    if outcome.reused:
        summary.reused += 1
    elif d.status is not None:
        store.add_result(d.file_hash, key, row_from_failure(d.status, d.message, key))
        if d.status == NOT_AUDIO:
            summary.not_audio.append((d.path, d.message))
            note(f"skipped: {d.message}")
        else:
            failed(d.path, d.message)
    else:
        store.add_result(d.file_hash, key, row_from_result(outcome.result, key))
        summary.analysed += 1
        summary.audio_seconds += outcome.result.duration_s
