"""Audio input: any file ffmpeg or libsndfile reads -> mono float32 at a chosen rate, in bounded memory.

>>> from dancekit import audio
>>> y = audio.load("song.m4a", sr=22050)                     # doctest: +SKIP
>>> for chunk in audio.stream("lesson.mp4", chunk_seconds=20):  # doctest: +SKIP
...     ...
>>> audio.info("song.flac").duration                          # doctest: +SKIP
>>> y = audio.load(samples, sr=22050, sample_rate=44100)       # doctest: +SKIP

Every "path or array -> mono -> resample" of dancekit goes through here: ``load``/``stream`` for
files, bytes, file objects and arrays, ``decode_pcm`` for raw microphone bytes, ``resample`` and
``StreamResampler`` (the one resampler, soxr) for samples already in hand.
"""

from dancekit.audio import loudness
from dancekit.audio._source import AudioSource, MissingFileError
from dancekit.audio.decode import load, stream
from dancekit.audio.info import AudioInfo, info
from dancekit.audio.loudness import is_near_silent, rms_dbfs
from dancekit.audio.pcm import PCM_FORMATS, decode_pcm
from dancekit.audio.resample import RESAMPLE_QUALITY, StreamResampler, resample
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
    "PCM_FORMATS",
    "RESAMPLE_QUALITY",
    "StreamResampler",
    "check_sample_rate",
    "decode_pcm",
    "from_array",
    "info",
    "is_near_silent",
    "load",
    "loudness",
    "make_finite",
    "resample",
    "rms_dbfs",
    "stream",
    "to_mono",
]
