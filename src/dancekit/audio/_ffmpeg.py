"""ffmpeg backend (via PyAV): everything ffmpeg demuxes, e.g. m4a/aac, opus/webm, the audio of mp4/mkv video.

Used when libsndfile cannot open the input. Decodes packet by packet (a few ms of audio each), so memory
does not depend on the file's length. A packet the decoder rejects is skipped, as the ffmpeg CLI does;
a container that ends early (truncated download) yields what was there.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from typing import Iterator

import av
import numpy as np

from dancekit.audio._mono import downmix_planar
from dancekit.audio._source import Source
from dancekit.audio.samples import check_sample_rate
from dancekit.errors import DecodeError, NoAudioStreamError, NotAudioError, UnsupportedAudioError

BACKEND = "ffmpeg"
log = logging.getLogger(__name__)

#: Containers whose index gives sample-exact timestamps, so seeking (then trimming by pts) is safe.
#: Others (raw mp3/aac/ac3 streams) estimate positions from the bitrate: there we decode and discard.
#: After a seek, samples match a decode from the top to ~1e-5, except in the last AAC frames of an
#: mp4 (ffmpeg trims the end padding differently after a seek; the ffmpeg CLI's -ss does the same).
_EXACT_SEEK_FORMATS = ("mov", "mp4", "matroska", "webm", "ogg", "flac", "wav", "w64", "aiff", "caf")
#: Seek only when skipping at least this much; below, decoding from the start is just as fast.
_SEEK_MIN_SECONDS = 30.0
#: How far before the wanted sample to land, so the decoder has converged (AAC/Opus need pre-roll).
_SEEK_PREROLL_SECONDS = 1.0
#: ffmpeg "formats" that are pictures or text: a file opened as one of these is not an audio file.
_NON_MEDIA_FORMATS = {"image2", "tty", "gif", "apng", "webp", "srt", "ass", "webvtt", "subviewer", "lrc"}
#: The demuxers ffmpeg may choose: containers of recordings and of videos with sound. Everything else is
#: refused before its header is read: playlists and scripts (hls, concat) that open other files and URLs,
#: devices and generators (alsa, x11grab, lavfi), network sessions (rtp, sdp, rtsp), pictures, subtitles.
ALLOWED_DEMUXERS = ("aac", "ac3", "aiff", "amr", "amrnb", "amrwb", "ape", "asf", "au", "avi", "caf", "dsf", "dts",
                    "dtshd", "eac3", "flac", "flv", "loas", "matroska", "mlp", "mov", "mp3", "mpc", "mpc8", "mpeg",
                    "mpegts", "mxf", "nut", "ogg", "rm", "shn", "tak", "truehd", "tta", "voc", "w64", "wav", "wv",
                    "xwma")
#: ffmpeg options for an input read from its own bytes: only the allowed demuxers, and no protocol at all,
#: so that no demuxer can open a second file or URL (an mp4's external data references, say).
_OWN_BYTES_ONLY = {"format_whitelist": ",".join(ALLOWED_DEMUXERS), "protocol_whitelist": "none"}
#: First bytes of playlists, named in their refusal so that a user knows what was refused and why.
_PLAYLIST_MAGIC = (b"#EXTM3U", b"ffconcat", b"[playlist]", b"<?xml", b"<ASX", b"<asx")


class FfmpegReader:
    """Mono float32 blocks at the stream's own rate; ``blocks(start)`` begins at input sample ``start``."""

    backend = BACKEND

    def __init__(self, source: Source, blocksize: int):
        self.name = source.name
        self._source = source
        self._blocksize = blocksize
        self._container = None
        self._bytes = None
        try:
            self._open()
            c, s = self._container, self._stream
            self.format = c.format.name
            context = s.codec_context
            if context is None or context.codec is None:  # e.g. a WAV whose format tag names no codec
                raise UnsupportedAudioError(f"could not decode {self.name}: unknown audio codec")
            self.codec = context.codec.canonical_name
            self._at_top = True
            self._first = self._peek()  # the real rate / layout (HE-AAC headers can lie) and origin pts
            if self._first is not None:
                self.samplerate = self._first.sample_rate
                self.channels = self._first.layout.nb_channels
                self._origin_pts = self._first.pts
            else:
                self.samplerate = context.sample_rate
                self.channels = context.layout.nb_channels
                self._origin_pts = None
            self.samplerate = check_sample_rate(self.samplerate, self.name)
            if not self.channels or self.channels < 1:
                raise DecodeError(f"could not decode {self.name}: no audio channels")
            duration = self.duration
            self.frames = round(duration * self.samplerate) if duration and duration > 0 else None
        except BaseException:
            self.close()
            raise

    # -- opening ----------------------------------------------------------------------------------------
    def _open(self) -> None:
        self._close_input()
        source = self._source
        try:
            if source.playlists:  # a local path its user asked to read as a playlist: ffmpeg's own rules
                self._container = av.open(source.path, mode="r", metadata_errors="replace")
            else:
                self._bytes = source.nameless()
                self._container = av.open(self._bytes, mode="r", metadata_errors="replace", options=_OWN_BYTES_ONLY)
        except av.error.FFmpegError as e:
            raise _open_error(source, e) from None
        except OSError as e:
            raise DecodeError(f"could not decode {self.name}: {e.strerror or e}") from None
        audio = self._container.streams.audio
        if not audio:
            fmt = self._container.format.name
            has_video = bool(self._container.streams.video)
            self._close_input()
            if not has_video or fmt in _NON_MEDIA_FORMATS or fmt.endswith("_pipe"):
                raise NotAudioError(f"not an audio file: {self.name}")
            raise NoAudioStreamError(f"no audio stream in {self.name}")
        self._stream = audio[0]

    @property
    def duration(self) -> float | None:
        s = self._stream
        if s.duration is not None and s.time_base is not None and s.duration > 0:
            return float(s.duration * s.time_base)
        if self._container.duration is not None and self._container.duration > 0:
            return self._container.duration / av.time_base
        return None

    @property
    def has_samples(self) -> bool:
        return self._first is not None

    # -- decoding ---------------------------------------------------------------------------------------
    def _peek(self):
        self._frame_iter = self._frames()
        return next(self._frame_iter, None)

    def _frames(self) -> Iterator[av.AudioFrame]:
        """Decoded frames; skips packets the decoder rejects; stops quietly where a truncated file ends."""
        produced = skipped = 0
        last_error: Exception | None = None
        packets = self._container.demux(self._stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                break
            except av.error.FFmpegError as e:  # demuxer gave up: truncated or corrupt container
                if produced == 0:
                    raise DecodeError(f"could not decode {self.name}: {_reason(e)}") from None
                log.warning("%s: stopped at a damaged part (%s); keeping the audio before it", self.name, _reason(e))
                break
            try:
                frames = packet.decode()
            except av.error.FFmpegError as e:
                skipped += 1
                last_error = e
                continue
            for frame in frames:
                produced += 1
                yield frame
        if skipped:
            if produced == 0:
                raise DecodeError(f"could not decode {self.name}: {_reason(last_error)}")
            log.warning("%s: skipped %d undecodable packet(s)", self.name, skipped)

    def _mono(self, frame) -> np.ndarray:
        if frame.sample_rate != self.samplerate:
            raise DecodeError(f"could not decode {self.name}: sample rate changes mid-stream")
        try:
            planes = frame.to_ndarray()
        except ValueError:  # PyAV has no numpy type for it (64-bit integer PCM)
            raise UnsupportedAudioError(f"could not decode {self.name}: unsupported sample format "
                                        f"{frame.format.name}") from None
        if not frame.format.is_planar:  # packed: (1, frames * channels), interleaved
            planes = planes.reshape(-1, frame.layout.nb_channels).T
        return downmix_planar(planes)

    def _position(self, frame) -> int | None:
        if frame.pts is None or self._origin_pts is None or frame.time_base is None:
            return None
        return round((frame.pts - self._origin_pts) * frame.time_base * self.samplerate)

    def _seek(self, start: int):
        """``(frames, position of the first)`` via a container seek to just before ``start``, or None."""
        if not any(name in _EXACT_SEEK_FORMATS for name in self._container.format.name.split(",")):
            return None
        s = self._stream
        if self._origin_pts is None or start < _SEEK_MIN_SECONDS * self.samplerate:
            return None
        if s.time_base is None or s.time_base > Fraction(1, self.samplerate):
            return None  # e.g. WebM's millisecond timestamps cannot place a sample exactly
        target = start / self.samplerate - _SEEK_PREROLL_SECONDS
        self._at_top = False  # whatever happens now, the peeked frame iterator is no longer valid
        try:
            self._container.seek(int(target / s.time_base) + self._origin_pts, stream=s, backward=True)
        except av.error.FFmpegError:
            return None
        frames = self._frames()
        first = next(frames, None)
        if first is None or (pos := self._position(first)) is None or pos > start:
            return None  # overshot, or lost track of time: the caller re-decodes from the top

        def chain():
            yield first
            yield from frames

        return chain(), pos

    def _from_top(self) -> Iterator[av.AudioFrame]:
        if not self._at_top:  # consumed or seeked away: reopen
            self._open()
            self._first = self._peek()
        self._at_top = False
        if self._first is not None:
            yield self._first
        yield from self._frame_iter

    def blocks(self, start: int = 0) -> Iterator[np.ndarray]:
        sought = self._seek(start) if start > 0 else None
        frames, pos = sought if sought is not None else (self._from_top(), 0)
        pending: list[np.ndarray] = []
        pending_n = 0
        for frame in frames:
            mono = self._mono(frame)
            end = pos + len(mono)
            if end > start:
                pending.append(mono[start - pos :] if pos < start else mono)
                pending_n += len(pending[-1])
                if pending_n >= self._blocksize:
                    yield np.concatenate(pending)
                    pending, pending_n = [], 0
            pos = end
        if pending:
            yield np.concatenate(pending)

    def _close_input(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None
        if self._bytes is not None:
            self._bytes.close()
            self._bytes = None

    def close(self) -> None:
        self._close_input()


def _reason(err: Exception | None) -> str:
    text = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return text.strip().splitlines()[0].rstrip(".").lower() if text else "unknown error"


# Magic numbers of media containers: a file that starts like one but fails to open is broken, not "not audio".
_MAGIC = (b"RIFF", b"RF64", b"FORM", b"fLaC", b"OggS", b"ID3", b"\x1aE\xdf\xa3", b"caff", b".snd", b"wvpk",
          b"MAC ", b"#!AMR", b"\x30\x26\xb2\x75", b".RMF")


def looks_like_mpeg_audio(head: bytes) -> bool:
    """An ID3 tag or an MPEG audio / ADTS frame sync: an mp3 (or raw aac) stream."""
    return head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0)


def looks_like_media(head: bytes) -> bool:
    return head.startswith(_MAGIC) or head[4:8] == b"ftyp" or looks_like_mpeg_audio(head)


def _open_error(source: Source, err: Exception) -> Exception:
    head = source.head()
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_PLAYLIST_MAGIC):
        return UnsupportedAudioError(f"{source.name} is a playlist: dancekit decodes only a recording's own bytes, "
                                     "never files or URLs that a playlist names")
    if looks_like_media(head):
        return DecodeError(f"could not decode {source.name}: {_reason(err)}")
    return NotAudioError(f"not an audio file: {source.name}")
