"""Tempo Acc1/Acc2, beat F-measure and the per-set rhythm summary."""

import numpy as np
import pytest

from dancekit.evaluation.rhythm_metrics import (beat_f_measure, score_rhythm, summarise_rhythm, tempo_acc1, tempo_acc2,
                                                tempo_hits)


@pytest.mark.parametrize("estimate, acc1, acc2", [
    (100.0, True, True),
    (103.9, True, True),     # inside 4 %
    (104.5, False, False),   # just outside, and no multiple is near
    (200.0, False, True),    # double
    (300.0, False, True),    # triple
    (50.0, False, True),     # half
    (100 / 3, False, True),  # third
    (150.0, False, False),   # 3/2 is not forgiven
    (206.0, False, True),    # within 4 % of 200 (the band scales with the multiple)
    (209.0, False, False),
])
def test_acc1_and_acc2_follow_the_four_percent_bands(estimate, acc1, acc2):
    assert tempo_acc1(estimate, 100.0) is acc1
    assert tempo_acc2(estimate, 100.0) is acc2
    assert tempo_hits(estimate, 100.0) == (acc1, acc2)


def test_acc2_factors_and_tolerance_are_options():
    assert not tempo_acc2(150.0, 100.0)
    assert tempo_acc2(150.0, 100.0, factors=(1.0, 1.5))
    assert tempo_acc1(108.0, 100.0, tolerance=0.08) and not tempo_acc1(108.0, 100.0)


def test_beat_f_measure_scores_hits_inside_70_ms_after_the_first_five_seconds():
    reference = np.arange(0.0, 30.0, 0.5)
    assert beat_f_measure(reference, reference + 0.05) == pytest.approx(1.0)
    assert beat_f_measure(reference, reference + 0.1) == 0.0
    early_miss = np.concatenate([reference[reference < 5] + 0.25, reference[reference >= 5]])
    assert beat_f_measure(reference, early_miss) == pytest.approx(1.0)  # beats before 5 s are not scored
    half = reference[::2]  # every other beat: precision 1, recall 1/2
    assert beat_f_measure(reference, half) == pytest.approx(2 * 0.5 / 1.5, abs=0.02)


def test_score_rhythm_leaves_out_tempo_scores_without_a_reference_tempo():
    row = score_rhythm(120.004, [1.0], 4, bpm=None, reference_beats=None, reference_meter=3)
    assert row == {"tempo_est": 120.0, "meter_est": 4, "meter_ref": 3}
    row = score_rhythm(60.0, np.arange(0, 20, 1.0), None, bpm=120.0, reference_beats=list(np.arange(0, 20, 0.5)),
                       reference_meter=None)
    assert row["tempo_ref"] == 120.0 and (row["acc1"], row["acc2"]) == (False, True)
    assert 0.0 < row["beat_f"] < 1.0


def _row(acc1, meter_est, meter_ref, seconds=1.0):
    return {"seconds": seconds, "acc1": acc1, "acc2": True, "beat_f": 0.5, "meter_est": meter_est,
            "meter_ref": meter_ref}


def test_summary_means_and_meter_counts():
    rows = [_row(True, 3, 3, 1.0), _row(False, 4, 3, 3.0), _row(True, 3, 4), _row(True, 4, 4)]
    s = summarise_rhythm(rows)
    assert s["n"] == 4 and s["seconds_per_clip"] == 1.5
    assert (s["acc1"], s["acc2"], s["beat_f"]) == (0.75, 1.0, 0.5)
    assert (s["meter_n"], s["meter_n_triple"], s["meter_always4"]) == (4, 2, 0.5)
    assert s["meter_acc"] == 0.5 and s["meter_triple_recall"] == 0.5 and s["meter_false_triple"] == 1


def test_summary_without_meter_estimates_or_truth():
    no_estimate = summarise_rhythm([_row(True, None, 4), _row(False, None, None)])
    assert no_estimate["meter_n"] == 1 and "meter_acc" not in no_estimate
    meter_only = summarise_rhythm([{"seconds": 2.0, "meter_est": 4, "meter_ref": 4}])
    assert "acc1" not in meter_only and meter_only["meter_triple_recall"] is None and meter_only["meter_acc"] == 1.0
