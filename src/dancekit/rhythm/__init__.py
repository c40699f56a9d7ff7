"""Rhythm: tempo (BPM), beats, meter (3 vs 4), bars per minute and the competition tempo table.

>>> from dancekit.rhythm import analyze
>>> analyze(y, sr).describe()                     # doctest: +SKIP
'88 BPM = 29 bars/min (Slow Waltz range 28-30)'
"""

from dancekit.rhythm.analyze import analyze, analyze_onsets
from dancekit.rhythm.competition import bars_per_minute, dances_for_tempo, nearest_dance
from dancekit.rhythm.onsets import onset_envelope, onset_envelope_from_mel_db
from dancekit.rhythm.result import RhythmResult

__all__ = [
    "RhythmResult",
    "analyze",
    "analyze_onsets",
    "bars_per_minute",
    "dances_for_tempo",
    "nearest_dance",
    "onset_envelope",
    "onset_envelope_from_mel_db",
]
