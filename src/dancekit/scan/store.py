"""The scan's SQLite file: its results table and, by the same token, the journal a scan resumes from.

Each answer is committed as soon as it exists, so a crash, a kill or Ctrl-C loses at most the
recordings being worked on. A recording is known by the sha256 of its bytes, so a renamed or copied
file is not scanned twice; a path whose size and modification time are unchanged is not even hashed
again. Tables:

``files``
    path, size, mtime_ns, file_hash: what every scanned path held when it was last read.
``results``
    one row per (file_hash, model, model_version, settings): the columns of
    :data:`dancekit.scan.rows.RESULT_COLUMNS`, ``top3`` as JSON text.
``library`` (a view)
    the two joined: one row per path and model.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Iterable

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.scan.rows import ERROR, RESULT_COLUMNS, ModelKey, encode_top3

#: Bumped when the tables change in a way an old file cannot be read with.
SCHEMA_VERSION = "1"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, file_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS files_by_hash ON files (file_hash);
CREATE TABLE IF NOT EXISTS results (
    file_hash TEXT NOT NULL, settings TEXT NOT NULL,
    status TEXT NOT NULL, dance TEXT, confidence REAL, sure INTEGER NOT NULL, top3 TEXT NOT NULL,
    bpm REAL, bars_per_minute REAL, meter INTEGER, duration_s REAL,
    model TEXT NOT NULL, model_version TEXT NOT NULL, message TEXT, scanned_at TEXT NOT NULL,
    PRIMARY KEY (file_hash, model, model_version, settings));
CREATE VIEW IF NOT EXISTS library AS
    SELECT files.path, results.* FROM files JOIN results USING (file_hash);
INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');
"""


class StoreError(DancekitError):
    """The SQLite file cannot be opened or is not a scan's: a path to fix (exit 2, one line)."""

    exit_code = EXIT_USAGE


class ScanStore:
    """The results of scans, in one SQLite file; a context manager that closes it.

    Parameters
    ----------
    path : str or os.PathLike
        The database file (created with its tables when missing; its folder must exist).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._db = None
        try:
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # each committed answer survives a power cut too
            with self._db:
                self._db.executescript(_SCHEMA)
            version = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
        except sqlite3.DatabaseError as err:
            self.close()
            raise StoreError(f"cannot use {self.path} as a scan database: {err}") from None
        if version != SCHEMA_VERSION:
            self.close()
            raise StoreError(f"{self.path} holds scan tables of version {version}; this dancekit reads "
                             f"version {SCHEMA_VERSION} (scan into a new file)")

    def __enter__(self) -> "ScanStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (everything is committed already)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def cached_hash(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The hash recorded for ``path`` if its size and modification time are still those recorded.

        Parameters
        ----------
        path : str
            The file as the scan names it.
        size, mtime_ns : int
            What ``os.stat`` says now.

        Returns
        -------
        str or None
            None when the path is new or has changed.
        """
        row = self._db.execute("SELECT file_hash FROM files WHERE path=? AND size=? AND mtime_ns=?",
                               (path, size, mtime_ns)).fetchone()
        return row[0] if row else None

    def remember_file(self, path: str, size: int, mtime_ns: int, file_hash: str) -> None:
        """Record what ``path`` holds now (committed at once).

        Parameters
        ----------
        path : str
            The file.
        size, mtime_ns : int
            Its size and modification time when hashed.
        file_hash : str
            The sha256 of its bytes.
        """
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (path, size, mtime_ns, file_hash))

    def has_result(self, file_hash: str, key: ModelKey, retry_errors: bool = False) -> bool:
        """Whether the recording was scanned with this model and these options.

        Parameters
        ----------
        file_hash : str
            The recording.
        key : ModelKey
            Model and options.
        retry_errors : bool
            Count a failed decode as not scanned (not-audio files stay scanned).

        Returns
        -------
        bool
        """
        row = self._db.execute("SELECT status FROM results WHERE file_hash=? AND model=? AND model_version=? "
                               "AND settings=?", (file_hash, key.model, key.model_version, key.settings)).fetchone()
        return row is not None and not (retry_errors and row[0] == ERROR)

    def add_result(self, file_hash: str, key: ModelKey, row: dict) -> None:
        """Store one recording's answer (replacing an older one of the same key), committed at once.

        Parameters
        ----------
        file_hash : str
            The recording.
        key : ModelKey
            The model and options that answered.
        row : dict
            The columns of :data:`~dancekit.scan.rows.RESULT_COLUMNS`.
        """
        values = dict(row, top3=encode_top3(row["top3"]), sure=int(bool(row["sure"])),
                      model=key.model, model_version=key.model_version)
        columns = ("file_hash", "settings", *RESULT_COLUMNS)
        with self._db:
            self._db.execute(f"INSERT OR REPLACE INTO results ({', '.join(columns)}) "
                             f"VALUES ({', '.join('?' * len(columns))})",
                             (file_hash, key.settings, *(values[c] for c in RESULT_COLUMNS)))

    def copy_results(self, old_hash: str, new_hash: str) -> int:
        """Give the results of one recording to another file hash with the same audio (a re-tagged file).

        Parameters
        ----------
        old_hash : str
            The hash the results are stored under.
        new_hash : str
            The file's hash now; its rows, if any, are replaced.

        Returns
        -------
        int
            How many results were copied.
        """
        columns = ("settings", *RESULT_COLUMNS)
        names = ", ".join(columns)
        with self._db:
            cur = self._db.execute(f"INSERT OR REPLACE INTO results (file_hash, {names}) "
                                   f"SELECT ?, {names} FROM results WHERE file_hash=?", (new_hash, old_hash))
        return cur.rowcount

    def rows(self, paths: Iterable[str], key: ModelKey) -> list[dict]:
        """The rows of ``paths`` scanned with ``key``, in the order of ``paths`` (unscanned ones left out).

        Parameters
        ----------
        paths : iterable of str
            Files as the scan named them.
        key : ModelKey
            Model and options.

        Returns
        -------
        list of dict
            ``path``, ``file_hash`` and :data:`~dancekit.scan.rows.RESULT_COLUMNS`; ``top3`` a list,
            ``sure`` a bool.
        """
        query = (f"SELECT path, file_hash, {', '.join(RESULT_COLUMNS)} FROM library "
                 "WHERE model=? AND model_version=? AND settings=?")
        by_path = {}
        for values in self._db.execute(query, (key.model, key.model_version, key.settings)):
            row = dict(zip(("path", "file_hash", *RESULT_COLUMNS), values))
            row["top3"], row["sure"] = json.loads(row["top3"]), bool(row["sure"])
            by_path[row["path"]] = row
        return [by_path[p] for p in paths if p in by_path]

    def count_results(self) -> int:
        """How many results the table holds (every model and option).

        Returns
        -------
        int
        """
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
