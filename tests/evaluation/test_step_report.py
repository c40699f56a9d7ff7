"""Tables of the step evaluation: held-out means per condition and the markdown report."""

import pytest

from dancekit.evaluation.step_report import held_out_summary, mean_or_none, step_report_markdown


def rows():
    base = {"seconds": 60.0, "cross_entropy": None, "music_beats": 100}
    out = []
    for song, dance, trained in (("W_1", "Slow Waltz", False), ("R_1", "Rumba", False), ("W_3", "Slow Waltz", True)):
        out.append({**base, "song": song, "dance": dance, "trained": trained, "method": "Dancer", "condition": "clean",
                    "f_score": 0.2, "f_chance": 0.1, "motion_beats": 50, "bas": 0.4})
        for condition, f in (("clean", 0.3), ("white20", 0.1)):
            out.append({**base, "song": song, "dance": dance, "trained": trained, "method": "S2S",
                        "condition": condition, "f_score": f + (0.5 if trained else 0.0), "f_chance": 0.05,
                        "motion_beats": 120, "bas": 0.3, "cross_entropy": 2.5})
    return out


def test_mean_or_none_skips_missing_values():
    assert mean_or_none([1.0, None, 3.0]) == 2.0 and mean_or_none([None]) is None


def test_held_out_summary_leaves_trained_songs_out():
    summary = held_out_summary(rows(), "S2S")
    assert set(summary) == {"clean", "white20"}
    assert summary["clean"] == {"songs": 2, "f_score": pytest.approx(0.3), "f_chance": pytest.approx(0.05),
                                "motion_beats_per_min": pytest.approx(120.0), "bas": pytest.approx(0.3)}
    assert held_out_summary(rows(), "Dancer")["clean"]["motion_beats_per_min"] == pytest.approx(50.0)
    assert held_out_summary(rows(), "S2S-MC") == {}


def test_report_has_a_table_per_group_and_dance():
    text = step_report_markdown(rows(), ["clean", "white20"])
    assert "## Trained songs*" in text and "## Untrained (held-out) songs" in text
    assert "### all (2 songs)" in text and "### Rumba (1 songs)" in text
    assert "| S2S | 30.00 | 10.00 | 5.00 | 120 | 0.300 | 2.500 |" in text
    assert "| Dancer | 20.00 | - | 10.00 | 50 | 0.400 | - |" in text
    assert "| S2S | 80.00 | 60.00 |" in text  # the trained song's own table
