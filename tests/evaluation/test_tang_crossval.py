"""Pooling the Tang cross-validation: held-out songs from the card, answers per song, pooled scores."""

import json

import numpy as np
import pytest

from dancekit.errors import DancekitError
from dancekit.evaluation.fusion_weights import FUSION_WEIGHTS, labels_by_fusion_weights, weights_key
from dancekit.evaluation.tang_crossval import (answer_row, held_out_songs, merged_rows, score_answers,
                                               summarise_crossval)
from dancekit.inference.result import IdentifyResult
from dancekit.models import ModelCard

CLASSES = ["Slow Waltz", "Tango", "Rumba"]


def _card(sides):
    return ModelCard(name="fold", task="dance", architecture="resnet18", classes=CLASSES, frontend={},
                     training={"tang_sides": sides} if sides is not None else {})


def _result(probs):
    probs = np.asarray(probs, dtype=float)
    return IdentifyResult("x", CLASSES, probs, np.zeros(1), probs[None], 5.0, 5.0, network_probabilities=probs)


def test_held_out_songs_are_the_test_side_of_the_card():
    card = _card({"DANCE_W_2": "test", "DANCE_W_1": "train", "DANCE_C_1": "test", "DANCE_T_1": "val"})
    assert held_out_songs(card) == ["DANCE_C_1", "DANCE_W_2"]
    with pytest.raises(DancekitError, match="no Tang split"):
        held_out_songs(_card(None))


def test_a_model_trained_without_tang_holds_out_every_song():
    card = ModelCard(name="synthetic", task="dance", architecture="resnet18", classes=CLASSES, frontend={},
                     training={"tang_sides": {}, "data": {"corpora": [], "tang": None}})
    assert held_out_songs(card, ["DANCE_W_2", "DANCE_C_1"]) == ["DANCE_C_1", "DANCE_W_2"]
    trained_on_some = ModelCard(name="f", task="dance", architecture="resnet18", classes=CLASSES, frontend={},
                                training={"data": {"tang": {"name": "tang_dance"}}})
    with pytest.raises(DancekitError, match="no Tang split"):
        held_out_songs(trained_on_some, ["DANCE_W_2"])


def test_an_answer_row_without_rhythm_has_the_network_answer_everywhere():
    row = answer_row(_result([0.2, 0.5, 0.3]), CLASSES, "DANCE_T_1", "Tango", "f0")
    assert row["network"] == row["fused"] == "Tango" and row["network_top2"] == ["Tango", "Rumba"]
    assert row["network_probability"] == 0.5 and row["fused_probabilities"]["Rumba"] == 0.3
    assert row["tempo_bpm"] is None and row["beats_per_bar"] is None
    assert row["weights"] == {weights_key(tw, mw): "Tango" for tw, mw in FUSION_WEIGHTS}
    assert list(labels_by_fusion_weights(_result([0.6, 0.3, 0.1]), CLASSES))[-1] == "tempo 1, meter 1"


def _row(song, truth, network, fused, top2=None):
    return {"model": "f", "song": song, "truth": truth, "network": network, "fused": fused,
            "network_top2": top2 or [network, truth], "fused_top2": [fused, "x"],
            "weights": {"tempo 0, meter 0": network, "tempo 1, meter 1": fused}}


def test_pooled_scores_and_confusion():
    rows = [_row("a", "Tango", "Tango", "Tango"), _row("b", "Tango", "Rumba", "Tango"),
            _row("c", "Rumba", "Tango", "Tango", top2=["Tango", "Slow Waltz"]), _row("d", "Rumba", "Rumba", "Tango")]
    summary = summarise_crossval(rows, 2)
    assert summary["songs"] == 4 and summary["models"] == 2
    assert summary["network"]["top1"] == 0.5 and summary["network"]["top2"] == 0.75
    assert summary["fused"]["per_dance"] == {"Rumba": 0.0, "Tango": 1.0}
    assert summary["fused"]["confusion"] == {"Rumba": {"Tango": 2}, "Tango": {"Tango": 2}}
    assert summary["top1_by_fusion_weights"] == {"tempo 0, meter 0": 0.5, "tempo 1, meter 1": 0.5}
    assert score_answers(rows[:1], "network")["n"] == 1


def test_a_song_tested_twice_is_refused():
    with pytest.raises(DancekitError, match="more than one model: a"):
        summarise_crossval([_row("a", "Tango", "Tango", "Tango")] * 2, 2)


def test_merged_rows_reads_per_fold_files_and_refuses_broken_ones(tmp_path):
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    one.write_text(json.dumps({"songs": [_row("a", "Tango", "Tango", "Tango")]}))
    two.write_text(json.dumps({"songs": [_row("b", "Rumba", "Tango", "Rumba")]}))
    assert [r["song"] for r in merged_rows([one, two])] == ["a", "b"]
    two.write_text("{}")
    with pytest.raises(DancekitError, match="cannot read per-fold results"):
        merged_rows([one, two])
