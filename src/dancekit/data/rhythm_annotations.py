"""Tempo, beat and meter truth of the public rhythm annotations, one ``RhythmItem`` per recording.

Why a reader apart from the adapters: the adapters return labelled recordings for training; rhythm
evaluation needs the reference tempo, the beat times and the bar length, which live in separate
annotation releases with their own layouts:

* GTZAN (ISMIR 2021 tempo/beat tutorial): ``<annotations>/tempo/gtzan_<genre>_<NNNNN>.bpm`` (one
  number) and ``<annotations>/beats/gtzan_<genre>_<NNNNN>.beats`` (beat time and, where known,
  beat-in-bar per line), beside the clips of any GTZAN layout ``gtzan_recordings`` reads;
* Ballroom (ISMIR 2004, beats by Krebs et al.): ``<annotations>/Media-<id>.beats`` (time and
  beat-in-bar), with the tempo as ``ballroom_Media-<id>.bpm`` next to the audio
  ``<Dance>_Media-<id>.{flac,wav}``;
* Tang "Dance with Melody": no tempo or beat truth; the waltzes are in 3/4, the rest in 4/4.

A bar length read from beat-in-bar is 3 for triple meters and 4 for the rest (2/4 counts as 4);
a recording without beat-in-bar has ``meter=None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dancekit import audio
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.gtzan import gtzan_recordings
from dancekit.data.tang import TANG_DANCES, tang_recordings

#: The part of a Tang song scored for meter (start, duration in seconds): the danced middle.
TANG_EXCERPT = (30.0, 30.0)


@dataclass(frozen=True)
class RhythmItem:
    """One recording with its rhythm truth.

    Parameters
    ----------
    set : str
        The data set it comes from (``gtzan_mini``, ``ballroom``, ``tang_dance``, ...).
    name : str
        The recording's name within the set.
    path : Path
        The audio file.
    bpm : float or None
        Reference tempo; None where the set has no tempo truth.
    beats : tuple of float or None
        Reference beat times in seconds; None where the set has no beat truth.
    meter : int or None
        Beats per bar (3 or 4); None where unknown.
    excerpt : tuple of (float, float or None)
        Start and duration (None: to the end) of the part that is scored.
    """

    set: str
    name: str
    path: Path
    bpm: float | None
    beats: tuple[float, ...] | None
    meter: int | None
    excerpt: tuple[float, float | None] = (0.0, None)

    def load(self, sr: int) -> np.ndarray:
        """The scored excerpt as mono audio.

        Parameters
        ----------
        sr : int
            Sample rate to resample to.

        Returns
        -------
        numpy.ndarray
            Mono float32 samples.
        """
        start, duration = self.excerpt
        return audio.load(self.path, sr=sr, offset=start, duration=duration)


def bar_length(beat_in_bar: np.ndarray) -> int | None:
    """Beats per bar from a beat-in-bar column: 3 for triple meter, 4 otherwise, None if all zero.

    Parameters
    ----------
    beat_in_bar : numpy.ndarray
        Position of each beat in its bar (1, 2, ...), 0 where not annotated.

    Returns
    -------
    int or None
    """
    longest = int(np.max(beat_in_bar)) if len(beat_in_bar) else 0
    if longest == 0:
        return None
    return 3 if longest == 3 else 4


def read_beats(path: Path) -> tuple[tuple[float, ...], int | None]:
    """Beat times and bar length from a ``.beats`` file (time, and optionally beat-in-bar, per line).

    Parameters
    ----------
    path : Path
        The annotation file.

    Returns
    -------
    tuple
        (beat times in seconds, beats per bar or None).
    """
    try:
        table = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as err:
        raise DatasetLayoutError(f"cannot read beat annotation {path}: {err}") from None
    meter = bar_length(table[:, 1]) if table.shape[1] > 1 else None
    return tuple(float(t) for t in table[:, 0]), meter


def _read_bpm(path: Path) -> float:
    """The tempo in a ``.bpm`` file (its first number)."""
    try:
        return float(path.read_text().split()[0])
    except (OSError, ValueError, IndexError) as err:
        raise DatasetLayoutError(f"cannot read tempo annotation {path}: {err}") from None


def gtzan_rhythm_items(root: str | Path, annotations: str | Path, set_name: str = "gtzan_mini") -> list[RhythmItem]:
    """Every GTZAN clip under ``root`` with its tempo, beats and meter.

    Parameters
    ----------
    root : str or Path
        A GTZAN folder in any layout ``gtzan_recordings`` reads.
    annotations : str or Path
        The folder holding ``tempo/`` and ``beats/``.
    set_name : str
        Written into each item's ``set``.

    Returns
    -------
    list of RhythmItem
        Sorted by genre then number.
    """
    annotations = Path(annotations)
    items = []
    for recording in gtzan_recordings(root):
        genre, number = recording.group.split(".")
        beats, meter = read_beats(annotations / "beats" / f"gtzan_{genre}_{number}.beats")
        bpm = _read_bpm(annotations / "tempo" / f"gtzan_{genre}_{number}.bpm")
        items.append(RhythmItem(set_name, recording.group, recording.path, bpm, beats, meter))
    return items


def ballroom_rhythm_items(sample: str | Path, annotations: str | Path | None = None) -> list[RhythmItem]:
    """The Ballroom tracks in ``sample`` (``<Dance>_Media-<id>.{flac,wav}`` with ``ballroom_Media-<id>.bpm``).

    The beats come from ``annotations/Media-<id>.beats`` when present (the full annotation), else from
    ``ballroom_Media-<id>.beats`` beside the audio.

    Parameters
    ----------
    sample : str or Path
        The folder of audio and tempo files.
    annotations : str or Path, optional
        The folder of Krebs et al.'s ``.beats`` files.

    Returns
    -------
    list of RhythmItem
        Sorted by file name; empty when the folder holds no track.
    """
    sample = Path(sample)
    items = []
    tracks = sorted(p for p in sample.glob("*_Media-*") if p.suffix.lower() in (".flac", ".wav"))
    for track in tracks:
        media = "Media-" + track.stem.split("_Media-", 1)[1]
        full = Path(annotations) / f"{media}.beats" if annotations else None
        beats, meter = read_beats(full if full and full.exists() else sample / f"ballroom_{media}.beats")
        items.append(RhythmItem("ballroom", track.stem, track, _read_bpm(sample / f"ballroom_{media}.bpm"), beats, meter))
    return items


def tang_meter_items(root: str | Path, excerpt: tuple[float, float | None] = TANG_EXCERPT) -> list[RhythmItem]:
    """Every Tang song with its meter (3 for the waltzes, 4 for the rest); no tempo or beat truth.

    Parameters
    ----------
    root : str or Path
        The folder of ``DANCE_<C|R|T|W>_<n>`` song folders.
    excerpt : tuple of (float, float or None)
        Start and duration of the part scored.

    Returns
    -------
    list of RhythmItem
        Sorted by dance then number.
    """
    return [RhythmItem("tang_dance", r.group, r.path, None, None, 3 if r.label == TANG_DANCES["W"] else 4, excerpt)
            for r in tang_recordings(root)]
