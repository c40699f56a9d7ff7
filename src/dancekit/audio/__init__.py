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

__all__ = [
    "AudioInfo",
    "AudioSource",
    "MissingFileError",
    "RESAMPLE_QUALITY",
    "info",
    "is_near_silent",
    "load",
    "loudness",
    "rms_dbfs",
    "stream",
]
