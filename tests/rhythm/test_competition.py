"""Bars-per-minute arithmetic, the competition table lookup and the one-line description."""

import json

import numpy as np
import pytest

from dancekit.rhythm import RhythmResult, bars_per_minute, dances_for_tempo, nearest_dance


def result(bpm, beats_per_bar, confidence=0.9):
    return RhythmResult(tempo_bpm=bpm, beats=np.array([0.5, 1.0]), beats_per_bar=beats_per_bar, meter_confidence=confidence)


def names(dances):
    return sorted(d.name for d in dances)


def test_bars_per_minute_divides_by_beats_per_bar():
    assert bars_per_minute(88, 3) == pytest.approx(29.333, abs=1e-3)
    assert bars_per_minute(104, 2) == 52
    assert result(128, 4).bars_per_minute == 32
    with pytest.raises(ValueError):
        bars_per_minute(100, 0)


@pytest.mark.parametrize(
    "bpm, beats_per_bar, expected",
    [
        (84, 3, ["Slow Waltz"]),  # 28 bars/min: lower edge
        (90, 3, ["Slow Waltz"]),  # 30: upper edge
        (93, 3, []),  # 31: just above
        (174, 3, ["Viennese Waltz"]),  # 58
        (181.6, 3, []),  # 60.5 rounds to 61 (outside 58-60)
        (100, 4, ["Rumba", "Samba"]),  # 25 in 4/4, 50 in 2/4
        (104, 4, ["Rumba", "Samba"]),
        (108, 4, ["Rumba"]),  # Samba would be 54
        (120, 4, ["Cha Cha Cha", "Paso Doble", "Slow Foxtrot"]),
        (132, 4, ["Tango"]),
        (176, 4, ["Jive"]),
        (208, 4, ["Quickstep"]),
        (96, 4, []),
    ],
)
def test_matching_dances_at_range_boundaries(bpm, beats_per_bar, expected):
    assert names(result(bpm, beats_per_bar).matching_dances()) == expected


def test_meter_filter_can_be_switched_off():
    # 88 BPM heard as 4/4 fits no duple/quadruple dance, but is a Slow Waltz tempo in 3/4.
    assert result(88, 4).matching_dances() == []
    assert names(result(88, 4).matching_dances(respect_meter=False)) == ["Slow Waltz"]
    assert names(dances_for_tempo(104)) == ["Rumba", "Samba"]


def test_describe_in_range():
    assert result(88, 3).describe() == "88 BPM = 29 bars/min (Slow Waltz range 28-30)"
    assert result(176, 4).describe() == "176 BPM = 44 bars/min (Jive range 42-44)"


def test_describe_duple_alternative_is_explicit():
    assert result(104, 4).describe() == (
        "104 BPM = 26 bars/min (Rumba range 25-27; or Samba 52 bars/min in 2/4, range 50-52)"
    )


def test_describe_names_nearest_when_out_of_range():
    assert result(136, 4).describe() == "136 BPM = 34 bars/min (nearest: Tango 31-33)"
    assert result(96, 3).describe() == "96 BPM = 32 bars/min (nearest: Slow Waltz 28-30)"
    assert nearest_dance(160, 3).name == "Viennese Waltz"


def test_describe_without_beat():
    assert result(0.0, 4, 0.5).describe() == "no steady beat found"
    assert result(0.0, 4, 0.5).matching_dances() == []


def test_to_dict_is_json_ready():
    d = result(87.6, 3).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["beats_per_bar"] == 3 and d["matching_dances"] == ["Slow Waltz"]
    assert d["bars_per_minute"] == pytest.approx(29.2)
    assert d["beats"] == [0.5, 1.0]
