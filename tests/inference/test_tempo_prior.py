import numpy as np
import pytest

from dancekit.dances import DANCE_NAMES
from dancekit.inference.tempo_prior import FLOOR, fuse, meter_likelihoods, tempo_likelihoods
from dancekit.rhythm import RhythmResult

CLASSES = list(DANCE_NAMES)


def _likely(bpm):
    return dict(zip(CLASSES, tempo_likelihoods(bpm, CLASSES)))


def test_tempo_likelihood_peaks_at_each_dances_typical_tempo():
    assert max(_likely(87), key=_likely(87).get) == "Slow Waltz"
    assert max(_likely(176), key=_likely(176).get) == "Viennese Waltz"
    assert max(_likely(124), key=_likely(124).get) == "Cha Cha Cha"
    assert max(_likely(200), key=_likely(200).get) == "Quickstep"
    assert _likely(87)["Quickstep"] < FLOOR + 0.01


def test_half_tempo_estimate_still_points_to_the_fast_dance_but_less():
    # a tracker that hears a Quickstep at half speed (100 BPM)
    assert _likely(100)["Quickstep"] > 5 * FLOOR
    assert _likely(100)["Quickstep"] < _likely(200)["Quickstep"]


def test_unknown_classes_and_missing_tempo_are_neutral():
    assert tempo_likelihoods(120, ["Toy"]).tolist() == [1.0]
    assert tempo_likelihoods(0.0, CLASSES).tolist() == [1.0] * len(CLASSES)
    assert meter_likelihoods(3, 0.9, ["Toy"]).tolist() == [1.0]


def test_meter_evidence_favours_dances_of_that_meter():
    m = dict(zip(CLASSES, meter_likelihoods(3, 0.9, CLASSES)))
    assert m["Slow Waltz"] == m["Viennese Waltz"] == pytest.approx(0.9)
    assert m["Rumba"] == pytest.approx(0.1)


def test_fusion_settles_a_slow_versus_viennese_waltz_doubt():
    network = np.full(len(CLASSES), 0.01)
    network[CLASSES.index("Slow Waltz")] = 0.45
    network[CLASSES.index("Viennese Waltz")] = 0.47
    network /= network.sum()
    rhythm = RhythmResult(tempo_bpm=86.0, beats=np.zeros(0), beats_per_bar=3, meter_confidence=0.8)
    fused = fuse(network, CLASSES, rhythm)
    assert CLASSES[int(np.argmax(network))] == "Viennese Waltz"
    assert CLASSES[int(np.argmax(fused))] == "Slow Waltz"
    assert fused.sum() == pytest.approx(1.0)
    assert fuse(network, CLASSES, None) is network


def test_a_confident_octave_is_not_forgiven():
    # a Viennese waltz measured at 168 BPM in 3/4, the scorer 90 % sure of that octave
    sure = dict(zip(CLASSES, tempo_likelihoods(168, CLASSES, [(84.0, 0.1), (168.0, 0.9)])))
    assert sure["Viennese Waltz"] > 2 * sure["Slow Waltz"]
    # the same tempo without octave probabilities forgives the half tempo as before
    assert _likely(168)["Slow Waltz"] > 0.2


def test_an_unsure_octave_leaves_both_dances_open():
    split = dict(zip(CLASSES, tempo_likelihoods(168, CLASSES, [(84.0, 0.5), (168.0, 0.5)])))
    assert split["Slow Waltz"] > 0.5 and split["Viennese Waltz"] > 0.3


def test_fusion_reads_the_octave_probabilities_of_the_rhythm_result():
    network = np.array([0.55 if c == "Slow Waltz" else 0.33 if c == "Viennese Waltz" else 0.012 for c in CLASSES])
    rhythm = RhythmResult(tempo_bpm=168.0, beats=np.zeros(0), beats_per_bar=3, meter_confidence=0.9,
                          tempo_confidence=0.9, tempo_candidates=((84.0, 0.1), (168.0, 0.9)))
    fused = dict(zip(CLASSES, fuse(network, CLASSES, rhythm)))
    assert max(fused, key=fused.get) == "Viennese Waltz"


def test_other_is_neutral_under_tempo_and_meter_so_an_unusual_tempo_does_not_drift_to_it():
    from dancekit.inference.tempo_prior import meter_likelihoods, tempo_likelihoods

    classes = ["Slow Waltz", "Viennese Waltz", "Tango", "Other"]
    tempo = tempo_likelihoods(87.0, classes)
    assert tempo[0] == 1.0 and tempo[3] < tempo[0]
    assert tempo[3] == pytest.approx(np.mean(tempo[:3]))
    meter = meter_likelihoods(3, 0.9, classes)
    assert meter[3] == pytest.approx(np.mean(meter[:3])) and meter[3] < meter[0]
    assert list(meter_likelihoods(3, 0.9, ["Other", "Blues"])) == [1.0, 1.0]
