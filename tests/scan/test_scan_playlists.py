import csv
import json

from dancekit.dances import COMPETITION_ORDER, DANCE_NAMES
from dancekit.scan.export import EXPORT_COLUMNS, write_csv, write_jsonl
from dancekit.scan.playlists import competition_round, playlist_name, write_playlists


def _row(path, dance, confidence=0.9, bpm=None, sure=True, status="ok"):
    return {"path": str(path), "file_hash": "h", "status": status, "dance": dance, "confidence": confidence,
            "sure": sure, "top3": [[dance, confidence]] if dance else [], "bpm": bpm, "bars_per_minute": None,
            "meter": 4, "duration_s": 95.4, "model": "m", "model_version": "1", "message": "", "scanned_at": "t"}


def test_competition_order_is_the_standard_five_then_the_latin_five():
    assert COMPETITION_ORDER[:5] == ("Slow Waltz", "Tango", "Viennese Waltz", "Slow Foxtrot", "Quickstep")
    assert COMPETITION_ORDER[5:] == ("Samba", "Cha Cha Cha", "Rumba", "Paso Doble", "Jive")
    assert sorted(COMPETITION_ORDER) == sorted(DANCE_NAMES)


def test_competition_round_takes_the_most_confident_song_in_competition_tempo(tmp_path):
    rows = [
        _row("a.mp3", "Tango", 0.99, bpm=100.0),            # 25 bars/min: too slow for a competition Tango
        _row("b.mp3", "Tango", 0.80, bpm=128.0),            # 32 bars/min
        _row("c.mp3", "Tango", 0.70, bpm=126.0),
        _row("d.mp3", "Samba", 0.95, bpm=102.0),            # 51 bars/min in 2/4
        _row("e.mp3", "Jive", 0.55, bpm=172.0, sure=False),  # not sure: never chosen
    ]
    chosen = dict(competition_round(rows))
    assert list(chosen) == list(COMPETITION_ORDER)
    assert chosen["Tango"]["path"] == "b.mp3" and chosen["Samba"]["path"] == "d.mp3"
    assert chosen["Jive"] is None and chosen["Slow Waltz"] is None


def test_playlists_list_sure_answers_best_first_with_paths_relative_to_the_playlist(tmp_path):
    music = tmp_path / "music"
    rows = [_row(music / "t1.mp3", "Tango", 0.7, bpm=128.0), _row(music / "t2.flac", "Tango", 0.9),
            _row(music / "w.ogg", "Slow Waltz", 0.4, sure=False), _row(music / "s.wav", None, None, status="no_music"),
            _row(music / "o.mp3", "Other: a/b", 0.9)]
    written = write_playlists(tmp_path / "lists", rows)
    assert sorted(p.name for p in written) == sorted(["Tango.m3u8", "Other_ a_b.m3u8", "competition.m3u8"])
    tango = (tmp_path / "lists" / "Tango.m3u8").read_text().splitlines()
    assert tango[0] == "#EXTM3U" and tango[2::2] == ["../music/t2.flac", "../music/t1.mp3"]
    assert tango[1] == "#EXTINF:95,music/t2 [Tango 90%]"
    competition = (tmp_path / "lists" / "competition.m3u8").read_text().splitlines()
    assert competition[1] == "# Slow Waltz: no sure answer at 28-30 bars/min"
    assert competition[2:4] == ["#EXTINF:95,music/t1 [Tango 70%]", "../music/t1.mp3"]
    assert len([line for line in competition if line.startswith("# ")]) == 9
    assert playlist_name("Cha Cha Cha") == "Cha Cha Cha.m3u8"


def test_csv_and_jsonl_hold_every_column_of_every_row(tmp_path):
    rows = [_row("a,b.mp3", "Tango", 0.9, bpm=128.0), _row("c.mp3", None, None, status="no_music", sure=False)]
    write_csv(tmp_path / "s.csv", rows)
    write_jsonl(tmp_path / "s.jsonl", rows)
    with open(tmp_path / "s.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert tuple(table[0]) == EXPORT_COLUMNS and table[0]["path"] == "a,b.mp3"
    assert table[0]["top3"] == "Tango 0.90" and table[0]["sure"] == "1" and table[1]["dance"] == ""
    lines = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert lines[0]["top3"] == [["Tango", 0.9]] and lines[1]["status"] == "no_music" and tuple(lines[0]) == EXPORT_COLUMNS
