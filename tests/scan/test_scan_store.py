import sqlite3

import pytest

from dancekit.errors import DancekitError
from dancekit.scan.rows import ModelKey, row_from_failure
from dancekit.scan.store import ScanStore

KEY = ModelKey("ballroom", "1+abc", "stride=200;tempo=1;prior=1")


def _row(dance="Tango", confidence=0.9):
    return {"status": "ok", "dance": dance, "confidence": confidence, "sure": True,
            "top3": [[dance, confidence], ["Jive", 0.05]], "bpm": 124.0, "bars_per_minute": 31.0, "meter": 4,
            "duration_s": 30.0, "model": KEY.model, "model_version": KEY.model_version, "message": "",
            "scanned_at": "2026-01-01T00:00:00Z"}


def test_answers_survive_reopening_and_join_their_paths(tmp_path):
    with ScanStore(tmp_path / "s.sqlite") as store:
        store.remember_file("/m/a.mp3", 10, 5, "h1")
        store.remember_file("/m/copy of a.mp3", 10, 6, "h1")
        store.add_result("h1", KEY, _row())
    with ScanStore(tmp_path / "s.sqlite") as store:
        assert store.cached_hash("/m/a.mp3", 10, 5) == "h1"
        assert store.cached_hash("/m/a.mp3", 10, 7) is None  # touched since: hash again
        assert store.has_result("h1", KEY)
        assert not store.has_result("h1", ModelKey("ballroom", "2+def", KEY.settings))
        rows = store.rows(["/m/copy of a.mp3", "/m/missing.mp3", "/m/a.mp3"], KEY)
    assert [r["path"] for r in rows] == ["/m/copy of a.mp3", "/m/a.mp3"]
    assert rows[0]["top3"] == [["Tango", 0.9], ["Jive", 0.05]] and rows[0]["sure"] is True


def test_a_second_answer_for_the_same_key_replaces_the_first(tmp_path):
    with ScanStore(tmp_path / "s.sqlite") as store:
        store.add_result("h1", KEY, _row("Tango"))
        store.add_result("h1", KEY, _row("Jive"))
        store.remember_file("/a", 1, 1, "h1")
        assert store.count_results() == 1
        assert store.rows(["/a"], KEY)[0]["dance"] == "Jive"


def test_failed_decodes_are_retried_only_on_request(tmp_path):
    with ScanStore(tmp_path / "s.sqlite") as store:
        store.add_result("bad", KEY, row_from_failure("error", "broken", KEY))
        store.add_result("txt", KEY, row_from_failure("not_audio", "not an audio file", KEY))
        assert store.has_result("bad", KEY) and not store.has_result("bad", KEY, retry_errors=True)
        assert store.has_result("txt", KEY, retry_errors=True)


def test_answers_follow_a_retagged_file_to_its_new_hash(tmp_path):
    with ScanStore(tmp_path / "s.sqlite") as store:
        store.add_result("old", KEY, _row())
        assert store.copy_results("old", "new") == 1
        assert store.has_result("new", KEY) and store.has_result("old", KEY)


def test_a_file_that_is_not_a_scan_database_is_one_clear_error(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("these are my notes, not a database" * 50)
    with pytest.raises(DancekitError, match="cannot use .*notes.sqlite as a scan database"):
        ScanStore(bad)
    other = tmp_path / "future.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema_version', '99')")
    with pytest.raises(DancekitError, match="version 99"):
        ScanStore(other)
