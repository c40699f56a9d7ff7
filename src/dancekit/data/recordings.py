"""A labelled recording: the unit every dataset adapter returns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

#: File endings read as audio when a layout does not fix one (lower case, with the dot).
AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".au", ".ogg", ".opus", ".m4a", ".aac", ".aiff", ".aif", ".wma")


@dataclass(frozen=True)
class Recording:
    """One audio file with its label and the group it must be split by (song, artist, ...).

    Parameters
    ----------
    path : Path
        The audio file.
    label : str
        Its class.
    group : str
        Recordings of one group always land on the same side of a split.
    meta : dict
        What the dataset adds (ids, artist, tempo...); not part of equality.
    """

    path: Path
    label: str
    group: str
    meta: dict = field(default_factory=dict, compare=False, hash=False)


def is_audio_file(path: Path) -> bool:
    """A visible regular file whose ending is an audio format (skips ``._x.wav`` macOS shadow files).

    Parameters
    ----------
    path : Path
        The file to test.

    Returns
    -------
    bool
    """
    return path.suffix.lower() in AUDIO_EXTENSIONS and not path.name.startswith(".") and path.is_file()


def label_counts(recordings: Iterable[Recording]) -> dict[str, int]:
    """Recordings per label, labels sorted by name (what a report's dataset table prints).

    Parameters
    ----------
    recordings : iterable of Recording
        Any recordings; labels need not belong to one set.

    Returns
    -------
    dict
        Label -> count.
    """
    counts = Counter(r.label for r in recordings)
    return {label: counts[label] for label in sorted(counts)}
