"""The scan on a Ray cluster: files sharded over actors, each loading the model once.

Only the answers travel: each actor reads its files by path (the library must be mounted at the same
path on every node), decodes them, and classifies their segments in shared batches exactly as a local
scan does (:class:`~dancekit.scan.engine.LocalWorkers` inside the actor, without a decode pool:
the actors are the parallelism). The driver hands out small shards, keeps every actor busy, and
commits each answer to the SQLite store as it arrives, so resuming works as for a local scan.

``ray`` is an optional dependency (``pip install 'dancekit[ray]'``), imported when a cluster is used.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Callable, Iterator

from dancekit.cli_types import UsageError
from dancekit.scan.decoding import Decoded
from dancekit.scan.engine import LocalWorkers, Outcome, ScanOptions

#: Files per task handed to an actor: small enough to spread the work evenly, large enough for shared batches.
SHARD_FILES = 8
#: Shards queued per actor, so that an actor never waits for the driver.
SHARDS_AHEAD = 2


def import_ray():
    """The ``ray`` module, or a one-line usage error saying how to install it.

    Returns
    -------
    module
        ``ray``.
    """
    try:
        import ray
    except ImportError:
        raise UsageError("--ray needs the ray package: pip install 'dancekit[ray]'") from None
    return ray


class ScanActor:
    """One model on one cluster worker, answering shards of files (run as a Ray actor).

    Parameters
    ----------
    model : str or None
        Built-in model name or model folder, as the worker node sees it.
    device : str
        Torch device on the worker.
    options : ScanOptions
        Decoding and identification options.
    batch_size : int
        Segments per forward pass.
    """

    def __init__(self, model, device: str, options: ScanOptions, batch_size: int):
        from dancekit.inference import Identifier

        identifier = Identifier(model, device=device, batch_size=batch_size)
        self.local = LocalWorkers(identifier, replace(options, workers=0))

    def key(self):
        """The :class:`~dancekit.scan.rows.ModelKey` of this actor's model and options.

        Returns
        -------
        ModelKey
        """
        return self.local.key

    def answer(self, paths: list[str]) -> list[Outcome]:
        """Decode and identify a shard of files.

        Parameters
        ----------
        paths : list of str
            Files, by paths valid on this node.

        Returns
        -------
        list of Outcome
            One per file, failures included.
        """
        return list(self.local.outcomes(paths, lambda decoded: False))


class RayWorkers:
    """Answers computed by actors of a Ray cluster; the drop-in for :class:`LocalWorkers`.

    Parameters
    ----------
    address : str
        ``ray.init``'s address: ``auto`` (the cluster this machine belongs to), ``ray://HOST:10001``
        (Ray Client), or ``local`` (start a cluster on this machine). When Ray is initialised already
        (a test, a notebook), that cluster is used.
    model : str or None
        Built-in model name or model folder, as the worker nodes see it.
    device : str
        Torch device on the workers (``cuda`` gives each actor one GPU).
    options : ScanOptions
        Decoding and identification options (``workers`` is ignored: actors decode their own files).
    batch_size : int
        Segments per forward pass in each actor.
    actors : int, optional
        How many actors; by default one per CPU of the cluster (one per GPU with ``cuda``).
    note : callable, optional
        ``note(line)`` for what the user should hear of.
    """

    def __init__(self, address: str, model, device: str, options: ScanOptions, batch_size: int,
                 actors: int | None = None, note: Callable[[str], None] | None = None):
        self.ray = import_ray()
        self.note = note or (lambda line: None)
        if not self.ray.is_initialized():
            _check_reachable(address)
            try:
                self.ray.init(address=None if address == "local" else address, include_dashboard=False,
                              logging_level=logging.WARNING, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as err:
                first = str(err).splitlines()[0] if str(err) else type(err).__name__
                raise UsageError(f"--ray {address}: cannot reach the cluster ({first})") from None
        gpus = device.startswith("cuda")
        resources = self.ray.cluster_resources()
        count = actors or max(1, int(resources.get("GPU" if gpus else "CPU", 1)))
        remote = self.ray.remote(num_cpus=1, num_gpus=1 if gpus else 0)(ScanActor)
        self.actors = [remote.remote(model, device, options, batch_size) for _ in range(count)]
        try:
            self._key = self.ray.get(self.actors[0].key.remote())
        except self.ray.exceptions.RayActorError as err:
            self.close()
            raise UsageError(f"--ray: the model could not be loaded on the cluster ({_first_line(err)})") from None

    @property
    def key(self):
        """The model and options the actors answer with (a :class:`~dancekit.scan.rows.ModelKey`)."""
        return self._key

    def outcomes(self, paths: list[str], known: Callable[[Decoded], bool]) -> Iterator[Outcome]:
        """Shard ``paths`` over the actors; yield each file's outcome as its shard comes back.

        Parameters
        ----------
        paths : list of str
            The files to answer, by paths valid on the worker nodes.
        known : callable
            Not consulted on the cluster (an actor cannot read the store); a copy of a recording
            already answered is answered again, and stored under the same hash.

        Returns
        -------
        iterator of Outcome
            One per path; a shard whose actor died is reported by ``note`` and left for the next scan.
        """
        ray = self.ray
        shards = [paths[i : i + SHARD_FILES] for i in range(0, len(paths), SHARD_FILES)]
        pending: dict = {}  # object ref -> (actor, shard)
        idle = [a for a in self.actors for _ in range(SHARDS_AHEAD)]
        while shards or pending:
            while shards and idle:
                actor, shard = idle.pop(), shards.pop(0)
                pending[actor.answer.remote(shard)] = (actor, shard)
            if not pending:  # every actor failed
                self.note(f"no cluster worker left; {sum(map(len, shards))} files are left for the next scan")
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            actor, shard = pending.pop(done[0])
            try:
                outcomes = ray.get(done[0])
            except ray.exceptions.RayError as err:
                self.note(f"a cluster worker failed on {len(shard)} files ({_first_line(err)}); "
                          "they are left for the next scan")
                continue  # the actor may be gone: it gets no more work
            idle.append(actor)
            yield from outcomes

    def close(self) -> None:
        """Stop the actors (the cluster itself stays up)."""
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors = []


#: Seconds to wait for a cluster's head node to accept a connection.
CONNECT_TIMEOUT_S = 10.0


def _check_reachable(address: str) -> None:
    """A HOST:PORT address (``ray://`` or not) must accept a connection: Ray itself retries for minutes."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", "local": Ray answers those at once
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as err:
        raise UsageError(f"--ray {address}: cannot reach the cluster ({err.strerror or err})") from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[-1] if text else type(err).__name__
