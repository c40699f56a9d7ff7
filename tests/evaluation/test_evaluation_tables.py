import json
from collections import Counter

import numpy as np
import pytest
from evaluation_fixtures import (make_ballroom, make_extended_ballroom, make_folders, make_gtzan, make_tang,
                                 write_tone)

from dancekit.data.splits import Fold, leak_summary
from dancekit.evaluation import tables
from dancekit.evaluation.table_report import data_facts, write_table_report
from dancekit.evaluation.table_runs import evaluate, prepare
from dancekit.evaluation.tables import (DATASETS, SPLITS, SVM, TABLES, EvaluationInputError,
                                        UnknownModelError, UnknownTableError, get_table, make_folds, parse_folds,
                                        recipe_for, select_models)
from dancekit.training.recipes import TrainingRecipe

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _tested_once(folds, n):
    tested = Counter(i for f in folds for i in f.test.tolist())
    return sorted(tested) == list(range(n)) and set(tested.values()) == {1}


def test_every_table_names_known_data_split_and_models():
    for table in TABLES.values():
        assert table.dataset in DATASETS and table.split in SPLITS and table.title and table.note
        for name in table.models:
            assert name == SVM or isinstance(recipe_for(name), TrainingRecipe)
    assert [recipe_for(m).architecture for m in TABLES["paper1-table6"].models] == [
        "densenet161", "resnet18", "resnext50_32x4d", "vgg16"]
    assert recipe_for("vgg11_rnn").architecture_args == {"cnn": "vgg11", "rnn": True, "fusion": "concat"}
    assert recipe_for("bbnn", max_epochs=2).max_epochs == 2 and recipe_for("bbnn").max_epochs == 100
    with pytest.raises(UnknownTableError, match="paper2-gtzan"):
        get_table("paper9")
    with pytest.raises(UnknownModelError, match="unknown model 'lenet'"):
        select_models(TABLES["paper2-gtzan"], "bbnn,lenet")
    assert select_models(TABLES["paper2-gtzan"], None) == ["bbnn", SVM]


def test_gtzan_folds_are_recorded_and_a_mismatching_work_folder_is_refused(tmp_path):
    data = make_gtzan(tmp_path / "gtzan", genres=("blues", "jazz", "rock"), per_genre=3)
    prep = prepare(TABLES["paper2-gtzan"], data, tmp_path / "work", n_folds=3)
    assert len(prep.recordings) == 9 and list(prep.classes)[:2] == ["blues", "classical"]
    assert len(prep.folds) == 3 and _tested_once(prep.folds, 9)
    for fold in prep.folds:  # 8/1/1 at k=10 is 1/1/1 at k=3: one clip of each genre per side
        assert len(fold.train) == len(fold.validation) == len(fold.test) == 3
        assert not set(fold.train) & set(fold.test) and not set(fold.validation) & set(fold.test)
    facts = json.loads((tmp_path / "work" / "evaluation.json").read_text())
    assert facts["recordings"] == 9 and facts["folds"] == 3 and facts["class_counts"]["rock"] == 3
    assert prepare(TABLES["gtzan-mini"], data, tmp_path / "work", n_folds=3).folds[0].test.tolist() == \
        prep.folds[0].test.tolist()  # another table on the same folds shares the folder
    with pytest.raises(EvaluationInputError, match="other folds.*use another --work"):
        prepare(TABLES["paper2-gtzan"], data, tmp_path / "work", n_folds=3, seed=1)
    write_tone(data / "genres" / "rock" / "rock.00009.wav", seed=9)
    with pytest.raises(EvaluationInputError, match="other data"):
        prepare(TABLES["paper2-gtzan"], data, tmp_path / "work", n_folds=3)


def test_gtzan_as_a_folder_per_genre(tmp_path):
    data = make_folders(tmp_path / "copy", classes=("disco", "metal"), per_class=3)
    prep = prepare(TABLES["paper2-gtzan"], data, tmp_path / "work", folders=True, n_folds=3)
    assert {r.label for r in prep.recordings} == {"disco", "metal"} and list(prep.classes) == list(
        tables.GTZAN_GENRES)
    with pytest.raises(EvaluationInputError, match="not a class of 'gtzan'"):
        prepare(TABLES["paper2-gtzan"], make_folders(tmp_path / "bad", classes=("fast",)), tmp_path / "w2",
                folders=True, n_folds=3)


def test_ballroom_merges_the_rumba_folders(tmp_path):
    prep = prepare(TABLES["paper2-ballroom"], make_ballroom(tmp_path / "br", per_folder=3), tmp_path / "work",
                   n_folds=3)
    assert Counter(r.label for r in prep.recordings) == {"ChaChaCha": 3, "Rumba": 6, "Waltz": 3}
    assert len(prep.classes) == 8 and _tested_once(prep.folds, 12)
    with pytest.raises(EvaluationInputError, match="no Ballroom tracks"):
        prepare(TABLES["paper2-ballroom"], make_gtzan(tmp_path / "gtzan"), tmp_path / "w2", n_folds=3)


def test_extended_ballroom_ten_classes_keep_artists_on_one_side(tmp_path):
    data = make_extended_ballroom(tmp_path / "eb")
    prep = prepare(TABLES["paper1-table6"], data, tmp_path / "work", n_folds=3)
    assert len(prep.recordings) == 18 and "Salsa" not in {r.meta["source_label"] for r in prep.recordings}
    assert Counter(r.label for r in prep.recordings)["Slow Waltz"] == 7  # Waltz + Slowwaltz
    assert len(prep.classes) == 10 and _tested_once(prep.folds, 18)
    shared = {i for i, r in enumerate(prep.recordings) if r.meta["artist"] == "Shared"}
    for fold in prep.folds:
        sides = [shared & set(side.tolist()) for side in (fold.train, fold.validation, fold.test)]
        assert sum(bool(s) for s in sides) == 1  # the artist's two tracks sit on one side
    thirteen = prepare(TABLES["paper2-extended-ballroom"], data, tmp_path / "w13", n_folds=3)
    assert len(thirteen.recordings) == 20 and len(thirteen.classes) == 13


def test_published_extended_ballroom_folds_count_their_leaks(tmp_path):
    data = make_extended_ballroom(tmp_path / "eb", published_folds=True)
    prep = prepare(TABLES["paper1-table6-published"], data, tmp_path / "work")
    assert len(prep.folds) == 10 and _tested_once(prep.folds, 18)
    assert all(len(f.validation) > 0 for f in prep.folds)
    recs = prep.recordings
    expected = sum(leak_summary(Fold(tuple(recs[i] for i in f.train), (), tuple(recs[i] for i in f.test)))
                   ["test_recordings"] for f in prep.folds)
    assert prep.facts["published_fold_leaks"] == expected > 0
    assert "also trained on" in data_facts(tmp_path / "work")
    with pytest.raises(EvaluationInputError, match="fixed fold"):
        make_folds("extended-ballroom-published", recs, data, n_folds=5)


def test_tang_is_split_by_song(tmp_path):
    prep = prepare(TABLES["tang-songs"], make_tang(tmp_path / "tang"), tmp_path / "work")
    assert len(prep.folds) == 1
    test = [prep.recordings[i] for i in prep.folds[0].test]
    assert Counter(r.label for r in test) == {"Cha Cha Cha": 1, "Slow Waltz": 1}
    assert len({r.group for r in prep.recordings}) == 6


def test_own_folders_take_their_classes_from_the_folder_names(tmp_path):
    prep = prepare(TABLES["folders"], make_folders(tmp_path / "mine", ("fast", "slow", "mid")), tmp_path / "work",
                   n_folds=3)
    assert list(prep.classes) == ["fast", "mid", "slow"] and _tested_once(prep.folds, 9)


def test_fold_selection_is_checked():
    assert parse_folds(None, 3) == [0, 1, 2] and parse_folds("2,0,2", 3) == [0, 2]
    with pytest.raises(EvaluationInputError, match="fold 3 does not exist"):
        parse_folds("0,3", 3)
    with pytest.raises(EvaluationInputError, match="0-based fold numbers"):
        parse_folds("a", 3)


def test_svm_folds_resume_and_report_without_networks(tmp_path):
    data = make_gtzan(tmp_path / "gtzan", genres=("blues", "jazz"), per_genre=3)
    lines = []
    prep = evaluate(TABLES["paper2-gtzan"], data, tmp_path / "work", models="svm", only_folds="1", n_folds=3,
                    progress=False, log=lines.append)
    assert [p.parent.name for p in sorted((tmp_path / "work" / "svm").glob("fold*/result.json"))] == ["fold01"]
    evaluate(TABLES["paper2-gtzan"], data, tmp_path / "work", models="svm", n_folds=3, progress=False,
             log=lines.append)
    assert [line.split(":")[0] for line in lines] == ["svm fold 1", "svm fold 0", "svm fold 2"]
    result = json.loads((tmp_path / "work" / "svm" / "fold00" / "result.json").read_text())
    assert set(result["test_groups"]) == {prep.recordings[i].group for i in prep.folds[0].test}
    assert np.asarray(result["test_recording_probs"]).shape == (2, 10)
    # the two genres are two distinct tones: the SVM separates them
    assert result["metrics"]["recording_top1"] == 1.0
    report = write_table_report(tmp_path / "work", tmp_path / "report", "T", "note", models=["bbnn", SVM])
    assert "| svm (72-d features, RBF) | 3 | " in report.read_text()
    with pytest.raises(EvaluationInputError, match="no finished folds"):
        write_table_report(tmp_path / "work", tmp_path / "r2", "T", "note", models=["bbnn"])


def test_real_gtzan_mini_folds(shared_data, tmp_path):
    prep = prepare(TABLES["paper2-gtzan"], shared_data / "gtzan_mini", tmp_path / "work")
    assert len(prep.recordings) == 100 and len(prep.folds) == 10 and _tested_once(prep.folds, 100)
    assert all(Counter(prep.recordings[i].label for i in f.test) == Counter(dict.fromkeys(tables.GTZAN_GENRES, 1))
               for f in prep.folds)
