"""``dancekit scan`` end to end: killed mid-way it loses nothing and duplicates nothing; bad input is one line."""

import csv
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from interruptible import default_sigint
from toy_audio import write_library
from dancekit.cli import main
from dancekit.exit_codes import EXIT_AUDIO, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from dancekit.scan.tags import read_tags


def _scan_command(library, out, model, *extra):
    return [sys.executable, "-m", "dancekit", "scan", str(library), "--out", str(out), "--model", str(model),
            "--workers", "1", "--batch", "2", *extra]


def _answers(database):
    """(file_hash, scanned_at) of every committed answer; empty while the file is not there yet."""
    if not database.exists():
        return []
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT file_hash, scanned_at FROM results").fetchall()
    except sqlite3.OperationalError:  # tables not made yet
        return []


def _stop_after(proc, database, answers: int, sig, timeout=180.0):
    deadline = time.monotonic() + timeout
    while len(_answers(database)) < answers:
        assert proc.poll() is None, "the scan ended before it could be stopped"
        assert time.monotonic() < deadline, "the scan answered nothing in time"
        time.sleep(0.02)
    proc.send_signal(sig)
    return proc.communicate(timeout=60)


def _csv_rows(out):
    with open(out / "scan.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_a_scan_killed_mid_way_continues_without_loss_or_duplicates(toy_model, tmp_path):
    library, out = tmp_path / "library", tmp_path / "out"
    files = write_library(library, 24)
    proc = subprocess.Popen(_scan_command(library, out, toy_model.path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _stop_after(proc, out / "scan.sqlite", 3, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    before = dict(_answers(out / "scan.sqlite"))
    assert 3 <= len(before) < len(files)

    done = subprocess.run(_scan_command(library, out, toy_model.path), capture_output=True, text=True, timeout=600)
    assert done.returncode == EXIT_OK, done.stderr
    assert f"{len(before)} from earlier scans" in done.stderr and "Traceback" not in done.stderr, done.stderr[-4000:]
    after = dict(_answers(out / "scan.sqlite"))
    assert len(after) == len(files) == len(_answers(out / "scan.sqlite"))  # one answer per recording
    assert all(after[h] == t for h, t in before.items())  # answers from before the kill were kept, not redone
    rows = _csv_rows(out)
    assert sorted(r["path"] for r in rows) == sorted(str(p) for p in files)
    assert all(r["status"] == "ok" and r["dance"] in ("Toy Waltz", "Toy Jive") for r in rows)


@pytest.mark.slow
def test_ctrl_c_stops_with_130_and_keeps_what_was_answered(toy_model, tmp_path):
    library, out = tmp_path / "library", tmp_path / "out"
    write_library(library, 24)
    proc = subprocess.Popen(_scan_command(library, out, toy_model.path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=default_sigint)
    _, stderr = _stop_after(proc, out / "scan.sqlite", 2, signal.SIGINT)
    assert proc.returncode == EXIT_INTERRUPTED
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr[-4000:]
    answered = len(_answers(out / "scan.sqlite"))
    assert 2 <= answered and len(_csv_rows(out)) == answered  # the tables were written on the way out


def test_a_scan_writes_tables_playlists_and_tags_then_undoes_them(toy_model, tmp_path, capsys):
    library, out = tmp_path / "library", tmp_path / "out"
    write_library(library, 4)
    (library / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    args = ["scan", str(library), "--out", str(out), "--model", str(toy_model.path), "--workers", "0"]
    assert main([*args, "--playlists", str(out / "lists"), "--write-tags", "--dry-run"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "note: skipped 1 file that is not audio (.jpg 1)" in captured.err
    assert "4 files: 4 identified now" in captured.err
    assert not (out / "tags-undo.jsonl").exists()
    assert sorted(p.name for p in (out / "lists").iterdir()) == ["Toy Jive.m3u8", "Toy Waltz.m3u8", "competition.m3u8"]
    assert main([*args, "--write-tags"]) == EXIT_OK
    tagged = [r for r in _csv_rows(out) if r["sure"] == "1"]
    assert tagged and all(read_tags(r["path"])["dance"] == r["dance"] for r in tagged)
    assert f"tags: changed {len(tagged)} files" in capsys.readouterr().err
    assert main(args) == EXIT_OK  # new bytes, same audio: the answers followed the files
    assert "0 identified now" in capsys.readouterr().err
    assert main(["scan", "--undo-tags", str(out / "tags-undo.jsonl"), "--out", str(out)]) == EXIT_OK
    assert all(read_tags(r["path"])["dance"] is None for r in tagged)
    assert main(args) == EXIT_OK and "0 identified now" in capsys.readouterr().err


@pytest.mark.parametrize("argv, code, message", [
    (["scan"], EXIT_USAGE, "give at least one PATH"),
    (["scan", "{tmp}/nowhere"], EXIT_USAGE, "not found: {tmp}/nowhere"),
    (["scan", "{tmp}/empty"], EXIT_AUDIO, "no audio or video files in {tmp}/empty"),
    (["scan", "{tmp}/lib", "--dry-run"], EXIT_USAGE, "--dry-run shows what --write-tags"),
    (["scan", "{tmp}/lib", "--out", "{tmp}/lib/song000.wav"], EXIT_USAGE, "--out"),
    (["scan", "{tmp}/lib", "--out", "{tmp}/bad"], EXIT_USAGE, "as a scan database"),
    (["scan", "--undo-tags", "{tmp}/no-log.jsonl"], EXIT_USAGE, "no such log"),
    (["scan", "{tmp}/lib", "--undo-tags", "{tmp}/no-log.jsonl"], EXIT_USAGE, "--undo-tags takes no PATH"),
])
def test_bad_input_is_one_line_and_an_exit_code(tmp_path, capsys, argv, code, message):
    (tmp_path / "empty").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "song000.wav").write_bytes(b"RIFF")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "scan.sqlite").write_text("not a database " * 100)
    assert main([a.format(tmp=tmp_path) for a in argv]) == code
    err = capsys.readouterr().err
    assert message.format(tmp=tmp_path) in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
