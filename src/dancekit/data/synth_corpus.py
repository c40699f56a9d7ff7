"""A corpus rendered by ``dancekit synth``: ``<root>/manifest.csv`` listing ``audio/<clip>.<ext>`` files.

Each manifest row is a recording labelled with its dance (one of paper 1's ten, or ``Other``). The
group is the song (the ``song`` column), not the file: a clip's phone-in-the-hall copy is the same
music, so a split that tested it while training on the clean original would measure memory, not
recognition. Grouping by song keeps both copies on one side of every split.

A transcoded copy (other file names or formats) is read the same way as long as its manifest names
its files; every listed file must exist, so a half-copied corpus is refused rather than shrunk.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

from dancekit.dances import DANCE_NAMES, OTHER
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.labels import DANCE_CNN, LabelSet
from dancekit.data.recordings import Recording

#: Paper 1's ten dances plus the reject class, for corpora that include it.
DANCE_CNN_OTHER = LabelSet("dance-cnn-other", (*DANCE_NAMES, OTHER))

_REQUIRED = ("file", "label", "song")
_EXPECTED = "manifest.csv + audio/<clip>.<ext>, as written by dancekit synth"


class SynthCorpusError(DatasetLayoutError):
    """A synthetic corpus folder without a readable manifest, or whose manifest names missing files."""


def _meta(row: dict) -> dict:
    """The manifest's facts about a clip, typed (what a report or a tempo check may want)."""
    meta = {k: v for k, v in row.items() if k not in _REQUIRED and v not in (None, "")}
    for key in ("bpm", "duration"):
        if key in meta:
            meta[key] = float(meta[key])
    if "degraded" in meta:
        meta["degraded"] = meta["degraded"].strip().lower() == "true"
    meta["id"] = Path(row["file"]).stem
    return meta


def synth_recordings(root: str | Path) -> list[Recording]:
    """Every clip of the manifest, in its order; group = ``song-<song>``, label = the dance (or ``Other``).

    Parameters
    ----------
    root : str or Path
        The corpus folder (``manifest.csv`` and the files it lists).

    Returns
    -------
    list of Recording
    """
    root = Path(root)
    manifest = root / "manifest.csv"
    if not manifest.is_file():
        raise SynthCorpusError(f"no manifest.csv in {root} (expected {_EXPECTED})")
    try:
        with open(manifest, newline="") as handle:
            reader = csv.DictReader(handle)
            absent = [c for c in _REQUIRED if c not in (reader.fieldnames or ())]
            if absent:
                raise SynthCorpusError(f"{manifest} lacks column(s) {', '.join(absent)} (expected {_EXPECTED})")
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as err:
        raise SynthCorpusError(f"{manifest} is not a readable CSV file: {err}") from None
    if not rows:
        raise SynthCorpusError(f"{manifest} lists no clips (an interrupted dancekit synth? rerun it to finish)")
    found, missing = [], []
    for line, row in enumerate(rows, start=2):
        if not row.get("file") or not row.get("song") or row.get("label") not in DANCE_CNN_OTHER:
            raise SynthCorpusError(f"{manifest} line {line}: needs a file, a song and a label of "
                                   f"{', '.join(DANCE_CNN_OTHER)} (got label {row.get('label')!r})")
        path = root / row["file"]
        if not path.is_file():
            missing.append(row["file"])
        found.append(Recording(path, row["label"], f"song-{row['song']}", _meta(row)))
    if missing:
        raise SynthCorpusError(f"{len(missing)} of {len(rows)} files listed in {manifest} are missing, "
                               f"e.g. {missing[0]} (copy the whole corpus, or rerun dancekit synth)")
    return found


def synth_label_set(recordings: Sequence[Recording]) -> LabelSet:
    """Paper 1's ten dances, plus ``Other`` when the corpus has reject clips (one fixed order either way).

    Parameters
    ----------
    recordings : sequence of Recording
        The corpus, as :func:`synth_recordings` returns it.

    Returns
    -------
    LabelSet
        ``DANCE_CNN`` or ``DANCE_CNN_OTHER``.
    """
    return DANCE_CNN_OTHER if any(r.label == OTHER for r in recordings) else DANCE_CNN
