import pytest
from data_fixtures import write_audio

from dancekit.data import folder_recordings
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.labels import BALLROOM, BALLROOM_FOLDERS_TO_BALLROOM, LabelSet


def test_any_folder_per_class_tree(tmp_path):
    write_audio(tmp_path / "Tango" / "b.flac")
    write_audio(tmp_path / "Tango" / "live" / "a.wav")
    write_audio(tmp_path / "Jive" / "c.wav")
    write_audio(tmp_path / ".cache" / "x.wav")
    write_audio(tmp_path / "Jive" / "._c.wav")
    (tmp_path / "Jive" / "cover.jpg").write_bytes(b"jpg")
    (tmp_path / "README.txt").write_text("a dataset")
    (tmp_path / "empty").mkdir()
    recs = folder_recordings(tmp_path)
    assert [(r.label, r.group) for r in recs] == [("Jive", "Jive/c"), ("Tango", "Tango/b"), ("Tango", "Tango/live/a")]
    assert LabelSet.of("mine", recs).names == ("Jive", "Tango")


def test_subfolders_as_groups(tmp_path):
    for artist, song in [("artistA", "1"), ("artistA", "2"), ("artistB", "3")]:
        write_audio(tmp_path / "Samba" / artist / f"{song}.wav")
    write_audio(tmp_path / "Samba" / "loose.wav")
    groups = [r.group for r in folder_recordings(tmp_path, group_by_subfolder=True)]
    assert groups == ["Samba/artistA", "Samba/artistA", "Samba/artistB", "Samba/loose"]


def test_label_set_and_mapping_check_the_folders(tmp_path):
    write_audio(tmp_path / "Rumba-Misc" / "a.wav")
    write_audio(tmp_path / "Waltz" / "b.wav")
    assert [r.label for r in folder_recordings(tmp_path, mapping=BALLROOM_FOLDERS_TO_BALLROOM)] == ["Rumba", "Waltz"]
    with pytest.raises(DatasetLayoutError, match="'Rumba-Misc' .* not a class of 'ballroom'"):
        folder_recordings(tmp_path, labels=BALLROOM)


def test_no_class_folders_is_a_layout_error(tmp_path):
    write_audio(tmp_path / "flat.wav")
    with pytest.raises(DatasetLayoutError, match=r"<root>/<class>/<file>"):
        folder_recordings(tmp_path)
    with pytest.raises(DatasetLayoutError, match="not found"):
        folder_recordings(tmp_path / "absent")


def test_real_gtzan_mini_as_folders(shared_data):
    from dancekit.data import gtzan_recordings
    from dancekit.data.labels import GTZAN_GENRES

    recs = folder_recordings(shared_data / "gtzan_mini" / "genres", labels=GTZAN_GENRES)
    assert len(recs) == 100 and sorted(r.path for r in recs) == sorted(
        r.path for r in gtzan_recordings(shared_data / "gtzan_mini"))
