import pytest
from data_fixtures import write_audio

from dancekit.data import gtzan_recordings
from dancekit.data.errors import DatasetLayoutError, DatasetWarning
from dancekit.data.labels import GTZAN_GENRES


def test_original_layout_with_au_files(tmp_path):
    for genre in ("rock", "blues"):
        for n in (1, 0):
            write_audio(tmp_path / "genres" / genre / f"{genre}.{n:05d}.au", seed=n)
    (tmp_path / "genres" / "blues" / "notes.txt").write_text("not a clip")
    recs = gtzan_recordings(tmp_path)
    assert [(r.label, r.group) for r in recs] == [("blues", "blues.00000"), ("blues", "blues.00001"),
                                                  ("rock", "rock.00000"), ("rock", "rock.00001")]
    assert all(r.path.suffix == ".au" and r.meta["layout"] == "original" for r in recs)
    assert recs[1].meta["number"] == 1
    assert gtzan_recordings(tmp_path / "genres") == recs  # the genres folder itself works too


def test_kaggle_layout_skips_the_known_corrupt_jazz_clip(tmp_path):
    base = tmp_path / "Data" / "genres_original"
    write_audio(base / "jazz" / "jazz.00053.wav")
    (base / "jazz" / "jazz.00054.wav").write_bytes(b"RIFF\x00\x00\x00\x00garbage, not a wave file" * 10)
    write_audio(base / "pop" / "pop.00007.wav")
    (tmp_path / "Data" / "features_30_sec.csv").write_text("filename,label\n")
    with pytest.warns(DatasetWarning, match=r"jazz\.00054\.wav \(known corrupt in the Kaggle copy"):
        recs = gtzan_recordings(tmp_path)
    assert [r.group for r in recs] == ["jazz.00053", "pop.00007"]
    assert recs[0].meta["layout"] == "kaggle"


def test_a_readable_jazz_00054_is_kept(tmp_path, recwarn):
    write_audio(tmp_path / "genres_original" / "jazz" / "jazz.00054.wav")
    assert [r.group for r in gtzan_recordings(tmp_path)] == ["jazz.00054"]
    assert not [w for w in recwarn if issubclass(w.category, DatasetWarning)]


def test_check_audio_skips_any_unreadable_clip(tmp_path):
    write_audio(tmp_path / "genres" / "metal" / "metal.00001.wav")
    (tmp_path / "genres" / "metal" / "metal.00002.wav").write_text("text, not audio")
    assert len(gtzan_recordings(tmp_path)) == 2  # no decoding unless asked
    with pytest.warns(DatasetWarning, match=r"metal\.00002\.wav \(unreadable\)"):
        assert [r.group for r in gtzan_recordings(tmp_path, check_audio=True)] == ["metal.00001"]


def test_one_clip_in_two_formats_is_read_once(tmp_path):
    write_audio(tmp_path / "genres" / "pop" / "pop.00003.au")
    write_audio(tmp_path / "genres" / "pop" / "pop.00003.wav")
    (recording,) = gtzan_recordings(tmp_path)
    assert recording.path.suffix == ".wav"


@pytest.mark.parametrize("make, message", [
    (lambda root: None, "no GTZAN genre folders"),
    (lambda root: (root / "genres" / "rock").mkdir(parents=True), "no GTZAN clips"),
    (lambda root: write_audio(root / "genres" / "rock" / "blues.00001.wav"), "wrong genre folder"),
])
def test_wrong_layouts_are_one_line_errors_naming_the_expected_layout(tmp_path, make, message):
    make(tmp_path)
    with pytest.raises(DatasetLayoutError, match=message) as err:
        gtzan_recordings(tmp_path)
    assert "genres/<genre>/<genre>.000NN" in str(err.value) and "\n" not in str(err.value)


def test_missing_folder(tmp_path):
    with pytest.raises(DatasetLayoutError, match="not found"):
        gtzan_recordings(tmp_path / "absent")


def test_real_gtzan_mini(shared_data):
    recs = gtzan_recordings(shared_data / "gtzan_mini")
    assert len(recs) == 100
    assert GTZAN_GENRES.counts(recs) == dict.fromkeys(GTZAN_GENRES, 10)
    assert len({r.group for r in recs}) == 100 and all(r.path.suffix == ".flac" for r in recs)
