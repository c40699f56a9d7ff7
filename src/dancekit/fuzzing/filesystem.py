"""Putting cases on disk: plain files, and the file-system oddities a path may turn out to be.

Why a module: the command line and the API's path mode both open what a path names, and a path
can name far more than a regular file: a FIFO whose open never returns, a socket, a device that
never ends, a link to nowhere, a file even root cannot read, a name no terminal prints. Each case
gets its own folder holding the canary files too, so relative playlist entries find something.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

from dancekit.fuzzing import forge
from dancekit.fuzzing.cases import FILE, FS, Case

#: Names for the oddities that are about the name itself.
ODD_UNICODE_NAME = "T\u00e4nzchen \u2603 \U0001f3b5 e\u0301 \u202eevaw.wav"
SHELL_NAME = "$(touch pwned) ; `id` 'q\" & | > x.wav"
NON_UTF8_NAME = os.fsdecode(b"caf\xe9-\xff\xfe.wav")
SPARSE_BYTES = 8 * 1024**3

_short_dirs: list[str] = []


def materialise(case: Case, folder: Path, data: bytes | None = None) -> str:
    """Create ``case`` under ``folder`` (made here) and return the path to hand to the target.

    Parameters
    ----------
    case : Case
        A ``file`` or ``fs`` case.
    folder : Path
        An empty folder for this case alone.
    data : bytes, optional
        The content to write (``case.data`` after the canary placeholders were filled in).
    """
    folder.mkdir(parents=True, exist_ok=True)
    data = case.data if data is None else data
    if case.kind == FILE:
        path = folder / _safe_name(case.filename)
        path.write_bytes(data)
        return str(path)
    if case.kind != FS:
        raise ValueError(f"{case.id} is not a file or file-system case")
    return _ODDITIES[case.fs](folder, data)


def _safe_name(name: str) -> str:
    name = name.replace("/", "_").replace("\0", "_")
    return name if name not in ("", ".", "..") else "input.bin"


def _plain(name: str):
    def make(folder: Path, data: bytes) -> str:
        path = folder / name
        path.write_bytes(data)
        return str(path)

    return make


def _directory(folder: Path, data: bytes) -> str:
    path = folder / "x.wav"
    path.mkdir()
    return str(path)


def _directory_named_mp3(folder: Path, data: bytes) -> str:
    path = folder / "album.mp3"
    path.mkdir()
    (path / "01.wav").write_bytes(data)
    return str(path)


def _fifo(folder: Path, data: bytes) -> str:
    path = folder / "pipe.wav"
    os.mkfifo(path)
    return str(path)


def _socket(folder: Path, data: bytes) -> str:
    path = folder / "sock.wav"
    if len(os.fsencode(str(path))) > 100:  # AF_UNIX paths are limited to 108 bytes
        short = tempfile.mkdtemp(prefix="fzs")
        _short_dirs.append(short)
        path = Path(short) / "sock.wav"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(str(path))
    finally:
        s.close()  # the socket file stays; nothing listens
    return str(path)


def _unreadable_chmod(folder: Path, data: bytes) -> str:
    path = folder / "locked.wav"
    path.write_bytes(data)
    path.chmod(0)
    return str(path)


def _unreadable_proc(folder: Path, data: bytes) -> str:
    target = Path("/proc/sys/vm/drop_caches")  # write-only, even for root
    if not target.exists():
        return _unreadable_chmod(folder, data)
    path = folder / "locked.wav"
    path.symlink_to(target)
    return str(path)


def _dangling(folder: Path, data: bytes) -> str:
    path = folder / "gone.wav"
    path.symlink_to(folder / "never-existed.wav")
    return str(path)


def _loop(folder: Path, data: bytes) -> str:
    a, b = folder / "a.wav", folder / "b.wav"
    a.symlink_to(b)
    b.symlink_to(a)
    return str(a)


def _device(path: str):
    return lambda folder, data: path


def _missing(folder: Path, data: bytes) -> str:
    return str(folder / "missing.wav")


def _trailing_slash(folder: Path, data: bytes) -> str:
    return _plain("x.wav")(folder, data) + "/"


def _too_long(folder: Path, data: bytes) -> str:
    return str(folder / ("a" * 300 + ".wav"))


def _sparse(folder: Path, data: bytes) -> str:
    """An 8 GB WAV of silence that takes no disk: 74 hours at 8 kHz, all of it zeros."""
    path = folder / "huge.wav"
    with open(path, "wb") as f:
        f.write(forge.wav(b"", rate=8000, data_size=0xFFFFFFF0))
        f.truncate(SPARSE_BYTES)
    return str(path)


_ODDITIES = {
    "directory": _directory, "directory_named_mp3": _directory_named_mp3, "fifo": _fifo, "socket": _socket,
    "unreadable_chmod_000": _unreadable_chmod, "unreadable_proc_file": _unreadable_proc, "dangling_symlink": _dangling,
    "symlink_loop": _loop, "/dev/zero": _device("/dev/zero"), "/dev/urandom": _device("/dev/urandom"),
    "/dev/null": _device("/dev/null"), "missing_file": _missing, "file_with_trailing_slash": _trailing_slash,
    "name_too_long": _too_long, "odd_unicode_name": _plain(ODD_UNICODE_NAME), "shell_metachar_name": _plain(SHELL_NAME),
    "non_utf8_name": _plain(NON_UTF8_NAME), "sparse_8gb_wav": _sparse, "proc_self_mem": _device("/proc/self/mem"),
}


def cleanup() -> None:
    """Remove the short folders made for sockets whose folder path was too long."""
    while _short_dirs:
        shutil.rmtree(_short_dirs.pop(), ignore_errors=True)
