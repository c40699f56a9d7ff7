"""The decode workers' side of a scan: hash one file and decode it, in a process of the pool.

Only ``dancekit.audio`` is loaded here (no torch), so a worker starts fast and stays small. Every
failure comes back as a one-line message in the :class:`Decoded` record, never as an exception: a
bad file must not stop the pool.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from dancekit.data.fingerprint import file_sha256

#: Statuses of a :class:`Decoded` file that could not be decoded.
NOT_AUDIO, ERROR = "not_audio", "error"


@dataclass
class Decoded:
    """One file, hashed and (unless it failed) decoded.

    Attributes
    ----------
    path : str
        The file as the scan named it.
    size : int
        Its size in bytes when hashed.
    mtime_ns : int
        Its modification time when hashed.
    file_hash : str
        ``sha256`` of its bytes, hex; empty when the file could not be read.
    samples : np.ndarray or None
        Mono float32 at the requested rate; None when decoding failed or was not asked for.
    prepared : PreparedRecording or None
        Segments, tempo and meter computed from the samples in the worker (then ``samples`` is None;
        see :mod:`dancekit.scan.preparing`).
    status : str or None
        None when decoded; ``"not_audio"`` (not a recording at all) or ``"error"`` otherwise.
    message : str
        The one-line reason of a failure.
    """

    path: str
    size: int = 0
    mtime_ns: int = 0
    file_hash: str = ""
    samples: np.ndarray | None = None
    prepared: Any = None
    status: str | None = None
    message: str = ""


#: How often a decode worker checks that the scan that started it is still there (seconds).
ORPHAN_CHECK_SECONDS = 0.5
#: Environment variables that give a numerical library one thread in a decode worker.
ONE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker_init() -> None:
    """Start a decode worker: Ctrl-C is the parent's to handle (it stops the pool), not each worker's
    (which would print a traceback per process); and a worker whose scan was killed ends too.

    A killed scan cannot stop its pool, and a pool worker never sees its task queue close (it holds
    both ends), so it would wait for work forever, holding the terminal's output open. A daemon thread
    ends the process once its parent changes (the orphan is adopted).

    Each worker is one of several processes that share the machine's cores, so its BLAS and OpenMP
    libraries get one thread: left at their default (a thread per core in every process), the
    workers' matrix products (the mel filter bank) and the threads spinning after them took the
    cores from one another.
    """
    import signal
    import threading
    import time

    from threadpoolctl import threadpool_limits

    for name in ONE_THREAD_VARIABLES:  # libraries not loaded yet read these when they load
        os.environ[name] = "1"
    threadpool_limits(1)  # the ones already loaded (numpy's BLAS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(0)

    if os.name == "posix":
        threading.Thread(target=watch, daemon=True, name="orphan-watch").start()


def hash_and_stat(path: str | os.PathLike) -> Decoded:
    """Size, modification time and hash of a file, without decoding it.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    Decoded
        With ``samples`` None; ``status`` ``"error"`` and a message when the file cannot be read.
    """
    name = os.fspath(path)
    try:
        st = os.stat(name)
        digest = file_sha256(name)
    except OSError as err:
        return Decoded(name, status=ERROR, message=f"could not read {name}: {err.strerror or err}")
    return Decoded(name, size=st.st_size, mtime_ns=st.st_mtime_ns, file_hash=digest)


def decode_file(path: str | os.PathLike, sr: int, max_duration: float | None) -> Decoded:
    """Hash a file, then decode it to mono float32 at ``sr``.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    sr : int
        The rate the model reads, in Hz.
    max_duration : float or None
        Refuse recordings longer than this many seconds (see :func:`dancekit.audio.stream`).

    Returns
    -------
    Decoded
        The samples, or the reason there are none.
    """
    from dancekit import audio  # the worker's one heavy import, once per process
    from dancekit.errors import AudioError, NoAudioStreamError, NotAudioError

    out = hash_and_stat(path)
    if out.status is not None:
        return out
    try:
        out.samples = audio.load(out.path, sr=sr, max_duration=max_duration)
    except (NotAudioError, NoAudioStreamError) as err:
        out.status, out.message = NOT_AUDIO, str(err)
    except AudioError as err:
        out.status, out.message = ERROR, str(err)
    except Exception as err:  # a decoder bug on one file must not end the scan
        out.status, out.message = ERROR, f"could not decode {out.path}: {type(err).__name__}: {err}"
    return out
