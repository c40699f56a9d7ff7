"""Tempo of a synthetic clip, drawn from the tempi of real ballroom recordings.

Why: a model trained on tempi spread uniformly over the competition range learns a cleaner
world than the music it will hear. The 4180 Extended Ballroom tracks (Marchand & Peeters 2016)
carry one annotated BPM each; their histogram per dance is the prior we sample from.

Extended Ballroom's BPM is *beats* per minute, in the same convention as
``dancekit.dances.Dance.bpm_range``: waltz medians 87 (= 29 bars x 3), Viennese waltz 177
(59 x 3), samba 100 (50 x 2), paso doble 118 (59 x 2), quickstep 200 (50 x 4). A few tracks
carry an octave error (a jive at 84, a quickstep at 65): they are folded by 1/2, 2/3, 3/2 or 2
onto the octave nearest the dance's usual tempo and dropped when still more than 30 % off.

The histograms are committed as ``tempo_eb.json`` (derived numbers only, no metadata), built by
``python -m dancekit.synth.tempo PATH/TO/extended_ballroom_meta``.
"""

from __future__ import annotations

import json
import math
import sys
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import numpy as np

from dancekit.dances import DANCES

TABLE_PATH = Path(__file__).with_name("tempo_eb.json")

#: Extended Ballroom genre folder -> dancekit label ("Other:<style>" for the reject class).
EB_GENRES: dict[str, str] = {
    "Chacha": "Cha Cha Cha", "Jive": "Jive", "Pasodoble": "Paso Doble", "Quickstep": "Quickstep",
    "Rumba": "Rumba", "Samba": "Samba", "Foxtrot": "Slow Foxtrot", "Waltz": "Slow Waltz",
    "Slowwaltz": "Slow Waltz", "Tango": "Tango", "Viennesewaltz": "Viennese Waltz",
    "Salsa": "Other:salsa", "Wcswing": "Other:westcoastswing",
}
_FOLDS = (1.0, 0.5, 2.0, 2.0 / 3.0, 1.5)
_MAX_OFF = 0.30


def _fold(bpm: float, centre: float) -> float | None:
    best = min((bpm * f for f in _FOLDS), key=lambda b: abs(math.log(b / centre)))
    return best if abs(best / centre - 1.0) <= _MAX_OFF else None


def build_table(meta_dir: str | Path) -> dict:
    """Per-label BPM histograms (integer BPM -> count) from ``extendedballroom_v1.1.xml``.

    Parameters
    ----------
    meta_dir : str or Path
        The folder with ``extendedballroom_v1.1.xml``.

    Returns
    -------
    dict
        ``{"source": ..., "dances": {label: {"histogram": {bpm: count}, ...}}}``, as stored in
        ``tempo_eb.json``.
    """
    root = ET.parse(Path(meta_dir) / "extendedballroom_v1.1.xml").getroot()
    raw: dict[str, list[float]] = {}
    for genre in root:
        label = EB_GENRES.get(genre.tag)
        if label:
            raw.setdefault(label, []).extend(float(s.get("bpm")) for s in genre if float(s.get("bpm") or 0) > 0)
    centres = {d.name: sum(d.bpm_range) / 2.0 for d in DANCES}
    table = {"source": "Extended Ballroom v1.1 per-track BPM (beats per minute), octave-folded", "dances": {}}
    for label, bpms in sorted(raw.items()):
        centre = centres.get(label, float(np.median(bpms)))
        kept = [round(b) for b in (_fold(b, centre) for b in bpms) if b is not None]
        values, counts = np.unique(kept, return_counts=True)
        table["dances"][label] = {
            "tracks": len(bpms), "kept": len(kept),
            "quantiles_5_50_95": [float(q) for q in np.percentile(kept, [5, 50, 95])],
            "histogram": {str(int(v)): int(c) for v, c in zip(values, counts)},
        }
    return table


@lru_cache(maxsize=1)
def load_table() -> dict:
    """The committed tempo table (``tempo_eb.json``), read once.

    Returns
    -------
    dict
    """
    return json.loads(TABLE_PATH.read_text())


def has_distribution(label: str) -> bool:
    """Whether the table has a tempo histogram for ``label``.

    Parameters
    ----------
    label : str
        A dance name, or ``Other:<style>``.

    Returns
    -------
    bool
    """
    return label in load_table()["dances"]


def sample_bpm(label: str, rng: np.random.Generator, jitter: float = 1.0) -> float:
    """One tempo for ``label`` from its real-track histogram, jittered by +-``jitter`` BPM.

    Parameters
    ----------
    label : str
        A label that :func:`has_distribution` knows.
    rng : np.random.Generator
        Draws the tempo.
    jitter : float
        Half-width of the uniform jitter in BPM, so tempi are not all integers.

    Returns
    -------
    float
    """
    hist = load_table()["dances"][label]["histogram"]
    values = np.array([float(v) for v in hist])
    weights = np.array(list(hist.values()), dtype=float)
    bpm = rng.choice(values, p=weights / weights.sum())
    return float(bpm + rng.uniform(-jitter, jitter))


def main(argv: list[str] | None = None) -> int:
    """Rebuild ``tempo_eb.json`` (``python -m dancekit.synth.tempo META_DIR``) and print each histogram's spread.

    Parameters
    ----------
    argv : list of str, optional
        One argument, the Extended Ballroom metadata folder (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code (2 on a usage error).
    """
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m dancekit.synth.tempo EXTENDED_BALLROOM_META_DIR", file=sys.stderr)
        return 2
    table = build_table(argv[0])
    TABLE_PATH.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    for label, d in table["dances"].items():
        print(f"{label:<24} {d['kept']:4d}/{d['tracks']:4d} tracks, 5/50/95 %: {d['quantiles_5_50_95']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
