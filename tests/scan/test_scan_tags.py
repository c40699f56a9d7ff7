"""Tags are written through a verified copy, read back in each format's own frames, and undone."""

import json
import shutil

import numpy as np
import pytest

from dancekit import audio
from dancekit.scan import tags
from dancekit.scan.tags import TagError, read_tags, safe_retag, tag_rows, undo, wanted_tags

FORMATS = ("mp3", "flac", "ogg", "opus", "m4a", "wav")


@pytest.fixture
def copies(tagged_formats, tmp_path):
    out = {}
    for ext, path in tagged_formats.items():
        out[ext] = tmp_path / path.name
        shutil.copy(path, out[ext])
    return out


def _row(path, dance="Tango", bpm=123.6, sure=True):
    return {"path": str(path), "status": "ok", "dance": dance, "bpm": bpm, "sure": sure}


@pytest.mark.parametrize("ext", FORMATS)
def test_tags_are_written_into_each_formats_own_frames_and_undone(copies, tmp_path, ext):
    import mutagen

    path = copies[ext]
    original = audio.load(path, sr=None)
    log = tmp_path / "undo.jsonl"
    summary = tag_rows([_row(path)], log)
    assert [c.path for c in summary.changed] == [str(path)] and summary.failed == []
    assert read_tags(path) == {"bpm": "124", "dance": "Tango"}
    raw = mutagen.File(path).tags
    frames = {"mp3": ("TBPM", "TXXX:DANCE"), "wav": ("TBPM", "TXXX:DANCE"), "flac": ("bpm", "dance"),
              "ogg": ("bpm", "dance"), "opus": ("bpm", "dance"), "m4a": ("tmpo", "----:com.apple.iTunes:DANCE")}
    assert all(name in raw for name in frames[ext])
    assert np.array_equal(audio.load(path, sr=None), original)
    assert not list(path.parent.glob(".*tmp"))  # no copy left behind
    entry = json.loads(log.read_text())
    assert entry["before"] == {"dance": None, "bpm": None} and entry["after"] == {"dance": "Tango", "bpm": "124"}
    report = undo(log)
    assert [p for p, _, _ in report.restored] == [str(path)]
    assert read_tags(path) == {"bpm": None, "dance": None}
    assert np.array_equal(audio.load(path, sr=None), original)
    assert undo(log).restored == []  # the file is no longer as tagging left it: nothing to do twice


def test_a_copy_that_decodes_differently_never_replaces_the_file(copies, tmp_path, monkeypatch):
    path = copies["mp3"]
    before = path.read_bytes()
    monkeypatch.setattr(tags, "_same_audio", lambda a, b: False)
    with pytest.raises(TagError, match="did not decode to the same audio"):
        safe_retag(path, {"dance": "Jive"}, tmp_path / "undo.jsonl")
    assert path.read_bytes() == before
    assert not (tmp_path / "undo.jsonl").exists() and not list(path.parent.glob(".*tmp"))


def test_dry_run_writes_nothing_and_tags_set_by_hand_are_kept(copies, tmp_path):
    path = copies["flac"]
    safe_retag(path, {"bpm": "120"})
    before = path.read_bytes()
    summary = tag_rows([_row(path)], tmp_path / "undo.jsonl", dry_run=True)
    assert path.read_bytes() == before and not (tmp_path / "undo.jsonl").exists()
    assert summary.kept == 1 and summary.changed[0].after == {"dance": "Tango"}
    assert "dance None -> 'Tango'" in summary.changed[0].describe()
    tag_rows([_row(path)], tmp_path / "undo.jsonl", overwrite=True)
    assert read_tags(path) == {"bpm": "124", "dance": "Tango"}
    again = tag_rows([_row(path)], tmp_path / "undo.jsonl")
    assert again.changed == [] and again.unchanged == 1


def test_a_file_changed_since_its_scan_is_not_tagged(copies, tmp_path):
    from dancekit.data.fingerprint import file_sha256 as file_hash

    path = copies["ogg"]
    row = {**_row(path), "file_hash": "0" * 64}
    summary = tag_rows([row], tmp_path / "undo.jsonl")
    assert summary.changed == [] and "changed since it was scanned" in summary.failed[0]
    assert tag_rows([{**row, "file_hash": file_hash(path)}], tmp_path / "undo.jsonl").failed == []


def test_only_sure_answers_are_tagged():
    assert wanted_tags(_row("x", sure=False)) == {}
    assert wanted_tags({**_row("x"), "status": "no_music"}) == {}
    assert wanted_tags(_row("x", bpm=None)) == {"dance": "Tango"}


def test_a_format_without_known_tags_fails_cleanly(tmp_path):
    import soundfile as sf

    path = tmp_path / "tone.au"
    sf.write(path, np.zeros(4410, dtype=np.float32), 44100)
    summary = tag_rows([_row(path)], tmp_path / "undo.jsonl")
    assert summary.changed == [] and len(summary.failed) == 1 and "cannot tag" in summary.failed[0]
