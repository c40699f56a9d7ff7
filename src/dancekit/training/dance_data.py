"""Which recordings train, validate and test the dance model: synthetic corpora, Tang songs, real "Other".

Every split is by song, so no song is on two sides: one synthetic song in ten (chosen by a hash
of its number, so every dance has some) validates; the Tang songs follow
:func:`dancekit.data.tang.tang_split` or a K-fold rotation; real non-ballroom music trains the
"Other" class with every file of the folder it is given (its training side: held-out music,
split by track, is kept in another folder).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from dancekit.dances import DANCE_NAMES
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.recordings import Recording, is_audio_file
from dancekit.data.synth_corpus import OTHER as OTHER_LABEL, synth_recordings
from dancekit.data.tang import tang_cross_split, tang_recordings, tang_split

PARTS = ("train", "val", "test")


@dataclass
class DanceModelData:
    """The recordings of each side, and the classes they make.

    Parameters
    ----------
    synthetic : dict
        ``"train"`` / ``"val"`` -> synthetic recordings.
    real : dict
        ``"train"`` / ``"val"`` / ``"test"`` -> real recordings (sides without songs are left out).
    classes : list of str
        The ten dances, and "Other" when any recording has that label.
    tang_sides : dict
        Tang song -> side, for the model card.
    other_real_train : list of Path
        The real "Other" files that train.
    """

    synthetic: dict[str, list[Recording]]
    real: dict[str, list[Recording]]
    classes: list[str]
    tang_sides: dict[str, str] = field(default_factory=dict)
    other_real_train: list[Path] = field(default_factory=list)


def synthetic_side(recording: Recording) -> str:
    """``"val"`` for one synthetic song in ten (by a hash of its number), else ``"train"``.

    Parameters
    ----------
    recording : Recording
        A clip of a ``dancekit synth`` corpus (its group is ``song-<n>``).

    Returns
    -------
    str
    """
    return "val" if zlib.crc32(recording.group.removeprefix("song-").encode()) % 10 == 0 else "train"


def other_real_files(folder: str | Path) -> list[Path]:
    """Every audio file under ``folder`` (sorted): real non-ballroom music that trains "Other".

    The folder holds the training side only: held-out music stays elsewhere, split by track
    (``recipes/other_music_excerpts.py --side train`` writes the Debian music's training side).

    Parameters
    ----------
    folder : path
        Searched recursively for audio files.

    Returns
    -------
    list of Path
    """
    files = sorted(p for p in Path(folder).rglob("*") if is_audio_file(p))
    if not files:
        raise DatasetLayoutError(f"no audio files under {folder}")
    return files


def background_music(folder: str | Path, label: str) -> list[Recording]:
    """Every audio file under ``folder`` as a recording to mix under synthetic songs (its label unused).

    Parameters
    ----------
    folder : path
        Real non-dance music, searched recursively.
    label : str
        A label of the model's classes (spectrogram sets need one; the mixer ignores it).

    Returns
    -------
    list of Recording
    """
    return [Recording(p, label, p.stem) for p in sorted(Path(folder).rglob("*")) if is_audio_file(p)]


def dance_model_data(corpora: Sequence[str | Path], tang: str | Path | None = None,
                     other_real: str | Path | None = None, tang_folds: int = 0,
                     tang_fold: int | None = None) -> DanceModelData:
    """Gather and split the dance model's recordings.

    Parameters
    ----------
    corpora : sequence of path
        Folders made by ``dancekit synth``.
    tang : path, optional
        The Tang dance data (real songs of four dances).
    other_real : path, optional
        Real non-ballroom music for the "Other" class.
    tang_folds, tang_fold : int
        Split the Tang songs by a K-fold rotation (test on group ``tang_fold``, validate on the
        next; ``tang_fold=None``: no test songs, group 0 validates) instead of the fixed split.

    Returns
    -------
    DanceModelData
    """
    synth = [r for corpus in corpora for r in synth_recordings(corpus)]
    other_train = other_real_files(other_real) if other_real else []
    has_other = bool(other_train) or any(r.label == OTHER_LABEL for r in synth)
    classes = list(DANCE_NAMES) + ([OTHER_LABEL] if has_other else [])
    synthetic = {part: [r for r in synth if synthetic_side(r) == part] for part in ("train", "val")}
    recs = tang_recordings(tang) if tang else []
    sides = {}
    if tang:
        sides = tang_split(recs) if not tang_folds else tang_cross_split(recs, tang_folds, tang_fold)
    real = {}
    for part in PARTS:
        items = [r for r in recs if sides[r.group] == part]
        if part == "train":
            items += [Recording(p, OTHER_LABEL, p.stem) for p in other_train]
        if items:
            real[part] = items
    return DanceModelData(synthetic, real, classes, sides, list(other_train))
