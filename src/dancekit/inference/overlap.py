"""Classifying a file's segments in a worker thread while the caller decodes the rest and measures tempo.

Why: identifying a file does three kinds of work, decoding and the spectrogram (one core), the network
(ONNX Runtime's threads, about two thirds of the CPU time) and tempo and meter (after the last frame).
Done one after the other, a 2-core machine leaves a core idle while it decodes and while it measures
tempo. The network's runtimes (ONNX Runtime, torch) release the GIL while they compute, so a batch
classified in a worker thread runs beside the next chunk's decode and beside the rhythm analysis.

Each batch is classified exactly as it would be in the caller's thread, and the probabilities come back
in the order the batches went in, so the answer is the same to the bit.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

import numpy as np


class BackgroundClassifier:
    """Batches of segments in, their probabilities out in the same order; one worker thread.

    Parameters
    ----------
    classify : callable
        ``classify(segments [k, bins, frames]) -> probabilities [k, C]``, e.g.
        ``Identifier.segments_to_probabilities``; called in the worker thread, one batch at a time.
    """

    def __init__(self, classify: Callable[[np.ndarray], np.ndarray]):
        self._classify = classify
        self._pool: ThreadPoolExecutor | None = None  # started by the first batch
        self._queue: deque[tuple[Future, list[int]]] = deque()

    @property
    def pending(self) -> int:
        """Batches submitted and not yet handed back."""
        return len(self._queue)

    def submit(self, segments: np.ndarray, starts: list[int]) -> None:
        """Start classifying a batch (the call returns at once).

        Parameters
        ----------
        segments : np.ndarray
            ``[k, bins, frames]``; not to be changed by the caller afterwards.
        starts : list of int
            Their first frames, handed back with the probabilities.
        """
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dancekit-network")
        self._queue.append((self._pool.submit(self._classify, segments), starts))

    def done(self) -> list[tuple[np.ndarray, list[int]]]:
        """The batches finished so far that no earlier batch is still waiting for, in order (never waits).

        Returns
        -------
        list of (np.ndarray, list of int)
            Each batch's ``[k, C]`` probabilities and its starts.
        """
        out = []
        while self._queue and self._queue[0][0].done():
            future, starts = self._queue.popleft()
            out.append((future.result(), starts))
        return out

    def wait(self) -> list[tuple[np.ndarray, list[int]]]:
        """Every batch not yet handed back, in order, waiting for those still running.

        Returns
        -------
        list of (np.ndarray, list of int)
            As :meth:`done`. A batch whose classification raised raises here.
        """
        out = []
        while self._queue:
            future, starts = self._queue.popleft()
            out.append((future.result(), starts))
        return out

    def close(self) -> None:
        """Drop the batches not yet started and end the worker thread (made again if needed).

        The thread is joined unless a batch is still running (a caller giving up on an error should not
        wait for it): after :meth:`wait`, no worker is left behind.
        """
        running = any(not future.done() for future, _ in self._queue)
        self._queue.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=not running, cancel_futures=True)
            self._pool = None
