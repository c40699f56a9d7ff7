"""Classifying in a worker thread changes when the network runs, never what it answers: batches come
back in the order they went in, errors reach the caller, and a file's answer is the same to the bit."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from toy_audio import SR, toy_recording

from dancekit.inference import Identifier
from dancekit.inference.overlap import BackgroundClassifier


@pytest.fixture(scope="module")
def identifier(toy_model):
    return Identifier(toy_model, batch_size=4)


def _batch(value: float, k: int = 2) -> np.ndarray:
    return np.full((k, 3, 5), value, dtype=np.float32)


def test_batches_come_back_in_order_even_when_a_later_one_is_ready_first():
    first_may_finish = threading.Event()

    def classify(segments):
        if segments[0, 0, 0] == 0.0:
            first_may_finish.wait(5.0)
        return segments[:, :1, 0]

    background = BackgroundClassifier(classify)
    background.submit(_batch(0.0), [0, 10])
    background.submit(_batch(1.0), [20, 30])
    assert background.done() == []  # the second cannot overtake the first
    first_may_finish.set()
    batches = background.wait()
    assert [starts for _, starts in batches] == [[0, 10], [20, 30]]
    assert [float(probs[0, 0]) for probs, _ in batches] == [0.0, 1.0]
    assert background.pending == 0
    background.close()


def test_an_error_in_the_worker_reaches_the_caller():
    def classify(segments):
        raise RuntimeError("network failed")

    background = BackgroundClassifier(classify)
    background.submit(_batch(0.0), [0, 10])
    with pytest.raises(RuntimeError, match="network failed"):
        background.wait()
    background.close()


def test_close_drops_what_is_waiting_and_a_closed_classifier_starts_again():
    background = BackgroundClassifier(lambda segments: segments[:, :1, 0])
    background.submit(_batch(0.0), [0])
    background.close()
    assert background.pending == 0 and background.wait() == []
    background.submit(_batch(2.0), [5])
    (probs, starts), = background.wait()
    assert starts == [5] and float(probs[0, 0]) == 2.0
    background.close()


@pytest.mark.parametrize("rhythm", [True, False])
def test_a_file_identified_with_overlap_gets_the_answer_of_one_classified_in_turn(identifier, rhythm):
    samples = toy_recording(0, 75.0, seed=41)  # several chunks and batches
    expected = identifier.session("x", live=False, rhythm=rhythm)
    for i in range(0, len(samples), 30 * SR):
        expected.push(samples[i : i + 30 * SR])
    expected = expected.result()
    got = identifier.identify(samples, sample_rate=SR, name="x", rhythm=rhythm)
    assert len(got.segment_starts_s) > 2 * identifier.batch_size
    np.testing.assert_array_equal(got.segment_starts_s, expected.segment_starts_s)
    np.testing.assert_array_equal(got.segment_probabilities, expected.segment_probabilities)
    np.testing.assert_array_equal(got.probabilities, expected.probabilities)
    if rhythm:
        assert got.rhythm.tempo_bpm == expected.rhythm.tempo_bpm > 0
        np.testing.assert_array_equal(got.rhythm.beats, expected.rhythm.beats)
    else:
        assert got.rhythm is None and expected.rhythm is None


def test_an_overlapping_session_counts_every_batch_once_and_leaves_no_worker_behind(identifier):
    samples = toy_recording(1, 40.0, seed=42)
    session = identifier.session("x", live=False, overlap=True)
    counted = sum(len(session.push(samples[i : i + 5 * SR])) for i in range(0, len(samples), 5 * SR))
    result = session.result()
    assert session.mean.count == len(result.segment_starts_s) >= counted
    assert not [t for t in threading.enumerate() if t.name.startswith("dancekit-network")]


def test_live_sessions_do_not_overlap(identifier):
    session = identifier.session("x", live=True, overlap=True)
    probs = session.push(toy_recording(0, 8.0, seed=43))
    assert len(probs) == session.mean.count >= 1  # answered within the push, as live callers need
