import os
import random
import re
from pathlib import Path

import pytest
from data_fixtures import write_audio

from dancekit.data.debian_music import (debian_music_fold, debian_music_recordings, debian_music_split,
                                        debian_music_table, heldout_side)
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.splits import check_no_leak
from dancekit.data.synth_corpus import OTHER

WESNOTH = "usr/share/games/wesnoth/1.16/data/core/music"
MULDJORD = "usr/share/games/fretsonfire/data/songs/muldjord"
WARZONE = "usr/share/games/warzone2100/music"


def _entry(package: str) -> dict:
    return next(e for e in debian_music_table()["accepted"] if e["package"] == package)


@pytest.fixture
def music_root(tmp_path):
    """Three packages in their Debian layout, with short generated tones in place of the music."""
    for i, name in enumerate(("battle.ogg", "wanderer.ogg", "silence.ogg", "._hidden.ogg")):
        write_audio(tmp_path / WESNOTH / name, seed=i, fmt="OGG")
    (tmp_path / WESNOTH / "readme.txt").write_text("not music")
    for name in ("song.ogg", "guitar.ogg"):
        write_audio(tmp_path / MULDJORD / "armygeddon" / name, seed=7, fmt="OGG")
    (tmp_path / MULDJORD / "armygeddon" / "notes.mid").write_bytes(b"MThd")
    tracks = ("menu", "albums/original_soundtrack/track3", "albums/aftermath_soundtrack/track3_enhanced")
    for i, track in enumerate(tracks):
        write_audio(tmp_path / WARZONE / f"{track}.opus", seed=10 + i, fmt="OGG")
    return tmp_path


def test_fixture_tree_is_listed_as_other_by_package_then_path(music_root):
    recs = debian_music_recordings(music_root)
    assert {r.label for r in recs} == {OTHER}
    assert [r.group for r in recs] == [
        "fretsonfire-songs-muldjord/armygeddon/song",
        "wesnoth-1.16-music/battle", "wesnoth-1.16-music/wanderer",   # silence.ogg excluded, ._hidden skipped
        "warzone2100-music/albums/original_soundtrack/track3",        # the remix is grouped with its original
        "warzone2100-music/albums/original_soundtrack/track3",
        "warzone2100-music/menu",
    ]
    song = recs[0]
    assert song.path == music_root / MULDJORD / "armygeddon" / "song.ogg"
    assert song.meta["mix_with"] == (music_root / MULDJORD / "armygeddon" / "guitar.ogg",)
    assert song.meta["package"] == "fretsonfire-songs-muldjord" and song.meta["licence"] == "CC-BY-SA-3.0"
    assert song.meta["version"] == _entry("fretsonfire-songs-muldjord")["version"]
    assert recs[1].meta["mix_with"] == () and recs[1].meta["track"] == "battle"
    assert recs[3].meta["track"] == "albums/aftermath_soundtrack/track3_enhanced"


def test_package_filter(music_root):
    recs = debian_music_recordings(music_root, packages=["wesnoth-1.16-music"])
    assert {r.meta["package"] for r in recs} == {"wesnoth-1.16-music"}
    with pytest.raises(DatasetLayoutError, match="not an accepted Debian music package: drascula-music"):
        debian_music_recordings(music_root, packages=["drascula-music"])


def test_root_without_packages_is_a_one_line_error(tmp_path):
    (tmp_path / "usr" / "share").mkdir(parents=True)
    with pytest.raises(DatasetLayoutError, match="no Debian music packages under") as err:
        debian_music_recordings(tmp_path)
    assert "\n" not in str(err.value)
    with pytest.raises(DatasetLayoutError, match="not found"):
        debian_music_recordings(tmp_path / "absent")


def test_split_is_by_track_and_independent_of_file_order(music_root):
    recs = debian_music_recordings(music_root)
    side = debian_music_split(recs)
    assert set(side) == {r.group for r in recs} and set(side.values()) <= {"train", "heldout"}
    shuffled = recs[::-1]
    random.Random(1).shuffle(shuffled)
    assert debian_music_split(shuffled) == side
    assert debian_music_split(recs[1:]) == {g: s for g, s in side.items() if g != recs[0].group}
    fold = debian_music_fold(recs)
    check_no_leak(fold)
    assert len(fold.train) + len(fold.test) == len(recs) and fold.validation == ()
    assert {r.group for r in fold.test} == {g for g, s in side.items() if s == "heldout"}


def test_heldout_side_is_a_stable_hash_of_about_thirty_percent():
    names = [f"pkg/track{i}" for i in range(3000)]
    share = sum(heldout_side(n) == "heldout" for n in names) / len(names)
    assert 0.27 < share < 0.33
    assert heldout_side("wesnoth-1.16-music/battle") == heldout_side("wesnoth-1.16-music/battle")
    assert heldout_side("x", 0.0) == "train" and heldout_side("x", 1.0) == "heldout"
    with pytest.raises(ValueError):
        heldout_side("x", 1.5)


def test_table_accepts_only_free_licences_and_says_why_it_rejects():
    table = debian_music_table()
    accepted = table["accepted"]
    assert table["label"] == OTHER
    names = [e["package"] for e in accepted]
    assert len(names) == len(set(names)) and not set(names) & {e["package"] for e in table["rejected"]}
    for entry in accepted:
        assert entry["version"] and entry["files"] > 0 and entry["minutes"] > 0 and entry["genre"]
        assert not set(re.split(r"[^A-Z]+", entry["licence"].upper())) & {"NC", "ND", "NONCOMMERCIAL", "NODERIVS"}
        assert not Path(entry["folder"]).is_absolute() and entry["pattern"]
    assert all(e["reason"] for e in table["rejected"])


def _real_root() -> Path:
    env = os.environ.get("DANCEKIT_DEBIAN_MUSIC")
    if env:
        return Path(env)
    data = os.environ.get("DANCEKIT_DATA")
    return (Path(data) if data else Path(__file__).resolve().parents[2].parent / "shared" / "data") / "debian_music"


def test_real_extracted_tree_matches_the_table():
    root = _real_root()
    if not root.is_dir():
        pytest.skip(f"no Debian music tree at {root} (run scripts/fetch_other_music.sh DEST, "
                    "set DANCEKIT_DEBIAN_MUSIC=DEST)")
    from dancekit.audio import info

    recs = debian_music_recordings(root)
    for entry in debian_music_table()["accepted"]:
        mine = [r for r in recs if r.meta["package"] == entry["package"]]
        assert len(mine) == entry["files"], entry["package"]
        assert info(mine[0].path).duration > 10
    assert len({r.path for r in recs}) == len(recs)
    side = debian_music_split(recs)
    assert 0.2 < sum(s == "heldout" for s in side.values()) / len(side) < 0.4
