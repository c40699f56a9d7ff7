import pytest
from data_fixtures import write_audio

from dancekit.data import ballroom_recordings
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.labels import BALLROOM, BALLROOM_TO_DANCE_CNN


def make_ballroom(root):
    data = root / "BallroomData"
    for folder, name in [("ChaChaCha", "Albums-Cafe_Paradiso-05"), ("Rumba-American", "Media-103402"),
                         ("Rumba-International", "Albums-Fire-08"), ("Rumba-Misc", "Media-104105"),
                         ("Waltz", "Media-105901"), ("VienneseWaltz", "Albums-Chrisanne1-02")]:
        write_audio(data / folder / f"{name}.wav")
    (data / "allfiles").write_text("ChaChaCha/Albums-Cafe_Paradiso-05.wav\n")
    write_audio(data / "nada" / "stray.wav")  # not a class folder
    return data


def test_folders_map_to_the_eight_classes(tmp_path):
    data = make_ballroom(tmp_path)
    recs = ballroom_recordings(tmp_path)
    assert [(r.label, r.group) for r in recs] == [
        ("ChaChaCha", "Albums-Cafe_Paradiso-05"), ("Rumba", "Media-103402"), ("Rumba", "Albums-Fire-08"),
        ("Rumba", "Media-104105"), ("VienneseWaltz", "Albums-Chrisanne1-02"), ("Waltz", "Media-105901")]
    assert all(r.label in BALLROOM for r in recs)
    assert recs[1].meta["source_label"] == "Rumba-American" and recs[0].meta["album"] == "Cafe_Paradiso"
    assert "album" not in recs[1].meta
    assert ballroom_recordings(data) == recs  # BallroomData itself works too


def test_folder_names_kept_without_mapping_and_dance_names_through_one(tmp_path):
    make_ballroom(tmp_path)
    assert {r.label for r in ballroom_recordings(tmp_path, mapping=None)} >= {"Rumba-Misc", "Rumba-American"}
    dances = BALLROOM_TO_DANCE_CNN.apply(ballroom_recordings(tmp_path))
    assert [r.label for r in dances][-2:] == ["Viennese Waltz", "Slow Waltz"]


def test_wrong_layout_names_the_expected_folders(tmp_path):
    write_audio(tmp_path / "BallroomData" / "Foxtrot" / "a.wav")
    with pytest.raises(DatasetLayoutError, match=r"no Ballroom tracks.*BallroomData/<Dance>/<name>\.wav.*ChaChaCha"):
        ballroom_recordings(tmp_path)
    with pytest.raises(DatasetLayoutError, match="not found"):
        ballroom_recordings(tmp_path / "absent")


def test_real_ballroom_track_in_the_layout(tmp_path, shared_data):
    """The real Waltz excerpt, linked into the public layout, is read and decodes as ~30 s of audio."""
    from dancekit.audio import info

    sample = shared_data / "ballroom_sample" / "Waltz_Media-105901.flac"
    (tmp_path / "BallroomData" / "Waltz").mkdir(parents=True)
    (tmp_path / "BallroomData" / "Waltz" / "Media-105901.flac").symlink_to(sample)
    (recording,) = ballroom_recordings(tmp_path)
    assert (recording.label, recording.group) == ("Waltz", "Media-105901")
    assert 25 < info(recording.path).duration < 35
    # the Krebs beat annotations are named by the same track name
    assert (shared_data / "ballroom_annotations" / f"{recording.group}.beats").is_file()
