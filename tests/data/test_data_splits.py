import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from dancekit.data import Recording
from dancekit.data.errors import SplitError, SplitLeakError
from dancekit.data.splits import (Fold, carve_validation, check_no_leak, extended_ballroom_folds, find_leaks,
                                  gtzan_split, leak_summary, split_from_lists, stratified_folds, stratified_kfold)


def corpus(per_class=10, classes=("a", "b", "c", "d"), songs_per_group=1):
    recs = []
    for c in classes:
        for i in range(per_class):
            recs.append(Recording(Path(f"{c}/{i}.wav"), c, f"{c}-g{i // songs_per_group}"))
    return recs


def test_ten_folds_are_8_1_1_stratified_and_test_each_recording_once():
    recs = corpus()
    folds = stratified_folds(recs, k=10, seed=3)
    assert len(folds) == 10
    tested = Counter(r for f in folds for r in f.test)
    assert set(tested) == set(recs) and set(tested.values()) == {1}
    for i, fold in enumerate(folds):
        assert (len(fold.train), len(fold.validation), len(fold.test)) == (32, 4, 4)
        assert Counter(r.label for r in fold.test) == Counter("abcd")  # one per class
        assert Counter(r.label for r in fold.validation) == Counter("abcd")
        assert fold.validation == folds[(i + 1) % 10].test  # the next part validates
        assert set(fold.train) | set(fold.validation) | set(fold.test) == set(recs)
        check_no_leak(fold)


def test_folds_are_deterministic_and_independent_of_input_order():
    recs = corpus()
    shuffled = recs[:]
    random.Random(1).shuffle(shuffled)
    assert stratified_folds(recs, seed=7) == stratified_folds(shuffled, seed=7)
    assert stratified_folds(recs, seed=7) != stratified_folds(recs, seed=8)


def test_groups_never_straddle_sides():
    recs = corpus(per_class=12, songs_per_group=3)  # 4 groups of 3 per class
    for fold in stratified_folds(recs, k=4, seed=0):
        check_no_leak(fold)
        assert {r.group for r in fold.test}.isdisjoint({r.group for r in fold.train})
    with pytest.raises(SplitError, match="cannot make 10 parts from 4 groups"):
        stratified_folds(corpus(per_class=4, classes=("a",)), k=10)


def test_leaks_are_found_for_recordings_and_for_segments():
    recs = corpus()
    leaky = Fold(tuple(recs[:30]), (), tuple(recs[25:]), name="bad")
    with pytest.raises(SplitLeakError, match=r"bad leaks: 5 group\(s\)") as err:
        check_no_leak(leaky)
    assert "\n" not in str(err.value)
    assert leak_summary(leaky) == {"groups": 5, "test_recordings": 5}
    # segments (anything with a group) are checked the same way
    segments = {"train": [("song1", 0), ("song1", 1)], "test": [("song2", 0), ("song1", 2)]}
    assert find_leaks(segments, group=lambda s: s[0]) == {"song1": ("train", "test")}
    fold = stratified_folds(recs, seed=0)[0]
    side = fold.side_of_group()
    segs = {s: [(r.group, k) for r in fold.sides()[s] for k in range(3)] for s in ("train", "validation", "test")}
    check_no_leak(segs, group=lambda s: s[0])
    assert all(side[g] == s for s, items in segs.items() for g, _ in items)


def test_index_folds_point_into_the_input_list():
    recs = corpus()
    index_folds = stratified_kfold(recs, k=10, seed=0)
    folds = stratified_folds(recs, k=10, seed=0)
    labels = np.array([r.label for r in recs])
    for ix, fold in zip(index_folds, folds):
        assert [recs[i] for i in ix.test] == sorted(fold.test, key=recs.index)
        assert sorted(labels[ix.validation]) == ["a", "b", "c", "d"]
        assert len(set(ix.train) | set(ix.validation) | set(ix.test)) == len(recs)


def test_carve_validation_keeps_groups_whole():
    recs = corpus(per_class=18, songs_per_group=2)
    fold = carve_validation(Fold(tuple(recs), (), ()), share=1 / 9, seed=0)
    assert len(fold.validation) == 8 and len(fold.train) == 64
    check_no_leak(fold)


def test_split_from_lists_excludes_unlisted_and_rejects_a_listed_leak():
    recs = corpus(per_class=3, classes=("a",))
    stem = lambda r: r.path.with_suffix("").as_posix()  # noqa: E731
    fold = split_from_lists(recs, {"train": ["a/0"], "test": ["a/1", "zz"]}, key=stem)
    assert (len(fold.train), len(fold.test), len(fold.excluded), fold.unmatched) == (1, 1, 1, 1)
    with pytest.raises(SplitLeakError, match="both train and test"):
        split_from_lists(recs, {"train": ["a/0"], "test": ["a/0"]}, key=str)


def test_fault_filtered_gtzan_split_on_real_lists(shared_data, tmp_path):
    from dancekit.data import gtzan_recordings

    recs = gtzan_recordings(shared_data / "gtzan_mini")
    fold = gtzan_split(recs)
    # 443/197/290 clips in the full lists; 93 of the 100 mini clips are in them, 7 are faulty clips left out
    assert (len(fold.train), len(fold.validation), len(fold.test), len(fold.excluded)) == (40, 49, 4, 7)
    assert fold.unmatched == 930 - 93
    check_no_leak(fold)
    assert len(gtzan_split(recs, "stratified").test) == 27
    with pytest.raises(SplitError, match="split list not found"):
        gtzan_split(recs, splits_dir=tmp_path)


def test_extended_ballroom_folds_on_real_lists(shared_data):
    from dancekit.data import extended_ballroom_recordings
    from dancekit.data.labels import EXTENDED_BALLROOM_TO_DANCE_CNN

    meta = shared_data / "extended_ballroom_meta"
    recs = extended_ballroom_recordings(meta / "none", xml=meta / "extendedballroom_v1.1.xml", missing="keep")
    folds = extended_ballroom_folds(recs, meta)
    assert len(folds) == 10
    assert all((len(f.train), len(f.test), len(f.excluded)) == (3762, 418, 0) for f in folds)
    assert Counter(r for f in folds for r in f.test) == Counter(recs)  # every track tested once
    # the published folds are artist/disc filtered by their own rule, not by these groups: report, don't hide
    assert sum(leak_summary(f)["test_recordings"] for f in folds) > 0
    with_val = extended_ballroom_folds(recs, meta, validation=True)[0]
    assert 400 < len(with_val.validation) < 440 and with_val.test == folds[0].test
    ten = extended_ballroom_folds(EXTENDED_BALLROOM_TO_DANCE_CNN.apply(recs), meta)
    assert sum(len(f.test) for f in ten) == 4110
