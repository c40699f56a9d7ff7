"""Segments of several recordings in one forward pass: a library of 30 s clips gives six segments each,
too few to fill a batch alone.

Each recording has its own :class:`~dancekit.inference.Session` (front end, tempo, answer), made with
``collect=True`` so that it never runs the network itself; the batcher gathers the sessions'
segments, runs them together, and hands each session its own probabilities back, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class _Waiting:
    session: Any
    segments: np.ndarray | None
    starts: list[int]
    tag: Any


class CrossFileBatcher:
    """Collects finished sessions and classifies their segments together.

    Parameters
    ----------
    identifier : Identifier
        The model; its ``batch_size`` is the forward pass's size.
    """

    def __init__(self, identifier):
        self.identifier = identifier
        self._waiting: list[_Waiting] = []

    @property
    def segments_waiting(self) -> int:
        """How many segments wait for the network."""
        return sum(0 if w.segments is None else len(w.segments) for w in self._waiting)

    @property
    def full(self) -> bool:
        """Whether a whole batch is waiting."""
        return self.segments_waiting >= self.identifier.batch_size

    def __len__(self) -> int:
        return len(self._waiting)

    def add(self, session, tag=None) -> None:
        """Take a session whose audio is all pushed; its segments wait for :meth:`run`.

        Parameters
        ----------
        session : Session
            Made with ``collect=True``.
        tag : any
            Handed back with the session's result.
        """
        session.finish()
        segments, starts = session.take_segments()
        self._waiting.append(_Waiting(session, segments, starts, tag))

    def run(self) -> list[tuple[Any, Any]]:
        """Classify every waiting segment (in forward passes of ``batch_size``) and finish the sessions.

        Returns
        -------
        list of (IdentifyResult or AudioError, tag)
            One per session added since the last run, in the order added; a recording that holds
            no samples gives its error, not an answer.
        """
        waiting, self._waiting = self._waiting, []
        parts = [w.segments for w in waiting if w.segments is not None]
        if parts:
            probabilities = self.identifier.segments_to_probabilities(np.concatenate(parts))
            offset = 0
            for w in waiting:
                if w.segments is not None:
                    w.session.add_probabilities(probabilities[offset : offset + len(w.segments)], w.starts)
                    offset += len(w.segments)
        return [(_answer(w.session), w.tag) for w in waiting]


def _answer(session):
    from dancekit.errors import AudioError

    try:
        return session.result()
    except AudioError as err:
        return err


def identify_samples(identifier, samples: np.ndarray, name: str, *, stride: int | None = None,
                     rhythm: bool = True, tempo_prior: bool = True):
    """A collecting session fed with a whole decoded recording (for :meth:`CrossFileBatcher.add`).

    Parameters
    ----------
    identifier : Identifier
        The model.
    samples : np.ndarray
        Mono float32 at the model's rate.
    name : str
        How the result names the recording.
    stride : int or None
        Frames between segments (None: the model's default).
    rhythm, tempo_prior : bool
        Measure tempo and meter, and let them weigh in.

    Returns
    -------
    Session
        All audio pushed; nothing classified yet.
    """
    from dancekit.inference.recording import CHUNK_SECONDS  # the same chunking as Identifier.identify

    session = identifier.session(name, live=False, stride=stride, rhythm=rhythm, tempo_prior=tempo_prior,
                                 collect=True)
    step = int(CHUNK_SECONDS * identifier.sample_rate)
    for i in range(0, len(samples), step):
        session.push(samples[i : i + step])
    return session
