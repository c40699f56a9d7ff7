"""The rhythm analysis of one recording and how it reads to a dancer."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dancekit.dances import Dance
from dancekit.rhythm.competition import dances_for_tempo, nearest_dance


@dataclass
class RhythmResult:
    """Tempo, beats and meter of a recording.

    Attributes
    ----------
    tempo_bpm : float
        0.0 when no steady beat was found.
    beats : np.ndarray
        Beat times in seconds.
    beats_per_bar : int
        3 or 4 (a tracker cannot hear 2/4 apart from 4/4).
    meter_confidence : float
        In [0.5, 1]; a monotone score, not a calibrated probability.
    tempo_confidence : float
        Probability that ``tempo_bpm`` is the octave a dancer counts (1.0 when unknown).
    tempo_candidates : tuple of (float, float)
        ``(bpm, probability)`` of every octave weighed (empty when unknown); the dance prior
        integrates over them.
    """

    tempo_bpm: float
    beats: np.ndarray = field(repr=False)
    beats_per_bar: int
    meter_confidence: float
    tempo_confidence: float = 1.0
    tempo_candidates: tuple = ()

    @property
    def bars_per_minute(self) -> float:
        """Tempo divided by the detected beats per bar."""
        return self.tempo_bpm / self.beats_per_bar

    def matching_dances(self, respect_meter: bool = True) -> list[Dance]:
        """Dances whose competition range contains the tempo, each under its own beats per bar.

        Parameters
        ----------
        respect_meter : bool
            Only dances of the detected meter class count (3/4 for a triple meter; 2/4 or 4/4
            otherwise); False ignores the meter estimate.

        Returns
        -------
        list of Dance
        """
        return dances_for_tempo(self.tempo_bpm, self.beats_per_bar if respect_meter else None)

    def describe(self) -> str:
        """One line, e.g. ``"88 BPM = 29 bars/min (Slow Waltz range 28-30)"``."""
        if self.tempo_bpm <= 0:
            return "no steady beat found"
        head = f"{self.tempo_bpm:.0f} BPM = {self.bars_per_minute:.0f} bars/min"
        matches = self.matching_dances()
        if matches:
            return f"{head} ({'; or '.join(self._range_text(d) for d in matches)})"
        nearest = nearest_dance(self.tempo_bpm, self.beats_per_bar)
        if nearest is None:
            return head
        lo, hi = nearest.bars_per_minute
        return f"{head} (nearest: {nearest.name} {lo}-{hi})"

    def _range_text(self, dance: Dance) -> str:
        lo, hi = dance.bars_per_minute
        if dance.beats_per_bar == self.beats_per_bar:
            return f"{dance.name} range {lo}-{hi}"
        own = self.tempo_bpm / dance.beats_per_bar
        return f"{dance.name} {own:.0f} bars/min in {dance.beats_per_bar}/4, range {lo}-{hi}"

    def to_dict(self) -> dict:
        """JSON-ready summary (plain floats, lists and strings)."""
        return {
            "tempo_bpm": round(float(self.tempo_bpm), 2),
            "beats": [round(float(t), 3) for t in self.beats],
            "beats_per_bar": int(self.beats_per_bar),
            "meter_confidence": round(float(self.meter_confidence), 3),
            "tempo_confidence": round(float(self.tempo_confidence), 3),
            "tempo_candidates": [[round(float(b), 2), round(float(q), 4)] for b, q in self.tempo_candidates],
            "bars_per_minute": round(float(self.bars_per_minute), 2),
            "matching_dances": [d.name for d in self.matching_dances()],
            "description": self.describe(),
        }
