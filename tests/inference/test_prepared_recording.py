"""A recording prepared without the network (as a scan's worker process does) gets the answer that
``identify`` gives: same segments, probabilities, status, warnings, tempo and meter."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from toy_audio import SR, toy_recording

from dancekit.inference import Identifier
from dancekit.inference.recording import prepare_samples


@pytest.fixture(scope="module")
def identifier(toy_model):
    return Identifier(toy_model, batch_size=8)


def _answer(identifier, samples, name="x", stride=None, rhythm=True, tempo_prior=True):
    plan = identifier.segment_plan(stride, rhythm)
    prepared = pickle.loads(pickle.dumps(prepare_samples(plan, samples, name)))  # as it crosses a process
    return identifier.session(name, live=False, stride=stride, rhythm=rhythm, tempo_prior=tempo_prior,
                              prepared=prepared).result()


def _assert_same(got, expected):
    assert (got.status, got.label, got.warnings) == (expected.status, expected.label, expected.warnings)
    assert got.duration_s == expected.duration_s
    np.testing.assert_array_equal(got.segment_starts_s, expected.segment_starts_s)
    np.testing.assert_allclose(got.segment_probabilities, expected.segment_probabilities, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got.probabilities, expected.probabilities, rtol=0, atol=1e-6)
    assert (got.rhythm is None) == (expected.rhythm is None)
    if expected.rhythm is not None:
        assert got.rhythm.tempo_bpm == expected.rhythm.tempo_bpm
        assert got.rhythm.beats_per_bar == expected.rhythm.beats_per_bar
        assert got.rhythm.meter_confidence == expected.rhythm.meter_confidence
        np.testing.assert_array_equal(got.rhythm.beats, expected.rhythm.beats)


@pytest.mark.parametrize("case, samples", [
    ("music", toy_recording(0, 40.0, seed=31)),
    ("longer than a chunk, other dance", toy_recording(1, 75.0, seed=32)),
    ("shorter than a segment", toy_recording(1, 3.0, seed=33)),
    ("silence then music", np.concatenate([np.zeros(SR * 12, np.float32), toy_recording(0, 10.0, seed=34)])),
    ("silence", np.zeros(SR * 10, np.float32)),
])
def test_a_prepared_recording_gets_the_answer_of_identify(identifier, case, samples):
    expected = identifier.identify(samples, sample_rate=SR, name="x")
    _assert_same(_answer(identifier, samples), expected)


def test_options_travel_with_the_plan(identifier):
    samples = toy_recording(0, 20.0, seed=35)
    expected = identifier.identify(samples, sample_rate=SR, name="x", stride=50, rhythm=False)
    got = _answer(identifier, samples, stride=50, rhythm=False)
    _assert_same(got, expected)
    assert got.rhythm is None and len(got.segment_starts_s) > 10


def test_a_recording_prepared_with_other_options_is_refused(identifier):
    prepared = prepare_samples(identifier.segment_plan(stride=50), toy_recording(0, 10.0, seed=36), "x")
    with pytest.raises(ValueError, match="prepared for another"):
        identifier.session("x", live=False, prepared=prepared)


def test_a_prepared_session_takes_no_more_audio_and_its_segments_are_smaller_than_its_samples(identifier):
    samples = toy_recording(0, 30.0, seed=37)
    prepared = prepare_samples(identifier.segment_plan(), samples, "x")
    assert 0 < prepared.nbytes < samples.nbytes
    assert prepared.segments.dtype == np.float32
    session = identifier.session("x", live=False, prepared=prepared)
    with pytest.raises(RuntimeError, match="finished"):
        session.push(samples)
