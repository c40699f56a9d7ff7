"""libsndfile backend (via soundfile): wav/flac/ogg (vorbis, opus)/aiff/caf/au, read in blocks.

Tried first, for inputs that start with one of these formats' magic numbers, because it knows exact sample
counts, seeks sample-accurately and decodes straight to float32 blocks with no per-frame Python overhead.
Everything else, MP3 included, goes to ffmpeg: libsndfile 1.2 probes unknown input with mpg123, which
prints warnings and "part2_3_length too large" errors straight to the process's stderr (nothing Python can
silence: a CLI user would see them), and takes an mp3's length from its Xing header, wrong when truncated.
"""

from __future__ import annotations

import logging
from typing import Iterator

import numpy as np
import soundfile as sf

from dancekit.audio._mono import downmix_interleaved
from dancekit.audio._source import Source
from dancekit.audio.samples import check_sample_rate
from dancekit.errors import DecodeError

BACKEND = "soundfile"
log = logging.getLogger(__name__)

#: First bytes of the containers handed to libsndfile: WAV/RF64/W64, AIFF, FLAC, Ogg, CAF, AU.
_MAGIC = (b"RIFF", b"RIFX", b"RF64", b"riff", b"FORM", b"fLaC", b"OggS", b"caff", b".snd")


def recognises(head: bytes) -> bool:
    return head.startswith(_MAGIC)


#: libsndfile formats handed to ffmpeg even when they open (see the module docstring).
DEFER_FORMATS = {"MP3"}


class DeferToFfmpeg(Exception):
    """libsndfile opened the input, but ffmpeg reads this format better."""


class SoundfileReader:
    """Mono float32 blocks at the file's own rate; ``blocks(start)`` begins at input sample ``start``."""

    backend = BACKEND

    def __init__(self, source: Source, blocksize: int):
        self.name = source.name
        self._blocksize = blocksize
        self._f = sf.SoundFile(source.target)  # raises OPEN_ERRORS when libsndfile cannot read it
        try:
            if self._f.format in DEFER_FORMATS:
                raise DeferToFfmpeg(self._f.format)
            self.samplerate = check_sample_rate(self._f.samplerate, self.name)
            self.channels = int(self._f.channels)
            if self.channels < 1:
                raise DecodeError(f"could not decode {self.name}: no audio channels")
            self.format = str(self._f.format).lower()
            self.codec = str(self._f.subtype).lower()
            # Exact for PCM/FLAC/Ogg; for mp3 an estimate from the Xing/LAME header (wrong if truncated).
            self.frames = int(self._f.frames) if self._f.frames > 0 else None
            self._first = self._read()  # proves that samples come out (None: none do)
        except BaseException:
            self._f.close()
            raise

    @property
    def duration(self) -> float | None:
        return self.frames / self.samplerate if self.frames is not None else None

    @property
    def has_samples(self) -> bool:
        return self._first is not None

    def _read(self) -> np.ndarray | None:
        try:
            block = self._f.read(self._blocksize, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError) as e:
            raise DecodeError(f"could not decode {self.name}: {_short(e)}") from None
        if len(block) == 0:
            return None
        return downmix_interleaved(block)

    def blocks(self, start: int = 0) -> Iterator[np.ndarray]:
        if start == 0 and self._first is not None:
            first, self._first = self._first, None
            pos = len(first)
            yield first
        else:
            self._first = None
            if self.frames is not None and start >= self.frames:
                return
            try:
                self._f.seek(start)
            except (sf.LibsndfileError, RuntimeError):
                return  # past the real end (the header's frame count was an overestimate)
            pos = start
        while (block := self._read()) is not None:
            pos += len(block)
            yield block
        if self.frames is not None and pos < self.frames:  # libsndfile stops at the first damaged page
            log.warning("%s: decoding stopped at %.1f s of %.1f s (damaged file?)", self.name,
                        pos / self.samplerate, self.frames / self.samplerate)

    def close(self) -> None:
        self._f.close()


def _short(err: Exception) -> str:
    msg = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
    # soundfile prefixes "Error opening 'path': "; the caller already names the file.
    return msg.split(": ", 1)[-1] if msg.startswith("Error ") else msg
