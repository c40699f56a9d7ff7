import dataclasses

import numpy as np
import pytest

from dancekit.rhythm.octave_model import (
    OctaveModel,
    default_octave_model,
    estimate_dancer_tempo,
    octave_model_from_dict,
)
from dancekit.rhythm.onsets import HOP_LENGTH, SR, mel_db, onset_envelope
from dancekit.rhythm.tempo_candidates import FEATURE_NAMES, TempoCandidates

from click_tracks import click_track

F = len(FEATURE_NAMES)


def _prefers_fast(weight: float) -> OctaveModel:
    """A linear scorer that only looks at log2 tempo: positive weight prefers fast candidates."""
    w = np.zeros((F, 1))
    w[FEATURE_NAMES.index("log2_bpm"), 0] = weight
    return OctaveModel(np.zeros(F), np.ones(F), [(w, np.zeros(1))], FEATURE_NAMES, {})


def test_posterior_sums_to_one_and_follows_the_scores():
    feats = np.zeros((3, F))
    feats[:, FEATURE_NAMES.index("log2_bpm")] = [-1.0, 0.0, 1.0]
    cands = TempoCandidates(np.array([60.0, 120.0, 240.0]), feats, 120.0)
    p = _prefers_fast(3.0).posterior(cands)
    assert p.sum() == pytest.approx(1.0) and np.argmax(p) == 2
    assert np.argmax(_prefers_fast(-3.0).posterior(cands)) == 0


def test_round_trip_and_refusal_of_other_features():
    model = dataclasses.replace(_prefers_fast(2.0), temperature=3.0)
    again = octave_model_from_dict(model.to_dict())
    feats = np.random.default_rng(0).standard_normal((4, F))
    np.testing.assert_allclose(again.scores(feats), model.scores(feats))
    cands = TempoCandidates(np.array([60.0, 120.0, 240.0, 250.0]), feats, 120.0)
    np.testing.assert_allclose(again.posterior(cands), model.posterior(cands))
    assert again.temperature == 3.0
    data = model.to_dict()
    data["feature_names"] = data["feature_names"][:-1]
    with pytest.raises(ValueError, match="retrain"):
        octave_model_from_dict(data)


def test_the_scorer_decides_the_octave_reported():
    y = click_track(100.0, hat_positions=(0.5,))
    S = mel_db(y)
    env = onset_envelope(S=S)
    fast = estimate_dancer_tempo(env, SR, HOP_LENGTH, S=S, model=_prefers_fast(5.0))
    slow = estimate_dancer_tempo(env, SR, HOP_LENGTH, S=S, model=_prefers_fast(-5.0))
    assert fast.bpm > slow.bpm * 2.5
    assert sum(q for _, q in fast.candidates) == pytest.approx(1.0)
    assert fast.confidence == max(q for _, q in fast.candidates)


def test_shipped_scorer_finds_a_plain_beat():
    model = default_octave_model()
    if model is None:
        pytest.skip("this checkout ships no octave model")
    y = click_track(120.0, hat_positions=(0.5,))
    S = mel_db(y)
    est = estimate_dancer_tempo(onset_envelope(S=S), SR, HOP_LENGTH, S=S)
    assert abs(np.log2(est.bpm / 120.0)) < 0.06 or abs(np.log2(est.bpm / 240.0)) < 0.06
    assert 0.0 < est.confidence <= 1.0
