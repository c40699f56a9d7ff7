"""Audio input: any file ffmpeg or libsndfile reads -> mono float32 at a chosen rate, in bounded memory.

>>> from dancekit import audio
>>> y = audio.load("song.m4a", sr=22050)                     # doctest: +SKIP
>>> for chunk in audio.stream("lesson.mp4", chunk_seconds=20):  # doctest: +SKIP
...     ...
>>> audio.info("song.flac").duration                          # doctest: +SKIP
"""

from dancekit.audio import loudness
from dancekit.audio._source import AudioSource, MissingFileError
from dancekit.audio.decode import RESAMPLE_QUALITY, load, stream
from dancekit.audio.info import AudioInfo, info
from dancekit.audio.loudness import is_near_silent, rms_dbfs
from dancekit.audio.samples import (
    MAX_SAMPLE_RATE,
    MIN_SAMPLE_RATE,
    check_sample_rate,
    from_array,
    make_finite,
    to_mono,
)

__all__ = [
    "AudioInfo",
    "AudioSource",
    "MAX_SAMPLE_RATE",
    "MIN_SAMPLE_RATE",
    "MissingFileError",
    "RESAMPLE_QUALITY",
    "check_sample_rate",
    "from_array",
    "info",
    "is_near_silent",
    "load",
    "loudness",
    "make_finite",
    "rms_dbfs",
    "stream",
    "to_mono",
]
