"""Turn what the caller handed us (path, bytes, file object) into something both decoders can open.

Why a separate step: the two backends want different things (soundfile and PyAV both take a path or a
seekable binary file object, and each may consume the stream while probing), and the one-line error
messages need a display name ("song.mp3", "<bytes>", "<stream>") that never leaks a full traceback.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

from dancekit.errors import AudioError, EmptyAudioError, NotAudioError

#: What ``stream`` / ``load`` / ``info`` accept.
AudioSource = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO]

# Non-seekable inputs (pipes, sockets) are spooled: in memory up to this size, then to a temp file, so a
# long WAV piped in does not need RAM proportional to its size.
_SPOOL_MAX_BYTES = 32 * 1024 * 1024


class MissingFileError(AudioError, FileNotFoundError):
    """The path does not exist. Also a ``FileNotFoundError``, so generic ``except OSError`` code works."""


@dataclass
class Source:
    """An opened input: either a filesystem ``path`` or a seekable binary ``fileobj`` (never both)."""

    name: str
    path: str | None = None
    fileobj: BinaryIO | None = None
    _owned: bool = False  # True when we created fileobj (BytesIO / spool) and must close it

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
        """What to hand to ``soundfile.SoundFile`` / ``av.open``."""
        return self.path if self.path is not None else self.fileobj

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


def open_source(source: AudioSource) -> Source:
    """Validate ``source`` and wrap it; raises the one-line errors that need no decoder at all."""
    name = display_name(source)
    if isinstance(source, (str, os.PathLike)):
        return _from_path(Path(source), name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise EmptyAudioError(f"empty file: {name}")
        return Source(name=name, fileobj=io.BytesIO(bytes(source)), _owned=True)
    if hasattr(source, "read"):
        return _from_fileobj(source, name)
    raise TypeError(f"audio source must be a path, bytes or a binary file object, not {type(source).__name__}")


def _from_path(path: Path, name: str) -> Source:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise MissingFileError(f"file not found: {os.fspath(path)}") from None
    except OSError as e:
        raise AudioError(f"could not read {name}: {e.strerror or e}") from None
    if path.is_dir():
        raise NotAudioError(f"not an audio file: {name} (a directory)")
    if st.st_size == 0 and path.is_file():
        raise EmptyAudioError(f"empty file: {name}")
    if not os.access(path, os.R_OK):
        raise AudioError(f"could not read {name}: permission denied")
    return Source(name=name, path=os.fspath(path))


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
        shutil.copyfileobj(f, spool)
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
