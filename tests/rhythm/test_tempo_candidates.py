import numpy as np

from dancekit.rhythm.onsets import HOP_LENGTH, SR, mel_db, onset_envelope
from dancekit.rhythm.tempo_candidates import FEATURE_NAMES, tempo_candidates

from click_tracks import click_track


def _candidates(y):
    S = mel_db(y)
    return tempo_candidates(onset_envelope(S=S), SR, HOP_LENGTH, S=S)


def test_candidates_are_octaves_of_the_pulse_and_include_the_true_tempo():
    found = _candidates(click_track(100.0))
    assert found.features.shape == (len(found.bpm), len(FEATURE_NAMES))
    assert np.all(np.diff(found.bpm) > 0)
    assert np.min(np.abs(np.log(found.bpm / 100.0))) < np.log(1.04)
    ratios = found.bpm / found.family_bpm
    assert np.allclose(np.sort(ratios), np.sort([r for r in (1 / 3, 1 / 2, 1, 2, 3) if 35 <= r * found.family_bpm <= 290]))


def test_band_evidence_tells_kick_from_hihat():
    found = _candidates(click_track(100.0, hat_positions=(0.5,)))
    k = int(np.argmin(np.abs(np.log(found.bpm / 100.0))))
    row = dict(zip(FEATURE_NAMES, found.features[k]))
    # the kick repeats at the beat; the hi-hat, half a beat later each time, also repeats every beat
    assert row["low_acf"] > 0.5
    assert row["high_acf"] > 0.5


def test_silence_has_no_candidates():
    found = tempo_candidates(np.zeros(500), SR, HOP_LENGTH)
    assert len(found.bpm) == 0 and found.family_bpm == 0.0
