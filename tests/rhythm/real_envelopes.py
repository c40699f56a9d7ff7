"""Onset envelopes and dB mel spectrograms of real recordings, for comparing the numpy ports with librosa."""

from functools import lru_cache
from pathlib import Path

import numpy as np

#: A few real clips of different character: a ballroom waltz, disco, jazz, a string orchestra.
CLIPS = (
    "ballroom_sample/Waltz_Media-105901.flac",
    "gtzan_mini/genres/disco/disco.00000.flac",
    "gtzan_mini/genres/jazz/jazz.00001.flac",
    "cc_music/Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).hq.ogg",
)


@lru_cache(maxsize=8)
def real_mel_and_envelope(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The dB mel frames identification reads and their onset envelope (float64), as analyze uses them."""
    from dancekit import audio
    from dancekit.rhythm.onsets import mel_db, onset_envelope

    S = mel_db(audio.load(path, sr=22050))
    return S, onset_envelope(S=S).astype(float)
