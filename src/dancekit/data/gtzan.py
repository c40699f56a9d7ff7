"""GTZAN (Tzanetakis & Cook 2002): 1000 clips of 30 s, 10 genres of 100.

Layouts read (``root`` may be any of the folders named here):

* the original release: ``<root>/genres/<genre>/<genre>.000NN.au`` (and ``.wav``/``.flac`` re-encodings,
  e.g. the FLAC ``gtzan_mini`` subset);
* Kaggle's copy: ``<root>/Data/genres_original/<genre>/<genre>.000NN.wav``;
* ``<root>`` holding the ten genre folders itself.

Kaggle's ``jazz.00054.wav`` is known not to decode; it is probed and, if broken, skipped with a
``DatasetWarning`` instead of failing a training run an hour in. GTZAN has no artist labels, so
each clip is its own group; the artist-filtered split of Sturm is ``dancekit.data.splits.gtzan_split``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from dancekit.data.errors import DatasetLayoutError, DatasetWarning
from dancekit.data.labels import GTZAN_GENRES
from dancekit.data.recordings import Recording
from dancekit.errors import AudioError

#: Clips known to be broken in a public copy, with what is wrong (probed, skipped if unreadable).
GTZAN_KNOWN_CORRUPT = {"jazz.00054": "known corrupt in the Kaggle copy of GTZAN"}

_CLIP = re.compile(r"^([a-z]+)\.(\d{5})\.(au|wav|flac)$", re.IGNORECASE)
_PREFERRED = {".wav": 0, ".flac": 1, ".au": 2}  # one clip in two formats: read the first found in this order
_EXPECTED = "genres/<genre>/<genre>.000NN.{au,wav,flac} or Kaggle's Data/genres_original/<genre>/<genre>.000NN.wav"


def gtzan_genre_root(root: str | Path) -> Path:
    """The folder that holds the genre folders, whichever public layout ``root`` follows.

    Parameters
    ----------
    root : str or Path
        Any of the folders the module doc names.

    Returns
    -------
    Path
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetLayoutError(f"GTZAN folder not found: {root} (expected {_EXPECTED})")
    for candidate in (root / "genres", root / "genres_original", root / "Data" / "genres_original", root):
        if any((candidate / genre).is_dir() for genre in GTZAN_GENRES):
            return candidate
    raise DatasetLayoutError(f"no GTZAN genre folders in {root} (expected {_EXPECTED})")


def gtzan_recordings(root: str | Path, *, check_audio: bool = False) -> list[Recording]:
    """Every clip, sorted by genre then number; label = genre, group = clip name (``blues.00012``).

    Parameters
    ----------
    root : str or Path
        A GTZAN copy in one of the public layouts.
    check_audio : bool
        Probe every file's header and skip unreadable ones with a warning (the known corrupt clips are
        always probed).

    Returns
    -------
    list of Recording
    """
    from dancekit.audio import info  # on use: soundfile and soxr stay out of `import dancekit.data` (`dancekit models`)

    base = gtzan_genre_root(root)
    layout = "kaggle" if base.name == "genres_original" else "original"
    chosen: dict[str, tuple[int, Path]] = {}
    for genre in GTZAN_GENRES:
        folder = base / genre
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            match = _CLIP.match(path.name)
            if match is None or path.name.startswith(".") or not path.is_file():
                continue
            if match.group(1).lower() != genre:
                raise DatasetLayoutError(f"{genre}/{path.name} is in the wrong genre folder (expected {_EXPECTED})")
            name = f"{genre}.{match.group(2)}"
            rank = _PREFERRED[path.suffix.lower()]
            if name not in chosen or rank < chosen[name][0]:
                chosen[name] = (rank, path)
    if not chosen:
        raise DatasetLayoutError(f"no GTZAN clips in {base} (expected {_EXPECTED})")
    recordings = []
    for name in sorted(chosen, key=lambda n: (GTZAN_GENRES.index(n.split(".")[0]), n)):
        path = chosen[name][1]
        if check_audio or name in GTZAN_KNOWN_CORRUPT:
            try:
                info(path)
            except AudioError as err:
                reason = GTZAN_KNOWN_CORRUPT.get(name, "unreadable")
                warnings.warn(f"skipping GTZAN clip {path.name} ({reason}): {err}", DatasetWarning, stacklevel=2)
                continue
        genre, number = name.split(".")
        recordings.append(Recording(path, genre, name, {"number": int(number), "layout": layout}))
    return recordings
