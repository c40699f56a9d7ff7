"""The decode workers' share of identification: besides decoding a file, its front end, segments,
tempo and meter (numpy, no torch, no model), so the scan's main process only runs the network.

Tempo and meter cost more than the network per song; computed in the main process, one song after
another, they held a GPU scan to a few hundred times real time. A worker sends back the segments
(float32, still ones left out) and the verdict instead of the samples: a 3-minute song's
segments of the built-in models are about half the bytes of its samples at 22050 Hz.
"""

from __future__ import annotations

import os

from dancekit.scan.decoding import ERROR, Decoded, decode_file


def prepare_file(path: str | os.PathLike, plan, max_duration: float | None) -> Decoded:
    """Hash and decode a file, then compute what its answer needs short of the network.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    plan : SegmentPlan
        The model's front end, segments and options (``Identifier.segment_plan``).
    max_duration : float or None
        Refuse recordings longer than this many seconds.

    Returns
    -------
    Decoded
        With ``prepared`` (a :class:`~dancekit.inference.recording.PreparedRecording`) and no
        samples, or the reason there is none.
    """
    from dancekit.errors import AudioError
    from dancekit.inference.recording import prepare_samples  # numpy: the worker never imports torch

    out = decode_file(path, plan.frontend.sr, max_duration)
    if out.status is not None:
        return out
    samples, out.samples = out.samples, None
    try:
        out.prepared = prepare_samples(plan, samples, out.path)
    except AudioError as err:  # no samples after all: an error, as the main process would say
        out.status, out.message = ERROR, str(err)
    return out
