import numpy as np
import pytest

from dancekit.rhythm.tempo_candidates import FEATURE_NAMES, TempoCandidates
from dancekit.training.tempo_octave import (
    OctaveExample,
    candidate_labels,
    choose,
    cross_validate_octave,
    fit_octave_model,
)

F = len(FEATURE_NAMES)
CUE = FEATURE_NAMES.index("low_acf")


def _example(rng, i, source="synthetic"):
    """Three octave candidates; the right one is the one whose kick repeats (the cue feature)."""
    family = rng.uniform(70, 140)
    bpm = family * np.array([0.5, 1.0, 2.0])
    feats = rng.standard_normal((3, F)) * 0.3
    feats[:, FEATURE_NAMES.index("log2_bpm")] = np.log2(bpm / 120)
    right = rng.integers(3)
    feats[right, CUE] += 2.0
    return OctaveExample(TempoCandidates(bpm, feats, family), float(bpm[right]), source, f"{source}-{i}")


def test_labels_mark_the_candidate_within_four_percent():
    c = TempoCandidates(np.array([50.0, 100.0, 200.0]), np.zeros((3, F)), 100.0)
    assert candidate_labels(c, 103.0).tolist() == [False, True, False]
    assert not candidate_labels(c, 150.0).any()


@pytest.mark.parametrize("hidden", [0, 8])
def test_the_fitted_scorer_learns_the_cue_and_cross_validation_answers_each_once(hidden):
    rng = np.random.default_rng(0)
    train = [_example(rng, i) for i in range(150)]
    held = [_example(rng, i, "real") for i in range(40)]
    model = fit_octave_model(train, hidden=hidden)
    right = np.mean([abs(choose(model, ex.candidates)[0] / ex.reference_bpm - 1) < 0.01 for ex in held])
    assert right > 0.9
    folds = cross_validate_octave(held, train, folds=4, hidden=hidden)
    assert sorted(folds.names) == sorted(ex.name for ex in held)
    assert all(0 < c <= 1 for c in folds.confidence)


def test_no_usable_example_is_an_error():
    c = TempoCandidates(np.array([100.0]), np.zeros((1, F)), 100.0)
    with pytest.raises(ValueError, match="reference tempo"):
        fit_octave_model([OctaveExample(c, 150.0, "x", "x")])


def test_temperature_softens_an_over_sure_scorer():
    from dancekit.training.tempo_octave import OctaveFold, fit_temperature

    # scores say "candidate 0" at +10 but it is right only 60 % of the time: probabilities must soften
    folds = OctaveFold(scores=[np.array([10.0, 0.0])] * 10, right=[0] * 6 + [1] * 4)
    t = fit_temperature(folds)
    p = np.exp(10.0 / t) / (np.exp(10.0 / t) + 1)
    assert t > 5 and abs(p - 0.6) < 0.05
    assert fit_temperature(OctaveFold(scores=[np.array([1.0, 0.0])], right=[-1])) == 1.0
