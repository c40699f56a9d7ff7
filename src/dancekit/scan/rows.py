"""One scanned recording as a flat row: what the SQLite table, the CSV and the JSONL files hold.

The row is generic over the model's classes (a model with an "Other" class, or the genre model,
fills the same columns); tempo columns are empty when no steady beat was found.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

#: The columns of a result, in table order (``path`` and ``file_hash`` come first in exports).
RESULT_COLUMNS = ("status", "dance", "confidence", "sure", "top3", "bpm", "bars_per_minute", "meter",
                  "duration_s", "model", "model_version", "message", "scanned_at")
#: Status of a file that could not be decoded (the others are :mod:`dancekit.inference.result`'s and
#: ``not_audio``).
ERROR = "error"
#: How many classes ``top3`` lists.
TOP = 3


@dataclass(frozen=True)
class ModelKey:
    """What makes two scans of one recording the same: the model, its weights and the options.

    Parameters
    ----------
    model : str
        The model card's name.
    model_version : str
        Its version and the start of its weights' sha256 (``"1+ab2c942217c1"``): retrained weights
        under an unchanged version are a new model too.
    settings : str
        The options that change answers (stride, tempo prior), as one string.
    """

    model: str
    model_version: str
    settings: str

    @classmethod
    def for_identifier(cls, identifier, stride: int | None, rhythm: bool, tempo_prior: bool) -> "ModelKey":
        """The key of scanning with an :class:`~dancekit.inference.Identifier` and these options.

        Parameters
        ----------
        identifier : Identifier
            The loaded model.
        stride : int or None
            Frames between segments (None: the card's default).
        rhythm, tempo_prior : bool
            Whether tempo is measured and weighs in.

        Returns
        -------
        ModelKey
        """
        card = identifier.card
        version = f"{card.version}+{card.sha256[:12]}" if card.sha256 else str(card.version)
        settings = f"stride={identifier.stride_frames(stride)};tempo={int(rhythm)};prior={int(rhythm and tempo_prior)}"
        return cls(card.name, version, settings)


def _round(value, digits: int):
    return None if value is None else round(float(value), digits)


def row_from_result(result, key: ModelKey) -> dict:
    """The row of one identified recording.

    Parameters
    ----------
    result : IdentifyResult
        What :class:`~dancekit.inference.Identifier` answered.
    key : ModelKey
        The model and options that answered.

    Returns
    -------
    dict
        :data:`RESULT_COLUMNS`; ``top3`` is a list of ``[class, probability]`` pairs, ``bars_per_minute``
        is counted in the answer's own meter when it is a ballroom dance (Samba 2/4, Waltz 3/4...),
        else in the detected one.
    """
    from dancekit.dances import dance_by_name

    rhythm = result.rhythm
    bpm = meter = bars = None
    if rhythm is not None and rhythm.tempo_bpm > 0:
        bpm, meter = rhythm.tempo_bpm, rhythm.beats_per_bar
        try:
            bars = bpm / dance_by_name(result.label).beats_per_bar
        except (KeyError, AttributeError):  # no answer, or a class that is not a ballroom dance
            bars = rhythm.bars_per_minute
    return {
        "status": result.status,
        "dance": result.label,
        "confidence": _round(result.confidence, 4),
        "sure": bool(result.sure),
        "top3": [[name, round(p, 4)] for name, p in result.top(TOP)] if result.label else [],
        "bpm": _round(bpm, 2),
        "bars_per_minute": _round(bars, 2),
        "meter": meter,
        "duration_s": _round(result.duration_s, 2),
        "model": key.model,
        "model_version": key.model_version,
        "message": "; ".join(result.warnings),
        "scanned_at": _now(),
    }


def row_from_failure(status: str, message: str, key: ModelKey) -> dict:
    """The row of a file that could not be decoded (so that the next scan does not try it again).

    Parameters
    ----------
    status : str
        ``"error"`` or ``"not_audio"``.
    message : str
        The one-line reason.
    key : ModelKey
        The scan's model and options.

    Returns
    -------
    dict
        :data:`RESULT_COLUMNS`, the answer's columns empty.
    """
    row = dict.fromkeys(RESULT_COLUMNS)
    row.update(status=status, sure=False, top3=[], model=key.model, model_version=key.model_version,
               message=message, scanned_at=_now())
    return row


def top3_text(top3: list) -> str:
    """``top3`` for one CSV cell: ``"Slow Waltz 0.83; Tango 0.10; Quickstep 0.03"``.

    Parameters
    ----------
    top3 : list of [str, float]
        Classes and probabilities, most probable first.

    Returns
    -------
    str
    """
    return "; ".join(f"{name} {p:.2f}" for name, p in top3)


def encode_top3(top3: list) -> str:
    """``top3`` as the JSON text the SQLite table stores.

    Parameters
    ----------
    top3 : list of [str, float]
        Classes and probabilities.

    Returns
    -------
    str
    """
    return json.dumps(top3)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
