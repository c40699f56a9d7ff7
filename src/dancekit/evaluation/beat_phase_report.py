"""Beat-phase locking of many songs and motions: per-song rows, a summary per group, a markdown table.

A row holds one song and one motion (the dancer or a model) tested by
:func:`dancekit.motion.beat_phase.clip_beat_phase` at every clock tolerance against stretched null
grids, and optionally against the beats of other songs of the same dance and tempo.
"""

from __future__ import annotations

import numpy as np

from dancekit.motion.beat_phase import clip_beat_phase
from dancekit.motion.clip import MotionClip


def other_song_grids(name: str, rhythms: dict, starts: dict, dances: dict, anchor: float,
                     max_tempo_diff: float = 0.03) -> list[np.ndarray]:
    """The beats of the other songs of the same dance within ``max_tempo_diff`` of this song's tempo.

    Each grid is moved so that its danced span starts where this clip starts: a null of the same
    dance and tempo that is not this song's music.

    Parameters
    ----------
    name : str
        This song.
    rhythms : dict
        Song -> its rhythm (``beats``, song clock).
    starts : dict
        Song -> start of its danced span (s).
    dances : dict
        Song -> dance name.
    anchor : float
        Where this clip starts (s).
    max_tempo_diff : float
        Largest relative difference of the median beat period.

    Returns
    -------
    list of ndarray
        Grids of at least 8 beats.
    """
    period = float(np.median(np.diff(rhythms[name].beats)))
    grids = []
    for other, rhythm in rhythms.items():
        if other == name or dances[other] != dances[name]:
            continue
        if abs(float(np.median(np.diff(rhythm.beats))) / period - 1) > max_tempo_diff:
            continue
        grid = rhythm.beats[rhythm.beats >= starts[other]] - starts[other] + anchor
        if len(grid) >= 8:
            grids.append(grid)
    return grids


def beat_phase_row(base: dict, method: str, clip: MotionClip, rhythm, meter: int, joints, tolerances, n_null: int,
                   seed: int, other_grids=None) -> dict:
    """One song and one motion: every statistic at every clock tolerance (and against other songs' beats).

    Parameters
    ----------
    base : dict
        Fields the row carries (``song``, ``dance``, ``group``...).
    method : str
        ``Dancer`` or a model's label.
    clip : MotionClip
        The motion, on the song clock.
    rhythm
        The song's rhythm (``beats``).
    meter : int
        Beats per bar.
    joints : sequence of int or None
        Joints whose speed is tested (None: all).
    tolerances : list of float
        Clock tolerances; one test ``stretched@<tol>`` each.
    n_null : int
        Stretched null grids per test.
    seed : int
        Seed of the null grids.
    other_grids : list of ndarray, optional
        Other songs' beats (:func:`other_song_grids`): a test ``other_songs@<max tol>``.

    Returns
    -------
    dict
        ``base`` plus ``method``, ``beats_per_bar`` and ``tests`` (name -> result dict).
    """
    row = {**base, "method": method, "beats_per_bar": meter, "tests": {}}
    for tol in tolerances:
        result = clip_beat_phase(clip, rhythm.beats, meter, joints=joints, clock_tolerance=tol, n_null=n_null,
                                 seed=seed)
        row["tests"][f"stretched@{tol:g}"] = result.to_dict()
    if other_grids:
        result = clip_beat_phase(clip, rhythm.beats, meter, joints=joints, clock_tolerance=max(tolerances),
                                 null_grids=other_grids)
        row["tests"][f"other_songs@{max(tolerances):g}"] = result.to_dict()
    return row


def _summarise(results: list[dict]) -> dict:
    summary = {"songs": len(results)}
    for stat in results[0]["stats"]:
        values = [r["stats"][stat] for r in results]
        summary[stat] = {
            "pass_share": float(np.mean([v["passed"] for v in values])),
            "passed": int(sum(v["passed"] for v in values)),
            "median_z": float(np.median([v["z"] for v in values])),
            "median_value": float(np.median([v["value"] for v in values])),
            "median_null": float(np.median([v["null_mean"] for v in values])),
            "median_clock": float(np.median([v["clock"] for v in values]))}
    return summary


def beat_phase_summary(rows: list[dict]) -> dict:
    """Per song group, method, dance ('all' too) and test: songs and, per statistic, the share passing.

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`beat_phase_row` (with ``group`` and ``dance``).

    Returns
    -------
    dict
        ``{group: {method: {dance: {test: {"songs": n, stat: {pass_share, passed, median_z,
        median_value, median_null, median_clock}}}}}}``; passing is p < 0.05.
    """
    out = {}
    for row in rows:
        for dance in ("all", row["dance"]):
            for test, result in row["tests"].items():
                cell = out.setdefault(row["group"], {}).setdefault(row["method"], {}).setdefault(dance, {})
                cell.setdefault(test, []).append(result)
    for group in out.values():
        for method in group.values():
            for tests in method.values():
                for test, results in tests.items():
                    tests[test] = _summarise(results)
    return out


def beat_phase_markdown(summary: dict, statistic: str = "speed") -> str:
    """A table: songs passing (p < 0.05) and median z of one statistic, per group, method and test.

    Parameters
    ----------
    summary : dict
        As returned by :func:`beat_phase_summary`.
    statistic : str
        One of :data:`dancekit.motion.beat_phase.STATISTICS`.

    Returns
    -------
    str
        Markdown.
    """
    lines = [f"| songs | method | dance | test | passed ({statistic}) | median z | median depth / null | "
             "median clock |", "|---|---|---|---|---|---|---|---|"]
    for group, methods in summary.items():
        for method, dances in methods.items():
            for dance, tests in dances.items():
                for test, s in tests.items():
                    st = s[statistic]
                    lines.append(f"| {group} | {method} | {dance} | {test} | {st['passed']}/{s['songs']} | "
                                 f"{st['median_z']:.1f} | {st['median_value']:.3f} / {st['median_null']:.3f} | "
                                 f"{st['median_clock']:.4f} |")
    return "\n".join(lines) + "\n"
