"""Confidence/margin scores of an answer and the coverage-precision sweep of a threshold rule."""

import math

import pytest

from dancekit.evaluation.reject_option import answer_scores, threshold_sweep


def test_answer_scores_and_the_reject_class():
    assert answer_scores([0.1, 0.6, 0.3], "b") == pytest.approx({"confidence": 0.6, "margin": 0.3})
    assert answer_scores([0.1, 0.9], "Other") == {"confidence": 0.0, "margin": 0.0}


def test_sweep_trades_coverage_for_precision():
    dances = [{"confidence": 0.9, "margin": 0.8, "correct": True}, {"confidence": 0.5, "margin": 0.1, "correct": False},
              {"confidence": 0.7, "margin": 0.4, "correct": True}, {"confidence": 0.3, "margin": 0.05, "correct": False}]
    others = [{"confidence": 0.4, "margin": 0.2}, {"confidence": 0.8, "margin": 0.1}]
    rows = threshold_sweep(dances, others, "confidence", [0.0, 0.6, 0.95])
    assert [r["coverage"] for r in rows] == [1.0, 0.5, 0.0]
    assert rows[0]["precision"] == 0.5 and rows[1]["precision"] == 1.0 and math.isnan(rows[2]["precision"])
    assert [r["other_answered"] for r in rows] == [1.0, 0.5, 0.0]
    by_margin = threshold_sweep(dances, others, "margin", [0.15])
    assert by_margin[0]["coverage"] == 0.5 and by_margin[0]["other_answered"] == 0.5
