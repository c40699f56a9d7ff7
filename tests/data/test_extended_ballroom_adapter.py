from collections import Counter

import pytest
from data_fixtures import write_audio, write_eb_xml

from dancekit.data import extended_ballroom_recordings
from dancekit.data.errors import DatasetLayoutError, DatasetWarning
from dancekit.data.extended_ballroom import extended_ballroom_groups, read_extended_ballroom_xml
from dancekit.data.labels import DANCE_CNN, EXTENDED_BALLROOM, EXTENDED_BALLROOM_TO_DANCE_CNN

SONGS = {
    "Waltz": [{"id": "100601", "artist": "Herberman", "bpm": 87},
              {"id": "101902", "artist": "Henry Mancini Orchestra", "links": [("exact", "110103")]}],
    "Slowwaltz": [{"id": "110103", "artist": "H. Mancini", "bpm": 84},
                  {"id": "110104", "artist": "Various"}],
    "Salsa": [{"id": "116001", "artist": "Various"}],
    "Jive": [{"id": "111713", "artist": "Dance House", "links": [("karaoke", "117012")]},
             {"id": "117012", "artist": "Glenn Miller Orchestra"},
             {"id": "117013", "artist": "Herberman & Friends"},
             {"id": "117014", "artist": "herberman"}],
}


def make_eb(root, with_audio=True):
    write_eb_xml(root / "extendedballroom_v1.1.xml", SONGS)
    if with_audio:
        for genre, songs in SONGS.items():
            for song in songs:
                write_audio(root / genre / f"{song['id']}.mp3", fmt="WAV")  # content is not decoded here
    return root


def test_thirteen_class_labels_groups_and_meta(tmp_path):
    recs = extended_ballroom_recordings(make_eb(tmp_path))
    assert [(r.label, r.meta["id"]) for r in recs] == [
        ("Jive", "111713"), ("Jive", "117012"), ("Jive", "117013"), ("Jive", "117014"), ("Salsa", "116001"),
        ("Slowwaltz", "110103"), ("Slowwaltz", "110104"), ("Waltz", "100601"), ("Waltz", "101902")]
    by_id = {r.meta["id"]: r for r in recs}
    # the exact duplicate shares a group although its artist is spelled differently
    assert by_id["101902"].group == by_id["110103"].group
    # karaoke takes of one recording share a group
    assert by_id["111713"].group == by_id["117012"].group
    # one artist, differently cased, is one group; "Various" joins nothing
    assert by_id["100601"].group == by_id["117014"].group == "artist:herberman"
    assert by_id["110104"].group != by_id["116001"].group
    assert by_id["100601"].meta["bpm"] == 87.0 and by_id["101902"].meta["links"] == (("exact", "110103"),)
    assert {r.label for r in recs} <= set(EXTENDED_BALLROOM)


def test_paper1_ten_classes(tmp_path):
    recs = extended_ballroom_recordings(make_eb(tmp_path), mapping=EXTENDED_BALLROOM_TO_DANCE_CNN)
    assert len(recs) == 8 and "Salsa" not in {r.meta["source_label"] for r in recs}
    assert DANCE_CNN.counts(recs)["Slow Waltz"] == 4


def test_groups_without_artists_or_with_version_links(tmp_path):
    tracks = read_extended_ballroom_xml(make_eb(tmp_path, with_audio=False) / "extendedballroom_v1.1.xml")
    exact_only = extended_ballroom_groups(tracks, links=("exact",), by_artist=False)
    assert exact_only["101902"] == exact_only["110103"] and exact_only["100601"] != exact_only["117014"]
    with pytest.raises(ValueError, match="unknown link"):
        extended_ballroom_groups(tracks, links=("cover",))


def test_missing_audio_policies(tmp_path):
    make_eb(tmp_path)
    (tmp_path / "Jive" / "117013.mp3").unlink()
    with pytest.warns(DatasetWarning, match="1 of 9 .* no audio"):
        assert len(extended_ballroom_recordings(tmp_path)) == 8
    with pytest.raises(DatasetLayoutError, match="1 of 9"):
        extended_ballroom_recordings(tmp_path, missing="error")
    kept = extended_ballroom_recordings(tmp_path, missing="keep")
    assert len(kept) == 9 and not kept[2].path.exists()


def test_wrong_layouts(tmp_path):
    write_eb_xml(tmp_path / "extendedballroom_v1.1.xml", SONGS)
    write_audio(tmp_path / "audio" / "100601.mp3", fmt="WAV")  # flat folder: not the layout
    with pytest.raises(DatasetLayoutError, match=r"no Extended Ballroom audio.*<root>/<Genre>/<id>\.mp3"):
        extended_ballroom_recordings(tmp_path)
    bad = tmp_path / "bad.xml"
    bad.write_text("<ballroom><Polka><song id='1'/></Polka></ballroom>")
    with pytest.raises(DatasetLayoutError, match="unknown genre <Polka>"):
        read_extended_ballroom_xml(bad)
    bad.write_text("<ballroom><Waltz>")
    with pytest.raises(DatasetLayoutError, match="cannot read"):
        read_extended_ballroom_xml(bad)


def test_real_metadata(shared_data):
    meta = shared_data / "extended_ballroom_meta"
    recs = extended_ballroom_recordings(meta / "no-audio-here", xml=meta / "extendedballroom_v1.1.xml",
                                        missing="keep")
    assert len(recs) == 4180 and len({r.meta["id"] for r in recs}) == 4180
    assert EXTENDED_BALLROOM.counts(recs) == {
        "Chacha": 455, "Foxtrot": 507, "Jive": 350, "Pasodoble": 53, "Quickstep": 497, "Rumba": 470, "Salsa": 47,
        "Samba": 468, "Slowwaltz": 65, "Tango": 464, "Viennesewaltz": 252, "Waltz": 529, "Wcswing": 23}
    # paper 1, Table I, column EB: 4110 recordings in its ten classes
    ten = EXTENDED_BALLROOM_TO_DANCE_CNN.apply(recs)
    assert len(ten) == 4110 and DANCE_CNN.counts(ten)["Slow Waltz"] == 594
    groups = {r.group for r in recs}
    largest = max(Counter(r.group for r in recs).values())
    assert 1500 < len(groups) < 3000 and largest < 0.05 * len(recs)
