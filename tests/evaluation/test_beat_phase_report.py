"""Beat-phase rows of many songs: other songs' grids as a null, a summary per group, a markdown table."""

from types import SimpleNamespace

import numpy as np
import pytest

from dancekit.evaluation.beat_phase_report import (beat_phase_markdown, beat_phase_row, beat_phase_summary,
                                                   other_song_grids)
from dancekit.motion import MotionClip


def _rhythm(period, start=0.0, n=40):
    return SimpleNamespace(beats=start + period * np.arange(n))


def test_other_songs_of_the_same_dance_and_tempo_make_the_null():
    rhythms = {"a": _rhythm(0.69), "b": _rhythm(0.70, start=3.0), "c": _rhythm(0.80), "d": _rhythm(0.69),
               "e": _rhythm(0.69, n=9)}
    starts = {"a": 1.0, "b": 4.0, "c": 1.0, "d": 1.0, "e": 5.0}
    dances = {"a": "Slow Waltz", "b": "Slow Waltz", "c": "Slow Waltz", "d": "Rumba", "e": "Slow Waltz"}
    grids = other_song_grids("a", rhythms, starts, dances, anchor=2.0)
    # b: same dance, 1.4 % slower; c: 16 % slower; d: another dance; e: under 8 beats after its start
    assert len(grids) == 1
    np.testing.assert_allclose(grids[0], 3.0 + 0.70 * np.arange(2, 40) - 4.0 + 2.0)  # from its start, moved


def _result(passed, z, value=0.2, null=0.1, clock=1.0):
    stat = {"passed": passed, "z": z, "value": value, "null_mean": null, "clock": clock}
    return {"stats": {"speed": stat, "events_bar": {**stat, "passed": not passed}}}


def rows():
    out = []
    for song, dance, passed, z in (("W_1", "Slow Waltz", True, 3.0), ("W_5", "Slow Waltz", False, 1.0),
                                   ("R_1", "Rumba", True, 2.0)):
        out.append({"song": song, "dance": dance, "group": "test", "method": "Dancer",
                    "tests": {"stretched@0": _result(passed, z)}})
    out.append({"song": "W_1", "dance": "Slow Waltz", "group": "test", "method": "S2S",
                "tests": {"stretched@0": _result(False, -0.5)}})
    return out


def test_summary_counts_songs_passing_per_group_method_dance_and_test():
    summary = beat_phase_summary(rows())
    dancers = summary["test"]["Dancer"]
    assert set(dancers) == {"all", "Slow Waltz", "Rumba"}
    speed = dancers["all"]["stretched@0"]["speed"]
    assert dancers["all"]["stretched@0"]["songs"] == 3 and speed["passed"] == 2
    assert speed["pass_share"] == pytest.approx(2 / 3) and speed["median_z"] == 2.0
    assert dancers["Slow Waltz"]["stretched@0"]["events_bar"]["passed"] == 1
    assert summary["test"]["S2S"]["all"]["stretched@0"]["speed"]["passed"] == 0


def test_markdown_has_one_line_per_cell():
    text = beat_phase_markdown(beat_phase_summary(rows()))
    lines = text.strip().splitlines()
    assert len(lines) == 2 + 3 + 2  # header; Dancer all, waltz, rumba; S2S all, waltz
    assert "| test | Dancer | all | stretched@0 | 2/3 | 2.0 | 0.200 / 0.100 | 1.0000 |" in lines


def test_a_row_tests_each_tolerance_and_the_other_songs():
    fps, period = 30.0, 0.5
    beats = np.arange(0, 40, period)
    t = np.arange(int(30 * fps)) / fps
    joints = np.zeros((len(t), 4, 3))
    joints[:, :, 0] = (20 * np.sin(np.pi * t / period))[:, None]  # reverses on every beat
    clip = MotionClip(joints, np.zeros((len(t), 3)), fps, start_s=1.0)
    others = [beats[3:] + 0.13]
    row = beat_phase_row({"song": "x"}, "Dancer", clip, SimpleNamespace(beats=beats), 2, None, [0.0, 0.02], 20, 0,
                         others)
    assert row["method"] == "Dancer" and row["beats_per_bar"] == 2 and row["song"] == "x"
    assert list(row["tests"]) == ["stretched@0", "stretched@0.02", "other_songs@0.02"]
    assert row["tests"]["stretched@0"]["n_null"] == 20 and row["tests"]["other_songs@0.02"]["n_null"] == 1
    assert row["tests"]["stretched@0.02"]["clock_tolerance"] == 0.02
