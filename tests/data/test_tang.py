import pytest

from dancekit.data import tang_recordings, tang_split
from dancekit.data.tang import model_tang_sides
from dancekit.errors import DancekitError


def test_fixture_layout_is_read_with_labels_and_groups(tmp_path):
    for name in ("DANCE_W_2", "DANCE_C_10", "DANCE_R_1", "notes"):
        (tmp_path / name).mkdir()
    for name in ("DANCE_W_2", "DANCE_C_10"):
        (tmp_path / name / "audio.mp3").write_bytes(b"x")
    (tmp_path / "DANCE_W_2" / "skeletons.json.gz").write_bytes(b"x")
    recs = tang_recordings(tmp_path)
    assert [(r.label, r.group) for r in recs] == [("Cha Cha Cha", "DANCE_C_10"), ("Slow Waltz", "DANCE_W_2")]
    assert recs[1].meta["has_motion"] and not recs[0].meta["has_motion"]


def test_empty_or_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DancekitError, match="no DANCE_"):
        tang_recordings(tmp_path)
    with pytest.raises(DancekitError, match="not found"):
        tang_recordings(tmp_path / "absent")


def test_real_tang_songs(shared_data):
    recs = tang_recordings(shared_data / "tang_dance")
    counts = {label: sum(r.label == label for r in recs) for label in {r.label for r in recs}}
    assert counts == {"Cha Cha Cha": 7, "Rumba": 10, "Tango": 3, "Slow Waltz": 30}


def test_split_by_song_puts_every_dance_on_every_side(shared_data):
    from dancekit.data import tang_split

    recs = tang_recordings(shared_data / "tang_dance")
    side = tang_split(recs)
    assert set(side) == {r.group for r in recs}
    for label in {r.label for r in recs}:
        assert {side[r.group] for r in recs if r.label == label} == {"train", "val", "test"}


def test_tang_fold_is_the_same_split_as_a_fold(shared_data):
    from dancekit.data.splits import check_no_leak
    from dancekit.data.tang import tang_fold

    recs = tang_recordings(shared_data / "tang_dance")
    fold = tang_fold(recs)
    check_no_leak(fold)
    side = tang_split(recs)
    assert {r.group for r in fold.validation} == {g for g, s in side.items() if s == "val"}
    assert len(fold.train) + len(fold.validation) + len(fold.test) == len(recs)


def _songs(tmp_path, counts):
    for letter, n in counts.items():
        for i in range(1, n + 1):
            (tmp_path / f"DANCE_{letter}_{i}").mkdir()
            (tmp_path / f"DANCE_{letter}_{i}" / "audio.mp3").write_bytes(b"x")
    return tang_recordings(tmp_path)


def test_cross_split_tests_every_song_once_and_never_leaks(tmp_path):
    from dancekit.data import tang_cross_split

    recs = _songs(tmp_path, {"W": 30, "R": 10, "C": 7, "T": 3})
    tested = {}
    for fold in range(5):
        side = tang_cross_split(recs, 5, fold)
        assert set(side) == {r.group for r in recs}
        for song in (g for g, s in side.items() if s == "test"):
            tested[song] = tested.get(song, 0) + 1
        waltz = [side[r.group] for r in recs if r.label == "Slow Waltz"]
        assert waltz.count("test") == 6 and waltz.count("val") == 6 and waltz.count("train") == 18
    assert tested == {r.group: 1 for r in recs}
    ship = tang_cross_split(recs, 5, None)  # the model to ship: no test side
    assert "test" not in ship.values() and list(ship.values()).count("val") == 6 + 2 + 2 + 1


def test_cross_split_rejects_bad_folds(tmp_path):
    from dancekit.data import tang_cross_split

    recs = _songs(tmp_path, {"W": 4})
    with pytest.raises(DancekitError, match="at least 3 folds"):
        tang_cross_split(recs, 2, 0)
    with pytest.raises(DancekitError, match="fold must be in 0..4"):
        tang_cross_split(recs, 5, 5)


def test_a_model_is_scored_on_its_own_split(tmp_path):
    recs = _songs(tmp_path, {"W": 6, "C": 3})
    own = {r.group: "train" for r in recs} | {"DANCE_W_1": "val"}
    assert model_tang_sides({"tang_sides": own}, recs) == own
    assert model_tang_sides({}, recs) == tang_split(recs)  # cards from before the rotation
