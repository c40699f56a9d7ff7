"""Rhythm: tempo (BPM), beats, meter (3 vs 4), bars per minute and the competition tempo table.

>>> from dancekit.rhythm import analyze
>>> analyze(y, sr).describe()                     # doctest: +SKIP
'88 BPM = 29 bars/min (Slow Waltz range 28-30)'
>>> analyze(S=mel_db, sr=22050, hop_length=512)   # doctest: +SKIP

``analyze`` and ``onset_envelope`` take audio (``y``, ``sr``) or a ready dB mel spectrogram (``S=``),
as librosa's ``onset_strength`` does.
"""

from dancekit.rhythm.analyze import analyze
from dancekit.rhythm.competition import bars_per_minute, dances_for_tempo, nearest_dance
from dancekit.rhythm.onsets import mel_db, onset_envelope
from dancekit.rhythm.result import RhythmResult

__all__ = [
    "RhythmResult",
    "analyze",
    "bars_per_minute",
    "dances_for_tempo",
    "mel_db",
    "nearest_dance",
    "onset_envelope",
]
