"""Pick a decoder for a source: libsndfile first, ffmpeg for the rest; map every failure to one line."""

from __future__ import annotations

from typing import Iterator, Protocol

import numpy as np

from dancekit.audio import _sndfile
from dancekit.audio._source import AudioSource, open_source
from dancekit.errors import DecodeError, EmptyAudioError, NotAudioError, UnsupportedAudioError

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


#: Inputs that are certainly not recordings, though ffmpeg's mp3 probe may find a frame inside them (a tar
#: of mp3 files decoded as one song): (offset, magic, what).
_NOT_MEDIA = ((257, b"ustar", "a tar archive"), (0, b"PK\x03\x04", "a zip archive"), (0, b"\x1f\x8b", "a gzip file"),
              (0, b"7z\xbc\xaf\x27\x1c", "a 7-zip archive"), (0, b"Rar!", "a rar archive"), (0, b"%PDF", "a PDF"),
              (0, b"\x7fELF", "a program"), (0, b"\x89PNG", "a picture"), (0, b"\xff\xd8\xff", "a picture"),
              (0, b"GIF8", "a picture"))


def open_reader(source: AudioSource, blocksize: int = BLOCK_FRAMES, playlists: bool = False) -> OpenedReader:
    """Open ``source`` with the first backend that yields samples; raise a one-line ``AudioError`` if none.

    ``playlists`` lets a local path be read as a playlist (HLS, ffconcat), which names other files or URLs;
    off, they are refused, and uploads and bytes are always decoded from their own bytes alone.
    """
    src = open_source(source, playlists=playlists)
    try:
        _refuse_non_media(src)
        reader = _open(src, blocksize)
    except BaseException:
        src.close()
        raise
    return OpenedReader(reader, src)


def _refuse_non_media(src) -> None:
    head = src.head(512)
    for offset, magic, what in _NOT_MEDIA:
        if head[offset : offset + len(magic)] == magic:
            raise NotAudioError(f"not an audio file: {src.name} ({what})")


def _open(src, blocksize: int) -> Reader:
    sf_reader = None
    if _sndfile.recognises(src.head()):
        try:
            sf_reader = _sndfile.SoundfileReader(src, blocksize)
        except UnsupportedAudioError:
            raise
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
