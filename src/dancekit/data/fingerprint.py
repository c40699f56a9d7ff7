"""Content hashes of files and data folders: how a model card names the data it was trained on.

A trainer's folders (``/tmp/run3/corpus``) mean nothing on another machine; a folder's name with
a hash of its contents says which data it was, and whether someone else's copy is the same.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_BLOCK = 1 << 20


def file_sha256(path: str | os.PathLike) -> str:
    """The sha256 of one file's bytes, read in blocks (weights and audio can be large).

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    str
        64 lowercase hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_below(folder: Path) -> list[Path]:
    """Every file below ``folder`` in a fixed order, hidden files and folders (``.git``, ``.DS_Store``) left out."""
    return sorted((p for p in folder.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts)),
                  key=lambda p: p.relative_to(folder).as_posix())


def describe_data(path: str | os.PathLike) -> dict:
    """A data set by name and content, for a model card: the same files give the same hash anywhere.

    The hash covers every file's path relative to ``path`` and its bytes, so a renamed, added,
    removed or changed file changes it, while the folder's own location does not.

    Parameters
    ----------
    path : str or os.PathLike
        A data folder (e.g. a ``dancekit synth`` corpus, ``tang_dance``) or a single file.

    Returns
    -------
    dict
        ``{"name": folder or file name, "sha256": content hash, "files": number of files}``.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    """
    path = Path(path).absolute()
    if path.is_file():
        return {"name": path.name, "sha256": file_sha256(path), "files": 1}
    if not path.is_dir():
        raise FileNotFoundError(f"no data at {path}")
    digest = hashlib.sha256()
    files = _files_below(path)
    for file in files:
        digest.update(f"{file.relative_to(path).as_posix()}\0{file_sha256(file)}\n".encode())
    return {"name": path.name, "sha256": digest.hexdigest(), "files": len(files)}
