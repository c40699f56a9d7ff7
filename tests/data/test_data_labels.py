from pathlib import Path

import pytest

from dancekit.data import Recording
from dancekit.data.errors import UnknownLabelError
from dancekit.data.labels import (BALLROOM, BALLROOM_FOLDERS, BALLROOM_FOLDERS_TO_BALLROOM, DANCE_CNN,
                                  EXTENDED_BALLROOM, EXTENDED_BALLROOM_TO_DANCE_CNN, GTZAN_GENRES, LabelMapping,
                                  LabelSet, label_set)
from dancekit.dances import DANCE_NAMES


def rec(label, name="x"):
    return Recording(Path(f"{name}.wav"), label, name)


def test_label_set_indexes_names_in_order():
    assert len(GTZAN_GENRES) == 10 and GTZAN_GENRES.index("blues") == 0 and GTZAN_GENRES.index("rock") == 9
    assert GTZAN_GENRES[5] == "jazz" and "disco" in GTZAN_GENRES and "waltz" not in GTZAN_GENRES
    assert GTZAN_GENRES.targets([rec("rock"), rec("blues")]) == [9, 0]
    assert tuple(DANCE_CNN) == DANCE_NAMES


def test_unknown_label_is_a_one_line_error_naming_the_valid_ones():
    with pytest.raises(UnknownLabelError, match="unknown label 'polka'.*blues, classical") as err:
        GTZAN_GENRES.index("polka")
    assert "\n" not in str(err.value)
    with pytest.raises(UnknownLabelError, match="known: gtzan"):
        label_set("nope")
    assert label_set("ballroom") is BALLROOM


def test_label_set_rejects_repeats_and_counts_zeros():
    with pytest.raises(ValueError, match="repeats"):
        LabelSet("bad", ("a", "b", "a"))
    assert BALLROOM.counts([rec("Jive"), rec("Jive"), rec("Waltz")])["Samba"] == 0
    assert LabelSet.of("x", [rec("b"), rec("a"), rec("b")]).names == ("a", "b")


def test_paper1_mapping_of_extended_ballroom():
    m = EXTENDED_BALLROOM_TO_DANCE_CNN
    assert len(EXTENDED_BALLROOM) == 13
    assert m("Waltz") == m("Slowwaltz") == "Slow Waltz"
    assert m("Salsa") is None and m("Wcswing") is None and set(m.dropped) == {"Salsa", "Wcswing"}
    assert m.merged == {"Slow Waltz": ("Slowwaltz", "Waltz")}
    assert {m(g) for g in EXTENDED_BALLROOM} - {None} == set(DANCE_CNN)  # all ten dances reached
    out = m.apply([rec("Waltz", "a"), rec("Salsa", "b"), rec("Foxtrot", "c")])
    assert [(r.label, r.meta["source_label"]) for r in out] == [("Slow Waltz", "Waltz"), ("Slow Foxtrot", "Foxtrot")]
    with pytest.raises(UnknownLabelError):
        m("Polka")


def test_ballroom_rumba_folders_merge_to_eight_classes():
    m = BALLROOM_FOLDERS_TO_BALLROOM
    assert len(BALLROOM_FOLDERS) == 10 and len(BALLROOM) == 8
    assert {m(f) for f in BALLROOM_FOLDERS if f.startswith("Rumba")} == {"Rumba"}
    assert m.dropped == ()


def test_mapping_must_cover_every_source_class_and_hit_target_classes():
    with pytest.raises(ValueError, match="missing"):
        LabelMapping(BALLROOM, DANCE_CNN, {"Jive": "Jive"})
    table = {name: "Jive" for name in BALLROOM}
    table["Waltz"] = "Polka"
    with pytest.raises(UnknownLabelError):
        LabelMapping(BALLROOM, DANCE_CNN, table)
