"""The one annotated Ballroom track (a Slow Waltz, 84 BPM by its .bpm file, 3/4)."""

import numpy as np
import pytest
import soundfile as sf

from dancekit.rhythm import analyze


@pytest.fixture(scope="module")
def waltz(shared_data):
    folder = shared_data / "ballroom_sample"
    path = folder / "Waltz_Media-105901.flac"
    if not path.exists():
        pytest.skip(f"ballroom sample not found at {path}")
    y, sr = sf.read(path, dtype="float32")
    return analyze(y, sr), float((folder / "ballroom_Media-105901.bpm").read_text())


def test_ballroom_waltz_tempo_within_4_percent(waltz):
    result, annotated_bpm = waltz
    assert annotated_bpm == 84
    assert result.tempo_bpm == pytest.approx(annotated_bpm, rel=0.04)  # Acc1, no octave allowance


def test_ballroom_waltz_meter_and_dance(waltz):
    result, _ = waltz
    assert result.beats_per_bar == 3
    assert [d.name for d in result.matching_dances()] == ["Slow Waltz"]
    assert result.describe() == "84 BPM = 28 bars/min (Slow Waltz range 28-30)"


def test_ballroom_waltz_beats_match_annotation(waltz, shared_data):
    import mir_eval

    result, _ = waltz
    ann = shared_data / "ballroom_annotations" / "Media-105901.beats"
    if not ann.exists():
        pytest.skip(f"full beat annotation not found at {ann}")
    reference = np.loadtxt(ann, ndmin=2)[:, 0]
    f = mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference), mir_eval.beat.trim_beats(result.beats))
    assert f > 0.8
