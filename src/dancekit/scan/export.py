"""The scan's results as CSV and JSON Lines, written from the SQLite table, each file atomically.

Both are regenerated whole from the store at the end of every scan (and after an interrupt), so they
never hold a half-written row and always agree with the table.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from dancekit.fileio import atomic_write
from dancekit.scan.rows import RESULT_COLUMNS, top3_text

#: Columns of the CSV and keys of each JSON line, in order.
EXPORT_COLUMNS = ("path", "file_hash", *RESULT_COLUMNS)


def write_csv(path: str | os.PathLike, rows: list[dict]) -> Path:
    """One line per file; ``top3`` as ``"Tango 0.81; Quickstep 0.12; Jive 0.04"``, empty cells for no value.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (replaced atomically).
    rows : list of dict
        :meth:`ScanStore.rows <dancekit.scan.store.ScanStore.rows>`.

    Returns
    -------
    Path
        ``path``.
    """
    def write(tmp: str) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            out = csv.DictWriter(f, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
            out.writeheader()
            for row in rows:
                out.writerow(dict(row, top3=top3_text(row["top3"]), sure=int(row["sure"])))

    return atomic_write(path, write)


def write_jsonl(path: str | os.PathLike, rows: list[dict]) -> Path:
    """One JSON object per line and file, with ``top3`` as a list of ``[class, probability]``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.jsonl`` file (replaced atomically).
    rows : list of dict
        :meth:`ScanStore.rows <dancekit.scan.store.ScanStore.rows>`.

    Returns
    -------
    Path
        ``path``.
    """
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps({c: row[c] for c in EXPORT_COLUMNS}, ensure_ascii=False, allow_nan=False) + "\n")

    return atomic_write(path, write)
