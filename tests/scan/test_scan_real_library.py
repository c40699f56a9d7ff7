"""``dancekit scan`` on real recordings (the shared reference data; skipped when it is absent)."""

import csv
import shutil

import pytest

from dancekit.cli import main
from dancekit.exit_codes import EXIT_OK
from dancekit.scan.tags import read_tags


@pytest.mark.slow
def test_real_recordings_get_tables_playlists_and_tags(shared_data, tmp_path, capsys):
    library = tmp_path / "library"
    library.mkdir()
    waltz = shutil.copy(shared_data / "ballroom_sample" / "Waltz_Media-105901.flac", library)
    shutil.copy(shared_data / "gtzan_mini" / "genres" / "jazz" / "jazz.00000.flac", library)
    shutil.copy(shared_data / "video_smoke" / "clips" / sorted(
        p.name for p in (shared_data / "video_smoke" / "clips").glob("*.mp4"))[0], library)
    (library / "README.txt").write_text("a note beside the music")
    out = tmp_path / "out"
    argv = ["scan", str(library), "--out", str(out), "--playlists", str(out / "lists"), "--write-tags", "--workers", "1"]
    assert main(argv) == EXIT_OK
    err = capsys.readouterr().err
    assert "3 files: 3 identified now" in err and "skipped 1 file that is not audio (.txt 1)" in err
    with open(out / "scan.csv", newline="") as f:
        rows = {r["path"]: r for r in csv.DictReader(f)}
    row = rows[str(waltz)]
    assert row["dance"] == "Slow Waltz" and row["sure"] == "1" and row["meter"] == "3"
    assert 28 <= float(row["bars_per_minute"]) <= 30 and row["top3"].startswith("Slow Waltz")
    assert read_tags(waltz) == {"dance": "Slow Waltz", "bpm": str(round(float(row["bpm"])))}
    competition = (out / "lists" / "competition.m3u8").read_text().splitlines()
    assert competition[1].startswith("#EXTINF:") and competition[2] == "../../library/Waltz_Media-105901.flac"
    assert (out / "scan.jsonl").read_text().count("\n") == 3
    assert main(argv) == EXIT_OK  # the tagged file's bytes changed, its audio did not: nothing to redo
    assert "3 files: 0 identified now" in capsys.readouterr().err
