"""M3U playlists from a scan: one per dance, and one in competition order with songs of the right tempo.

A dance's playlist lists the files the model is sure of (see ``SURE_FROM``), most confident first. The
competition playlist takes, for each dance in :data:`~dancekit.dances.COMPETITION_ORDER`, the most
confident sure answer whose tempo lies in the dance's competition range (bars per minute, WDSF/WDC);
a dance with no such song is named in a comment line instead. Entries are paths relative to the
playlist's folder when the two share a root, so a library and its playlists can move together.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from dancekit.dances import COMPETITION_ORDER, dance_by_name
from dancekit.fileio import atomic_write_text, make_folder
from dancekit.rhythm.competition import in_competition_range

#: The competition-order playlist's file name.
COMPETITION_PLAYLIST = "competition.m3u8"


def playlist_name(label: str) -> str:
    """A file name for a class's playlist: ``"Cha Cha Cha"`` -> ``"Cha Cha Cha.m3u8"``.

    Parameters
    ----------
    label : str
        A class of the model.

    Returns
    -------
    str
        Characters that are not safe in file names on common systems replaced by ``_``.
    """
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", label).strip(" .") + ".m3u8"


def _entry(row: dict, folder: Path) -> str:
    path = os.path.abspath(row["path"])
    try:
        shown = os.path.relpath(path, os.path.abspath(folder))
    except ValueError:  # another drive (Windows): only an absolute path reaches it
        shown = path
    seconds = int(round(row["duration_s"] or -1))
    name = Path(path)
    title = f"{name.parent.name}/{name.stem} [{row['dance']} {row['confidence']:.0%}"
    title += f", {row['bars_per_minute']:.0f} bars/min]" if row.get("bars_per_minute") else "]"
    return f"#EXTINF:{seconds},{title}\n{shown}\n"


def _write(path: Path, lines: list[str]) -> Path:
    return atomic_write_text(path, "#EXTM3U\n" + "".join(lines))


def sure_by_dance(rows: list[dict]) -> dict[str, list[dict]]:
    """The sure answers of a scan, by class, most confident first.

    Parameters
    ----------
    rows : list of dict
        Scan rows (``status``, ``dance``, ``sure``, ``confidence``...).

    Returns
    -------
    dict of str to list of dict
        Classes in order of first appearance; files without music or an answer are left out.
    """
    out: dict[str, list[dict]] = {}
    for row in rows:
        if row["status"] != "no_music" and row["dance"] and row["sure"]:
            out.setdefault(row["dance"], []).append(row)
    for group in out.values():
        group.sort(key=lambda r: -r["confidence"])
    return out


def competition_round(rows: list[dict]) -> list[tuple[str, dict | None]]:
    """One song per dance in competition order, each the most confident sure one in competition tempo.

    Parameters
    ----------
    rows : list of dict
        Scan rows.

    Returns
    -------
    list of (str, dict or None)
        Each dance of :data:`~dancekit.dances.COMPETITION_ORDER` with its song's row, or None when
        no sure answer of that dance is in its competition tempo.
    """
    by_dance = sure_by_dance(rows)
    out = []
    for name in COMPETITION_ORDER:
        dance = dance_by_name(name)
        fits = [r for r in by_dance.get(name, []) if r["bpm"] and in_competition_range(dance, r["bpm"])]
        out.append((name, fits[0] if fits else None))
    return out


def write_playlists(folder: str | os.PathLike, rows: list[dict]) -> list[Path]:
    """Write one ``<dance>.m3u8`` per class with sure answers and ``competition.m3u8``.

    Parameters
    ----------
    folder : str or os.PathLike
        Where the playlists go (made if missing); files of the same names are replaced atomically.
    rows : list of dict
        Scan rows.

    Returns
    -------
    list of Path
        The playlists written, the competition one last.
    """
    folder = make_folder(folder)
    written = [_write(folder / playlist_name(label), [_entry(r, folder) for r in group])
               for label, group in sure_by_dance(rows).items()]
    lines = []
    for name, row in competition_round(rows):
        if row is None:
            lo, hi = dance_by_name(name).bars_per_minute
            lines.append(f"# {name}: no sure answer at {lo}-{hi} bars/min\n")
        else:
            lines.append(_entry(row, folder))
    written.append(_write(folder / COMPETITION_PLAYLIST, lines))
    return written
