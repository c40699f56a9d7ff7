"""Tempo against the competition table: which dances a tempo fits, and the nearest when none.

A tracker hears beats, not bars, and cannot tell 2/4 from 4/4, so every dance is judged
under its own beats per bar: 104 BPM is Rumba at 26 bars/min (4/4) and Samba at 52
bars/min (2/4). Ranges are inclusive and compared on bars/min rounded to a whole number,
as the WDSF/WDC table states them and as :meth:`RhythmResult.describe` prints them.
"""

from __future__ import annotations

import math

from dancekit.dances import DANCES, Dance


def meter_compatible(dance: Dance, beats_per_bar: int) -> bool:
    """Whether a detected meter (3 or 4) allows the dance: triple vs duple/quadruple.

    Parameters
    ----------
    dance : Dance
        A dance of the competition table.
    beats_per_bar : int
        The detected meter; anything but 3 counts as duple.

    Returns
    -------
    bool
    """
    return (dance.beats_per_bar == 3) == (beats_per_bar == 3)


def bars_per_minute(tempo_bpm: float, beats_per_bar: int) -> float:
    """Bars per minute of a tempo counted in ``beats_per_bar`` time.

    Parameters
    ----------
    tempo_bpm : float
        Beats per minute.
    beats_per_bar : int
        Beats in one bar (positive).

    Returns
    -------
    float
    """
    if beats_per_bar <= 0:
        raise ValueError(f"beats_per_bar must be positive, got {beats_per_bar}")
    return tempo_bpm / beats_per_bar


def in_competition_range(dance: Dance, tempo_bpm: float) -> bool:
    """Whether ``tempo_bpm`` is within the dance's bars/min range (rounded, inclusive).

    Parameters
    ----------
    dance : Dance
        Its ``bars_per_minute`` range and ``beats_per_bar`` are used.
    tempo_bpm : float
        Beats per minute, counted in the dance's own beats per bar.

    Returns
    -------
    bool
    """
    lo, hi = dance.bars_per_minute
    return lo <= round(bars_per_minute(tempo_bpm, dance.beats_per_bar)) <= hi


def dances_for_tempo(tempo_bpm: float, beats_per_bar: int | None = None) -> list[Dance]:
    """Dances whose range contains the tempo; only meter-compatible ones if ``beats_per_bar`` is given.

    Parameters
    ----------
    tempo_bpm : float
        Beats per minute (none for 0 or less).
    beats_per_bar : int, optional
        The detected meter, to leave out dances of the other meter class.

    Returns
    -------
    list of Dance
    """
    if tempo_bpm <= 0:
        return []
    return [
        d
        for d in DANCES
        if in_competition_range(d, tempo_bpm) and (beats_per_bar is None or meter_compatible(d, beats_per_bar))
    ]


def nearest_dance(tempo_bpm: float, beats_per_bar: int | None = None) -> Dance | None:
    """The dance whose range is closest to the tempo (in log tempo, so octaves weigh the same).

    Parameters
    ----------
    tempo_bpm : float
        Beats per minute.
    beats_per_bar : int, optional
        The detected meter, to consider only dances of its class.

    Returns
    -------
    Dance or None
        None for a tempo of 0 or less.
    """
    candidates = [d for d in DANCES if beats_per_bar is None or meter_compatible(d, beats_per_bar)]
    if tempo_bpm <= 0 or not candidates:
        return None

    def distance(d: Dance) -> float:
        lo, hi = d.bpm_range
        return max(0.0, math.log(lo / tempo_bpm), math.log(tempo_bpm / hi))

    return min(candidates, key=distance)
