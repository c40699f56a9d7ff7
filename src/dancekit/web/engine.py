"""Models loaded once and shared by every request; recordings identified by a bounded pool.

Identification is CPU-bound (decode, spectrogram, CNN, beat tracking), so it runs in a
fixed number of worker threads outside the event loop, which stays free for uploads, the
live socket and health checks. Requests beyond the workers wait in a queue of fixed length;
past that the server answers 503 at once rather than piling up memory.
"""

from __future__ import annotations

import asyncio
import functools
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, Callable

import numpy as np

from dancekit.inference.pipeline import Identifier
from dancekit.models.card import builtin_models
from dancekit.models.registry import DEFAULT_MODELS
from dancekit.web.errors import NoGenreModel, ServerBusy
from dancekit.web.settings import WebSettings


class JobQueue:
    """At most ``workers`` jobs run at once and ``max_queue`` more wait; the rest are refused.

    Parameters
    ----------
    workers, max_queue : int
        Worker threads, and jobs that may wait for one.
    name : str
        Thread name prefix.
    """

    def __init__(self, workers: int, max_queue: int, name: str = "dancekit-job"):
        self._pool: ThreadPoolExecutor | None = None  # made on first use, again after close()
        self._name = name
        self.workers = workers
        self.capacity = workers + max_queue
        self.active = 0  # running or waiting; touched only on the event loop's thread

    async def run(self, fn: Callable, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` in a worker thread and await its result.

        ``ServerBusy`` (503) at once when the workers and the queue are full.

        Parameters
        ----------
        fn : callable
            The job.
        *args, **kwargs
            Its arguments.

        Returns
        -------
        object
            What ``fn`` returns.
        """
        if self.active >= self.capacity:
            raise ServerBusy(f"server busy: {self.active} recordings are being identified or waiting; "
                             "try again in a few seconds")
        loop = asyncio.get_running_loop()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=self._name)
        future = self._pool.submit(functools.partial(fn, *args, **kwargs))
        self.active += 1
        # Released when the job really ends (not when a client gives up waiting for it), so a
        # burst of abandoned requests cannot push more work into the pool than its capacity.
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(self._release))
        return await asyncio.wrap_future(future)

    def _release(self) -> None:
        self.active -= 1

    def stats(self) -> dict[str, int]:
        """Workers, jobs running or waiting, and the capacity, for the health check.

        Returns
        -------
        dict
        """
        return {"workers": self.workers, "active": self.active, "capacity": self.capacity}

    def close(self) -> None:
        """Drop waiting jobs (the server is stopping); running ones finish in their threads."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _find_builtin(task: str) -> str | None:
    """The task's default model (``DEFAULT_MODELS``) when it is installed."""
    return DEFAULT_MODELS[task] if DEFAULT_MODELS[task] in builtin_models() else None


class Engine:
    """The loaded models, one Identifier each, and the job queue.

    Parameters
    ----------
    settings : WebSettings
        Models, device, workers and queue length.
    """

    def __init__(self, settings: WebSettings):
        self.settings = settings
        self.started = time.monotonic()
        # One Identifier per model: the API's tempo options are options of each call. A name or folder
        # runs as its compiled graph on a CPU (dancekit.inference.loading); a LoadedModel in torch.
        self.dance = Identifier(settings.model or DEFAULT_MODELS["dance"], device=settings.device)
        # None: the built-in genre model if installed; False: serve no genre model.
        genre_source = None if settings.genre_model is False else settings.genre_model or _find_builtin("genre")
        self.genre = None
        if genre_source is not None:
            self.genre = Identifier(genre_source, device=settings.device)
        self.jobs = JobQueue(settings.workers, settings.max_queue)
        if settings.warm_up:
            self.warm_up()

    @property
    def default(self) -> Identifier:
        """The dance model's Identifier (``dancekit identify``'s)."""
        return self.dance

    def identify(self, source: BinaryIO, name: str, task: str = "dance", top: int | None = None,
                 tempo: bool = True, tempo_prior: bool = True) -> dict[str, Any]:
        """The CLI's JSON object for one recording (runs in a worker thread).

        Parameters
        ----------
        source : binary file object
            The upload.
        name : str
            The upload's file name, for the result.
        task : str
            ``"dance"`` or ``"genre"`` (``NoGenreModel`` when none is served).
        top : int, optional
            Classes listed; default the settings' ``top``.
        tempo, tempo_prior : bool
            Measure tempo; weigh the dance answer by it (genres have no tempo table: never).

        Returns
        -------
        dict
            The JSON object ``dancekit identify --json`` prints for one file.
        """
        if task == "genre":
            if self.genre is None:
                raise NoGenreModel()
            # Genre classes have no tempo table, so the network's answer is the answer.
            identifier, options = self.genre, {"rhythm": True, "tempo_prior": False}
        else:
            identifier, options = self.dance, {"rhythm": tempo, "tempo_prior": tempo_prior and tempo}
        result = identifier.identify(source, name=name, max_duration=self.settings.max_duration_s, **options)
        return result.to_dict(top=top or self.settings.top)

    def warm_up(self) -> None:
        """Compile and cache what the first request would otherwise wait for (beat tracking's JIT)."""
        sr = self.dance.sample_rate
        seconds = 8.0
        t = np.arange(int(seconds * sr)) / sr
        clicks = (np.sin(2 * np.pi * 440 * t) * np.exp(-30 * np.mod(t, 0.5))).astype(np.float32) * 0.5
        self.dance.identify(clicks, sample_rate=sr, name="<warm-up>")
        if self.genre is not None:
            self.genre.identify(clicks, sample_rate=sr, name="<warm-up>", tempo_prior=False)

    def close(self) -> None:
        """Stop the job queue (the server is stopping)."""
        self.jobs.close()
