"""The "Dance with Melody" set (Tang et al. 2018): real ballroom songs with motion capture.

Layout: ``<root>/DANCE_<C|R|T|W>_<n>/audio.mp3`` (+ ``config.json``, ``skeletons.json.gz``).
The letter is the dance; the waltzes are danced as (slow) waltz at 84-90 BPM. A copy whose
audio was re-encoded (``audio.opus``, ``audio.flac``, ...) is read the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

from dancekit.data.recordings import Recording
from dancekit.data.splits import Fold
from dancekit.errors import DancekitError

TANG_DANCES = {"C": "Cha Cha Cha", "R": "Rumba", "T": "Tango", "W": "Slow Waltz"}
_FOLDER = re.compile(r"^DANCE_([CRTW])_(\d+)$")


def tang_recordings(root: str | Path) -> list[Recording]:
    """Every song with audio, sorted by dance and number; each song is its own split group.

    Parameters
    ----------
    root : str or Path
        The folder of ``DANCE_<C|R|T|W>_<n>`` song folders.

    Returns
    -------
    list of Recording
        ``meta["has_motion"]`` says whether the song has a skeleton file.
    """
    root = Path(root)
    if not root.is_dir():
        raise DancekitError(f"Tang dance folder not found: {root}")
    found = []
    for folder in root.iterdir():
        match = _FOLDER.match(folder.name)
        audio = next((p for p in sorted(folder.glob("audio.*")) if p.is_file()), None) if match else None
        if audio is not None:
            letter, number = match.group(1), int(match.group(2))
            found.append((letter, number, Recording(audio, TANG_DANCES[letter], folder.name,
                                                    {"has_motion": (folder / "skeletons.json.gz").is_file()})))
    if not found:
        raise DancekitError(f"no DANCE_<C|R|T|W>_<n>/audio.mp3 folders in {root}")
    return [r for _, _, r in sorted(found, key=lambda t: (t[0], t[1]))]


def tang_split(recordings: list[Recording]) -> dict[str, str]:
    """Song -> ``"train"``, ``"val"`` or ``"test"``, with every dance on each side.

    Per dance in sorted order, every third song from the first is test and every third from the
    second validation.

    Parameters
    ----------
    recordings : list of Recording
        From :func:`tang_recordings`.

    Returns
    -------
    dict
        Song (group) -> side.
    """
    side = {}
    for label in sorted({r.label for r in recordings}):
        for i, rec in enumerate(r for r in recordings if r.label == label):
            side[rec.group] = ("test", "val", "train")[i % 3]
    return side


def tang_cross_split(recordings: list[Recording], folds: int, fold: int | None) -> dict[str, str]:
    """Song -> side for fold ``fold`` of a ``folds``-fold rotation by song.

    Per dance in sorted order, song i is in group ``i % folds``; group ``fold`` is test, the next group
    validation, the rest train, so over the folds every song is tested exactly once.

    Parameters
    ----------
    recordings : list of Recording
        From :func:`tang_recordings`.
    folds : int
        Number of groups (at least 3).
    fold : int or None
        The test group; None leaves no test side (the model to ship): group 0 validates, the rest trains.

    Returns
    -------
    dict
        Song (group) -> ``"train"``, ``"val"`` or ``"test"``.
    """
    if folds < 3:
        raise DancekitError(f"a Tang rotation needs at least 3 folds (train, validation, test), got {folds}")
    if fold is not None and not 0 <= fold < folds:
        raise DancekitError(f"fold must be in 0..{folds - 1}, got {fold}")
    val_group = 0 if fold is None else (fold + 1) % folds
    side = {}
    for label in sorted({r.label for r in recordings}):
        for i, rec in enumerate(r for r in recordings if r.label == label):
            group = i % folds
            side[rec.group] = "test" if group == fold else "val" if group == val_group else "train"
    return side


def model_tang_sides(training: dict, recordings: list[Recording]) -> dict[str, str]:
    """A model's own split of the Tang songs: songs on its "train" side must not score it.

    Parameters
    ----------
    training : dict
        The model card's ``training`` section; its ``tang_sides`` is the split.
    recordings : list of Recording
        The Tang songs, for :func:`tang_split` when the card records no split (older models).

    Returns
    -------
    dict
        Song (group) -> side.
    """
    return dict(training.get("tang_sides") or tang_split(recordings))


def tang_fold(recordings: list[Recording]):
    """``tang_split`` as a ``Fold`` of recordings (train / validation / test), like every other split.

    Parameters
    ----------
    recordings : list of Recording
        The Tang songs; the fold's sides follow :func:`tang_split`.

    Returns
    -------
    Fold
    """
    side = tang_split(recordings)
    pick = lambda name: tuple(r for r in recordings if side[r.group] == name)  # noqa: E731
    return Fold(pick("train"), pick("val"), pick("test"), name="tang by song")
