"""Which files a scan reads: every media file below the given folders, by its name.

The decoder reads by content (libsndfile, then ffmpeg's audio and video demuxers), but a library
holds cover art, cue sheets and notes beside its music: opening each of them costs a probe, so
files are chosen by their ending, every ending of a format the decoder reads. A file so chosen that
turns out not to be audio is noted when decoded; other files are counted as skipped, by ending.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

#: Endings of the audio and video formats the decoder reads (lower case, with the dot).
MEDIA_EXTENSIONS = frozenset({
    # libsndfile
    ".wav", ".wave", ".flac", ".ogg", ".oga", ".aiff", ".aif", ".aifc", ".au", ".snd", ".w64", ".caf",
    # ffmpeg: audio
    ".mp3", ".mp2", ".mpga", ".opus", ".m4a", ".m4b", ".aac", ".ac3", ".eac3", ".dts", ".wma", ".wv",
    ".ape", ".mpc", ".tta", ".tak", ".shn", ".amr", ".dsf", ".mka", ".weba", ".ra", ".rm", ".voc",
    # ffmpeg: the sound of videos
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".3gp", ".flv", ".wmv", ".asf", ".mpg", ".mpeg", ".ts",
})


@dataclass
class Discovery:
    """What a walk over the scan's paths found.

    Attributes
    ----------
    files : list of Path
        Media files, sorted, each once (a file reached through two given paths too).
    skipped : collections.Counter
        Files that are not media by their ending, counted by ending (``"(none)"`` for no ending).
    missing : list of str
        Given paths that do not exist.
    """

    files: list[Path] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)

    def skipped_note(self) -> str | None:
        """One line on the files left out as not audio, e.g. ``skipped 3 files that are not audio
        (.jpg 2, .txt 1)``; None when there are none."""
        total = sum(self.skipped.values())
        if not total:
            return None
        kinds = ", ".join(f"{ext} {n}" for ext, n in self.skipped.most_common(6))
        more = ", ..." if len(self.skipped) > 6 else ""
        return f"skipped {total} file{'s' if total > 1 else ''} that {'are' if total > 1 else 'is'} not audio ({kinds}{more})"


def is_media_name(path: str | os.PathLike) -> bool:
    """Whether a file's ending is one of :data:`MEDIA_EXTENSIONS` (hidden files never are).

    Parameters
    ----------
    path : str or os.PathLike
        A file name or path.

    Returns
    -------
    bool
        False also for names starting with a dot: macOS's ``._song.mp3`` shadows, half-written
        temporary files.
    """
    name = os.path.basename(os.fspath(path))
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in MEDIA_EXTENSIONS


def discover(paths: Iterable[str | os.PathLike]) -> Discovery:
    """Every media file below ``paths`` (folders are walked recursively; a file is taken as given).

    Symbolic links to files are followed, links to folders are not (they can loop). Hidden files and
    folders are left out without a note.

    Parameters
    ----------
    paths : iterable of str or os.PathLike
        Folders and files.

    Returns
    -------
    Discovery
        The media files in a stable order, what was skipped, and the paths that do not exist.
    """
    found = Discovery()
    seen: set[str] = set()

    def take(path: Path) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.files.append(path)

    for given in map(Path, paths):
        if given.is_dir():
            for folder, dirs, names in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    path = Path(folder) / name
                    if name.startswith(".") or not path.is_file():
                        continue
                    if is_media_name(name):
                        take(path)
                    else:
                        found.skipped[path.suffix.lower() or "(none)"] += 1
        elif given.is_file():
            take(given)  # named on purpose: the decoder decides
        else:
            found.missing.append(os.fspath(given))
    return found
