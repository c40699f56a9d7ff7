"""Beat-phase runs over Tang songs: options checked in one line, real dancers scored."""

import json

import pytest

from dancekit.evaluation.beat_phase_report import beat_phase_summary
from dancekit.evaluation.beat_phase_run import BeatPhaseOptions, tang_beat_phase_rows
from dancekit.motion.beat_phase import BeatPhaseError


def test_options_refuse_what_cannot_be_tested():
    with pytest.raises(BeatPhaseError, match="--stretch"):
        BeatPhaseOptions(stretch=3.0)
    with pytest.raises(BeatPhaseError, match="--null"):
        BeatPhaseOptions(null=5)
    options = BeatPhaseOptions(tolerances=(0.04, 0.0, 0.04), seconds=0)
    assert options.tolerances == (0.0, 0.04)
    settings = options.settings({"S2S": "models/s2s"})
    assert settings["clock_tolerances"] == [0.0, 0.04] and settings["seconds"] == "whole danced span"
    assert settings["models"] == {"S2S": "models/s2s"} and json.dumps(settings)


def test_a_real_dancer_is_scored(shared_data):
    options = BeatPhaseOptions(songs=("test",), limit=1, tolerances=(0.0,), null=20, seconds=30)
    rows = tang_beat_phase_rows(shared_data / "tang_dance", [], options)
    (row,) = rows
    assert row["method"] == "Dancer" and row["group"] == "test" and row["seconds"] == pytest.approx(30, abs=0.1)
    test = row["tests"]["stretched@0"]
    assert test["n_null"] == 20 and set(test["stats"]) == {"speed", "speed_beat", "events_beat", "events_bar"}
    assert row["beats_per_bar"] == row["rhythm_beats_per_bar"] and 40 < row["tempo_bpm"] < 250
    assert beat_phase_summary(rows)["test"]["Dancer"]["all"]["stretched@0"]["songs"] == 1
