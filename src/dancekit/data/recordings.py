"""A labelled recording: the unit every dataset adapter returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Recording:
    """One audio file with its label and the group it must be split by (song, artist, ...)."""

    path: Path
    label: str
    group: str
    meta: dict = field(default_factory=dict, compare=False, hash=False)
