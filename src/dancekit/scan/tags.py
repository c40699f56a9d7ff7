"""Write the dance and the tempo into the files' own tags, never damaging a file, and undo it.

Tags, by format (``mutagen``):

========================  =======================  ===================================
format                    tempo                    dance
========================  =======================  ===================================
MP3, WAV, AIFF (ID3v2)    ``TBPM``                 ``TXXX:DANCE``
FLAC, Ogg Vorbis, Opus    ``BPM``                  ``DANCE``
MP4, M4A                  ``tmpo``                 ``----:com.apple.iTunes:DANCE``
========================  =======================  ===================================

A file is never edited in place: its copy is tagged, decoded, and compared sample for sample with the
original; only an identical copy replaces it (an atomic rename). Before the rename, a line of the undo
log records the tags as they were and the hashes before and after, so :func:`undo` can put the old
tags back on exactly the files that are still as this module left them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from dancekit.errors import DancekitError
from dancekit.data.fingerprint import file_sha256

#: The two tags, by neutral name.
BPM, DANCE = "bpm", "dance"
_ID3_DANCE = "TXXX:DANCE"
_MP4_DANCE = "----:com.apple.iTunes:DANCE"


class TagError(DancekitError):
    """A file's tags could not be written safely; the file is as it was."""


@dataclass
class TagChange:
    """What tagging one file changes (or would change).

    Parameters
    ----------
    path : str
        The file.
    before : dict
        ``bpm`` and ``dance`` as they are (None: absent).
    after : dict
        As they will be; only the keys being set.
    """

    path: str
    before: dict
    after: dict

    @property
    def changes(self) -> bool:
        """Whether any tag would get a new value."""
        return any(self.before.get(k) != v for k, v in self.after.items())

    def describe(self) -> str:
        """One line: ``song.mp3: bpm None -> 120, dance None -> 'Tango'``."""
        parts = [f"{k} {self.before.get(k)!r} -> {v!r}" for k, v in self.after.items() if self.before.get(k) != v]
        return f"{self.path}: {', '.join(parts) if parts else 'unchanged'}"


def wanted_tags(row: dict) -> dict:
    """The tags a scan row asks for: its dance and whole BPM, only for a sure answer.

    Parameters
    ----------
    row : dict
        A scan row (``status``, ``sure``, ``dance``, ``bpm``).

    Returns
    -------
    dict
        ``{"dance": ..., "bpm": ...}``, BPM left out when no steady beat was found; empty when the
        answer is not sure or there is none.
    """
    if not row.get("sure") or not row.get("dance") or row.get("status") == "no_music":
        return {}
    out = {DANCE: row["dance"]}
    if row.get("bpm"):
        out[BPM] = str(int(round(row["bpm"])))
    return out


def _open(path: str):
    import mutagen

    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError as err:
        raise TagError(f"cannot read the tags of {path}: {err}") from None
    if audio is None:
        raise TagError(f"cannot tag {path}: not a format whose tags dancekit writes")
    return audio


def _kind(audio) -> str:
    from mutagen._vorbis import VCommentDict
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4, MP4Tags

    if isinstance(audio, MP4) or isinstance(audio.tags, MP4Tags):
        return "mp4"
    if isinstance(audio.tags, VCommentDict):
        return "vorbis"
    if isinstance(audio.tags, ID3) or (audio.tags is None and hasattr(audio, "add_tags")
                                       and type(audio).__name__ in ("MP3", "WAVE", "AIFF", "EasyMP3")):
        return "id3"
    raise TagError(f"cannot tag {audio.filename}: dancekit writes ID3, Vorbis and MP4 tags only")


def read_tags(path: str | os.PathLike) -> dict:
    """The file's tempo and dance tags.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    dict
        ``{"bpm": str or None, "dance": str or None}``.
    """
    audio = _open(os.fspath(path))
    kind, tags = _kind(audio), audio.tags
    if tags is None:
        return {BPM: None, DANCE: None}
    if kind == "id3":
        bpm, dance = tags.get("TBPM"), tags.get(_ID3_DANCE)
        return {BPM: str(bpm.text[0]) if bpm else None, DANCE: str(dance.text[0]) if dance else None}
    if kind == "vorbis":
        bpm, dance = tags.get("BPM"), tags.get("DANCE")
        return {BPM: bpm[0] if bpm else None, DANCE: dance[0] if dance else None}
    bpm, dance = tags.get("tmpo"), tags.get(_MP4_DANCE)
    return {BPM: str(bpm[0]) if bpm else None, DANCE: bytes(dance[0]).decode("utf-8") if dance else None}


def _set_tags(path: str, values: dict) -> None:
    """Set (a value) or remove (None) each tag of ``values`` in the file, in place."""
    from mutagen.id3 import TBPM, TXXX
    from mutagen.mp4 import MP4FreeForm

    audio = _open(path)
    kind = _kind(audio)
    if audio.tags is None:
        audio.add_tags()
    tags = audio.tags
    for key, value in values.items():
        if kind == "id3":
            frame = "TBPM" if key == BPM else _ID3_DANCE
            tags.delall(frame)
            if value is not None:
                tags.add(TBPM(encoding=3, text=[value]) if key == BPM else TXXX(encoding=3, desc="DANCE", text=[value]))
        elif kind == "vorbis":
            name = "BPM" if key == BPM else "DANCE"
            if value is None:
                if name in tags:
                    del tags[name]
            else:
                tags[name] = [value]
        else:
            name = "tmpo" if key == BPM else _MP4_DANCE
            if value is None:
                tags.pop(name, None)
            else:
                tags[name] = [int(value)] if key == BPM else [MP4FreeForm(value.encode("utf-8"))]
    audio.save()


def _same_audio(a: str, b: str) -> bool:
    """Whether two files decode to the same samples, compared chunk by chunk (memory stays flat)."""
    from itertools import zip_longest

    import numpy as np

    from dancekit import audio

    chunks = zip_longest(audio.stream(a, sr=None, chunk_seconds=60), audio.stream(b, sr=None, chunk_seconds=60))
    return all(x is not None and y is not None and np.array_equal(x, y) for x, y in chunks)


def safe_retag(path: str | os.PathLike, values: dict, log: str | os.PathLike | None = None,
               before: dict | None = None, expect_hash: str | None = None) -> tuple[str, str]:
    """Give ``path`` the tags ``values`` through a verified copy, recording the change in ``log``.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    values : dict
        ``bpm`` and/or ``dance``: a string sets the tag, None removes it.
    log : str or os.PathLike, optional
        The undo log (JSON lines) to append to before the file is replaced.
    before : dict, optional
        The tags as they are (read here when not given), for the log.
    expect_hash : str, optional
        The sha256 the file must still have (that of the bytes the answer was given for).

    Returns
    -------
    hash_before, hash_after : str
        The sha256 of the file's bytes before and after.

    Raises
    ------
    TagError
        The tags could not be written, or the tagged copy did not decode to the same samples;
        the file is untouched.
    """
    path = os.fspath(path)
    if expect_hash is not None and file_sha256(path) != expect_hash:
        raise TagError(f"not tagged {path}: it changed since it was scanned")
    before = read_tags(path) if before is None else before
    tmp = os.path.join(os.path.dirname(path) or ".", f".{os.path.basename(path)}.dancekit-tags.tmp")
    try:
        shutil.copy2(path, tmp)
        _set_tags(tmp, values)
        if not _same_audio(path, tmp):
            raise TagError(f"not tagged {path}: the tagged copy did not decode to the same audio")
        hash_before, hash_after = file_sha256(path), file_sha256(tmp)
        if log is not None:
            entry = {"path": os.path.abspath(path), "hash_before": hash_before, "hash_after": hash_after,
                     "before": {k: before.get(k) for k in values}, "after": values,
                     "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            _append_line(log, entry)
        os.replace(tmp, path)
    except TagError:
        raise
    except Exception as err:  # mutagen and OS errors: the original file has not been touched
        raise TagError(f"not tagged {path}: {type(err).__name__}: {err}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return hash_before, hash_after


def _append_line(log: str | os.PathLike, entry: dict) -> None:
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


@dataclass
class UndoReport:
    """What :func:`undo` did.

    Attributes
    ----------
    restored : list of (str, str, str)
        ``(path, hash_after_tagging, hash_now)`` of the files whose old tags are back.
    skipped : list of str
        One line per entry left alone (the file changed since, or is gone).
    """

    restored: list
    skipped: list


def read_log(log: str | os.PathLike) -> list[dict]:
    """The entries of an undo log, oldest first.

    Parameters
    ----------
    log : str or os.PathLike
        A log written by :func:`safe_retag`.

    Returns
    -------
    list of dict
        A half-written last line (a crash while appending) is ignored.
    """
    entries = []
    for line in Path(log).read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and {"path", "hash_after", "before"} <= entry.keys():
            entries.append(entry)
    return entries


def undo(log: str | os.PathLike, dry_run: bool = False) -> UndoReport:
    """Put back the tags a log recorded, newest change first, on the files still as tagging left them.

    Parameters
    ----------
    log : str or os.PathLike
        The undo log.
    dry_run : bool
        Only say what would be restored.

    Returns
    -------
    UndoReport
        Restored files and the entries left alone.
    """
    report = UndoReport([], [])
    for entry in reversed(read_log(log)):
        path = entry["path"]
        try:
            now = file_sha256(path)
        except OSError as err:
            report.skipped.append(f"{path}: {err.strerror or err}")
            continue
        if now != entry["hash_after"]:
            report.skipped.append(f"{path}: changed since it was tagged (or already restored)")
            continue
        if dry_run:
            report.restored.append((path, now, now))
            continue
        try:
            _, after = safe_retag(path, entry["before"])
        except TagError as err:
            report.skipped.append(str(err))
            continue
        report.restored.append((path, now, after))
    return report


@dataclass
class TagSummary:
    """What :func:`tag_rows` did.

    Attributes
    ----------
    changed : list of TagChange
        Files tagged (or, in a dry run, that would be).
    unchanged : int
        Files whose tags already said the same (or whose other values were kept).
    failed : list of str
        One line per file that could not be tagged (it is as it was).
    kept : int
        Tags left as they were because they held another value already (no ``overwrite``).
    """

    changed: list
    unchanged: int
    failed: list
    kept: int = 0


def tag_rows(rows: list[dict], log: str | os.PathLike, dry_run: bool = False, retagged=None,
             overwrite: bool = False) -> TagSummary:
    """Tag every file of a scan whose answer is sure with its dance and BPM (see :func:`wanted_tags`).

    Parameters
    ----------
    rows : list of dict
        Scan rows.
    log : str or os.PathLike
        The undo log, appended to.
    dry_run : bool
        Read the tags and report the changes, write nothing.
    retagged : callable, optional
        ``retagged(path, hash_before, hash_after)`` after each file is replaced (the store keeps the
        answer under the new hash).
    overwrite : bool
        Replace a tag that holds another value already (a BPM set by hand, say); off, it is kept.

    Returns
    -------
    TagSummary
    """
    summary = TagSummary([], 0, [])
    for row in rows:
        values = wanted_tags(row)
        if not values:
            continue
        try:
            before = read_tags(row["path"])
            if not overwrite:
                taken = {k for k, v in values.items() if before.get(k) not in (None, "", v)}
                summary.kept += len(taken)
                values = {k: v for k, v in values.items() if k not in taken}
            change = TagChange(row["path"], before, values)
            if not change.changes:
                summary.unchanged += 1
                continue
            if not dry_run:
                before, after = safe_retag(row["path"], values, log, change.before, row.get("file_hash"))
                if retagged is not None:
                    retagged(row["path"], before, after)
        except TagError as err:
            summary.failed.append(str(err))
            continue
        summary.changed.append(change)
    return summary
