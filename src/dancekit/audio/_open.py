"""Pick a decoder for a source: libsndfile first, ffmpeg for the rest; map every failure to one line."""

from __future__ import annotations

from typing import Iterator, Protocol

import numpy as np

from dancekit.audio import _sndfile
from dancekit.audio._source import AudioSource, open_source
from dancekit.errors import DecodeError, EmptyAudioError

#: Input frames per decoded block: 2**16 (1.5 s at 44.1 kHz) keeps Python overhead negligible while a
#: 6-channel float32 block stays at 1.5 MB.
BLOCK_FRAMES = 1 << 16


class Reader(Protocol):
    name: str
    backend: str
    samplerate: int
    channels: int
    frames: int | None  # input frames, exact or estimated from the header; None when unknown
    format: str
    codec: str

    @property
    def duration(self) -> float | None: ...

    @property
    def has_samples(self) -> bool: ...

    def blocks(self, start: int = 0) -> Iterator[np.ndarray]: ...

    def close(self) -> None: ...


class OpenedReader:
    """A reader plus the source it owns; a context manager that closes both."""

    def __init__(self, reader: Reader, source):
        self.reader = reader
        self._source = source

    def __enter__(self) -> Reader:
        return self.reader

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.reader.close()
        finally:
            self._source.close()


def open_reader(source: AudioSource, blocksize: int = BLOCK_FRAMES) -> OpenedReader:
    """Open ``source`` with the first backend that yields samples; raise a one-line ``AudioError`` if none."""
    src = open_source(source)
    try:
        reader = _open(src, blocksize)
    except BaseException:
        src.close()
        raise
    return OpenedReader(reader, src)


def _open(src, blocksize: int) -> Reader:
    sf_reader = None
    if _sndfile.recognises(src.head()):
        try:
            sf_reader = _sndfile.SoundfileReader(src, blocksize)
        except Exception:  # cannot open, or opened but failed to decode: ffmpeg may do better
            pass
    if sf_reader is not None:
        if sf_reader.has_samples:
            return sf_reader
        sf_reader.close()
    src.rewind()
    try:  # imported here so that machines without PyAV still read what libsndfile reads
        from dancekit.audio import _ffmpeg
    except ImportError:
        raise DecodeError(f"cannot decode {src.name}: it needs ffmpeg (PyAV), which is not installed") from None
    av_reader = _ffmpeg.FfmpegReader(src, blocksize)
    if not av_reader.has_samples:
        av_reader.close()
        raise EmptyAudioError(f"no audio samples in {src.name}")
    return av_reader
