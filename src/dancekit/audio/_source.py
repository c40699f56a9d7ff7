"""Turn what the caller handed us (path, bytes, file object) into something both decoders can open.

Why a separate step: the two backends want different things (soundfile and PyAV both take a path or a
seekable binary file object, and each may consume the stream while probing), and the one-line error
messages need a display name ("song.mp3", "<bytes>", "<stream>") that never leaks a full traceback.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

from dancekit.errors import AudioError, EmptyAudioError, NotAudioError

#: What ``stream`` / ``load`` / ``info`` accept.
AudioSource = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO]

# Non-seekable inputs (pipes, sockets) are spooled: in memory up to this size, then to a temp file, so a
# long WAV piped in does not need RAM proportional to its size.
_SPOOL_MAX_BYTES = 32 * 1024 * 1024
#: A pipe or stream longer than this is refused rather than spooled: 4 GB is over 6 hours of CD audio
#: as WAV, and a stream that never ends (a device, ``yes | dancekit``) must not fill the disk.
MAX_STREAM_BYTES = 4 * 1024 * 1024 * 1024
#: How long a named pipe may wait for its writer: the writer of ``<(curl ...)`` starts at once,
#: while a pipe nobody writes to would block its reader forever.
PIPE_WAIT_SECONDS = 30.0


class MissingFileError(AudioError, FileNotFoundError):
    """The path does not exist. Also a ``FileNotFoundError``, so generic ``except OSError`` code works."""


@dataclass
class Source:
    """An opened input: either a filesystem ``path`` or a seekable binary ``fileobj`` (never both)."""

    name: str
    path: str | None = None
    fileobj: BinaryIO | None = None
    _owned: bool = False  # True when we created fileobj (BytesIO / spool) and must close it
    #: Let ffmpeg open playlists (HLS, ffconcat) by the path's name: they make it read other files and
    #: URLs. Only for a local path its user asked for explicitly; never for uploads or bytes.
    playlists: bool = False

    def rewind(self) -> None:
        """Back to byte 0, so the next backend probes the whole input (the previous one may have read it)."""
        if self.fileobj is not None:
            self.fileobj.seek(0)

    def head(self, n: int = 64) -> bytes:
        """The first ``n`` bytes, for sniffing magic numbers; leaves a file object rewound."""
        if self.path is not None:
            with open(self.path, "rb") as f:
                return f.read(n)
        self.rewind()
        data = self.fileobj.read(n)
        self.rewind()
        return data

    @property
    def target(self):
        """What to hand to ``soundfile.SoundFile``: it only ever reads the one file or object."""
        return self.path if self.path is not None else self.fileobj

    def nameless(self) -> "NamelessReader":
        """The input's bytes behind a file object with no name, for ffmpeg.

        ffmpeg chooses a demuxer partly by the name it is given: an upload called ``x.m3u8`` was read
        as a playlist, which made the server fetch the URLs and local files it listed. Without a name
        the demuxer is chosen from the bytes alone.
        """
        if self.path is not None:
            return NamelessReader(open(self.path, "rb"), owned=True)
        self.rewind()
        return NamelessReader(self.fileobj, owned=False)

    def close(self) -> None:
        if self._owned and self.fileobj is not None:
            self.fileobj.close()


def display_name(source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source)) or os.fspath(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>"
    name = getattr(source, "name", None)
    if isinstance(name, (str, os.PathLike)) and os.fspath(name):
        return os.path.basename(os.fspath(name))
    return "<stream>"


def open_source(source: AudioSource, playlists: bool = False) -> Source:
    """Validate ``source`` and wrap it; raises the one-line errors that need no decoder at all.

    ``playlists`` lets a local path be read as a playlist (see ``Source.playlists``).
    """
    name = display_name(source)
    if isinstance(source, (str, os.PathLike)):
        src = _from_path(Path(source), name)
        src.playlists = playlists and src.path is not None
        return src
    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise EmptyAudioError(f"empty file: {name}")
        return Source(name=name, fileobj=io.BytesIO(bytes(source)), _owned=True)
    if hasattr(source, "read"):
        return _from_fileobj(source, name)
    raise TypeError(f"audio source must be a path, bytes or a binary file object, not {type(source).__name__}")


class NamelessReader:
    """Read, seek and tell over a binary file object, and nothing else: no ``name`` for ffmpeg to use."""

    def __init__(self, fileobj: BinaryIO, owned: bool):
        self._f = fileobj
        self._owned = owned

    def read(self, n: int = -1) -> bytes:
        return self._f.read(n)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        if self._owned:
            self._f.close()


def _from_path(path: Path, name: str) -> Source:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise MissingFileError(f"file not found: {os.fspath(path)}") from None
    except OSError as e:
        raise AudioError(f"could not read {name}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotAudioError(f"not an audio file: {name} (a directory)")
    if stat.S_ISSOCK(st.st_mode):
        raise NotAudioError(f"not an audio file: {name} (a socket)")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        raise NotAudioError(f"not an audio file: {name} (a device)")
    if not os.access(path, os.R_OK):
        raise AudioError(f"could not read {name}: permission denied")
    if stat.S_ISFIFO(st.st_mode):  # a pipe can be read once: take its bytes now, as from a stream
        try:
            with _open_pipe(path, name) as pipe:
                return _from_fileobj(pipe, name)
        except OSError as e:
            raise AudioError(f"could not read {name}: {e.strerror or e}") from None
    if st.st_size == 0:
        raise EmptyAudioError(f"empty file: {name}")
    return Source(name=name, path=os.fspath(path))


def _open_pipe(path: Path, name: str, wait: float | None = None) -> BinaryIO:
    """Open a named pipe for reading, giving up when no writer comes within ``PIPE_WAIT_SECONDS``."""
    wait = PIPE_WAIT_SECONDS if wait is None else wait
    opened: dict = {}

    def open_blocking():
        try:
            opened["file"] = open(path, "rb")
        except OSError as e:
            opened["error"] = e

    opener = threading.Thread(target=open_blocking, daemon=True)
    opener.start()
    opener.join(wait)
    if opener.is_alive():  # release the blocked open: come and go as a writer, so it reads end of file
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
        opener.join(5)
        if "file" in opened:
            opened["file"].close()
        raise AudioError(f"could not read {name}: nothing wrote to the pipe within {wait:g} s")
    if "error" in opened:
        raise opened["error"]
    return opened["file"]


def _from_fileobj(f: BinaryIO, name: str) -> Source:
    seekable = getattr(f, "seekable", lambda: False)()
    if seekable:
        f.seek(0)  # the whole object is the file: both decoders seek to absolute byte offsets anyway
        probe = f.read(1)
        _require_binary(probe)
        if not probe:
            raise EmptyAudioError(f"empty file: {name}")
        f.seek(0)
        return Source(name=name, fileobj=f)
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX_BYTES)
    try:
        first = f.read(1 << 16)
        _require_binary(first)
        spool.write(first)
        while block := f.read(1 << 20):
            spool.write(block)
            if spool.tell() > MAX_STREAM_BYTES:
                raise AudioError(f"could not read {name}: stream longer than {MAX_STREAM_BYTES >> 30} GB")
    except BaseException:
        spool.close()
        raise
    if spool.tell() == 0:
        spool.close()
        raise EmptyAudioError(f"empty file: {name}")
    spool.seek(0)
    return Source(name=name, fileobj=spool, _owned=True)


def _require_binary(data) -> None:
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("audio file objects must be opened in binary mode ('rb')")
