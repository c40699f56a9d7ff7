"""The tempo prior comes from real tracks and matches the competition tempi."""

import json

import numpy as np

from dancekit.dances import DANCES
from dancekit.synth import tempo


def test_table_covers_the_ten_dances_near_competition_tempo():
    table = tempo.load_table()["dances"]
    for dance in DANCES:
        lo, hi = dance.bpm_range
        median = table[dance.name]["quantiles_5_50_95"][1]
        assert 0.85 * lo <= median <= 1.1 * hi, (dance.name, median, dance.bpm_range)


def test_samples_are_deterministic_and_follow_the_histogram():
    a = [tempo.sample_bpm("Viennese Waltz", np.random.default_rng(3)) for _ in range(3)]
    b = [tempo.sample_bpm("Viennese Waltz", np.random.default_rng(3)) for _ in range(3)]
    assert a == b
    rng = np.random.default_rng(0)
    waltz = [tempo.sample_bpm("Slow Waltz", rng) for _ in range(200)]
    assert 80 < np.median(waltz) < 92  # 3/4 beats, not bars, not Viennese


def test_committed_table_is_reproducible_from_the_metadata(shared_data):
    meta = shared_data / "extended_ballroom_meta"
    built = json.loads(json.dumps(tempo.build_table(meta)))
    assert built == tempo.load_table()
