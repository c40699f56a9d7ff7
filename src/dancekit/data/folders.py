"""Any folder-per-class tree: ``<root>/<class>/.../<file>.<audio>``, the layout most private sets use.

Each subfolder of ``root`` is a class (hidden ones excepted) and every audio file below it, at any
depth, is a recording of that class. Each file is its own group, unless ``group_by_subfolder``: then
the first folder under the class folder (``<class>/<artist>/...`` or ``<class>/<album>/...``) is the
group, so one artist's or album's songs stay on one side of a split.
"""

from __future__ import annotations

from pathlib import Path

from dancekit.data.errors import DatasetLayoutError
from dancekit.data.labels import LabelMapping, LabelSet
from dancekit.data.recordings import AUDIO_EXTENSIONS, Recording, is_audio_file

_EXPECTED = f"<root>/<class>/<file> with audio files ({', '.join(e[1:] for e in AUDIO_EXTENSIONS)})"


def folder_recordings(root: str | Path, *, labels: LabelSet | None = None, mapping: LabelMapping | None = None,
                      group_by_subfolder: bool = False) -> list[Recording]:
    """Every audio file, sorted by class then path; group = the file's path under ``root`` (no suffix).

    Parameters
    ----------
    root : str or Path
        The tree: one folder per class.
    labels : LabelSet, optional
        The class folders must be names of this set (any other folder is a layout error).
    mapping : LabelMapping, optional
        Folder names are its source classes, and labels become its targets.
    group_by_subfolder : bool
        Group by the first folder under the class folder (artist or album) instead of by file.

    Returns
    -------
    list of Recording
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetLayoutError(f"dataset folder not found: {root} (expected {_EXPECTED})")
    allowed = mapping.source if mapping is not None else labels
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(p for p in folder.rglob("*") if is_audio_file(p)
                       and not any(part.startswith(".") for part in p.relative_to(folder).parts))
        if not files:
            continue
        if allowed is not None and folder.name not in allowed:
            raise DatasetLayoutError(f"folder {folder.name!r} in {root} is not a class of {allowed.name!r} "
                                     f"(expected one folder per class: {', '.join(allowed)})")
        for path in files:
            relative = path.relative_to(root)
            if group_by_subfolder and len(relative.parts) > 2:
                group = "/".join(relative.parts[:2])
            else:
                group = relative.with_suffix("").as_posix()
            found.append(Recording(path, folder.name, group, {"relative_path": relative.as_posix()}))
    if not found:
        raise DatasetLayoutError(f"no class folders with audio in {root} (expected {_EXPECTED})")
    return mapping.apply(found) if mapping is not None else found
