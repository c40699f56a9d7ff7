"""Calibration measures: a fitted temperature undoes over-confidence; ECE sees the gap."""

import numpy as np
import pytest

from dancekit.evaluation.calibration import (expected_calibration_error, fit_temperature, negative_log_likelihood,
                                             reliability_bins)
from dancekit.inference.calibration import apply_temperature


def _overconfident(n=400, seed=0):
    """Recordings right 60 % of the time whose model says ~95 %."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, n)
    answer = np.where(rng.random(n) < 0.6, truth, (truth + rng.integers(1, 4, n)) % 4)
    honest = np.full((n, 4), 0.4 / 3)
    honest[np.arange(n), answer] = 0.6
    return apply_temperature(honest, 0.25), truth, answer


def test_fitted_temperature_softens_an_overconfident_model_and_lowers_nll_and_ece():
    probs, truth, answer = _overconfident()
    t = fit_temperature(probs, truth)
    assert 3.0 < t < 5.5  # the generating temperature was 4
    assert negative_log_likelihood(probs, truth, t) < negative_log_likelihood(probs, truth)
    correct = answer == truth
    before = expected_calibration_error(probs.max(1), correct)
    after = expected_calibration_error(apply_temperature(probs, t).max(1), correct)
    assert before > 0.25 and after < 0.08


def test_reliability_bins_count_every_recording_once():
    bins = reliability_bins([0.05, 0.15, 0.95, 1.0], [False, True, True, True], n_bins=10)
    assert [b["count"] for b in bins] == [1, 1, 2] and bins[-1]["accuracy"] == 1.0
    assert expected_calibration_error([0.9, 0.9], [True, False]) == pytest.approx(0.4)
    with pytest.raises(ValueError):
        fit_temperature(np.zeros((0, 3)), [])


def test_the_reliability_diagram_is_written_as_a_png(tmp_path):
    from dancekit.evaluation.calibration_plot import reliability_diagram

    probs, truth, answer = _overconfident(100)
    bins = reliability_bins(probs.max(1), answer == truth)
    path = reliability_diagram({"raw": bins, "calibrated": bins}, tmp_path / "r.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_inflated_reject_class_gets_a_negative_bias_that_restores_the_right_answers():
    from dancekit.evaluation.calibration import fit_class_bias_and_temperature
    from dancekit.inference.calibration import Calibration

    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 300)  # class 2 is the reject class
    logits = rng.normal(0, 0.5, (300, 3))
    logits[np.arange(300), truth] += 2.0
    logits[:, 2] += 2.5  # training made the reject class too likely
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    bias, t = fit_class_bias_and_temperature(p, truth, 2)
    assert -3.5 < bias < -1.5
    fixed = Calibration(t, 0.5, {"Other": bias}).apply(p, ["a", "b", "Other"])
    assert np.mean(fixed.argmax(1) == truth) > np.mean(p.argmax(1) == truth) + 0.2
