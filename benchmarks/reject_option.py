"""When should dancekit say "not sure"? Precision against coverage for confidence and margin rules.

Identifies real dance recordings (the Tang validation and test songs of the model's own split by song, the Ballroom and
Creative-Commons waltzes) and real non-ballroom music (the GTZAN-mini clips the model did not
train on), then sweeps
a threshold on the top probability and on the margin between the two most probable dances
(a model with an "Other" class rejects by answering it).
For each threshold: coverage (share of dance recordings answered), precision (share of those
answers that are right), and the share of GTZAN clips still given a dance (lower is better).
Writes benchmarks/results/reject_option.json.

    python benchmarks/reject_option.py [--model ballroom] [--crossval benchmarks/results/tang_crossval.json]

With ``--crossval`` the Tang songs are scored by the fold models that never saw them (the
cross-validation's answers, with the tempo prior) instead of by MODEL, which may have trained on them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from dancekit.data.tang import model_tang_sides, tang_recordings
from dancekit.evaluation.reject_option import RULES, answer_scores, threshold_sweep
from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results" / "reject_option.json"
THRESHOLDS = np.round(np.arange(0.0, 0.96, 0.05), 2)


def crossval_rows(path: Path) -> list[dict]:
    """Each Tang song's held-out answer (with the tempo prior) from the cross-validation results."""
    try:
        songs = json.loads(path.read_text())["songs"]
        rows = []
        for song in songs:
            rows.append({**answer_scores(list(song["fused_probabilities"].values()), song["fused"]),
                         "correct": song["fused"] == song["truth"]})
        return rows
    except (OSError, ValueError, KeyError) as err:
        raise SystemExit(f"error: cannot read the cross-validation results {path}: {err}") from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="ballroom")
    parser.add_argument("--crossval", type=Path, default=None,
                        help="tang_crossval.py results: score every Tang song by its held-out fold model")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args()
    root = shared_data_dir()
    identifier = Identifier(args.model)
    recs = tang_recordings(root / "tang_dance")
    side = model_tang_sides(identifier.model.card.training, recs)  # never score songs it trained on
    dances = [] if args.crossval else [(r.path, r.label) for r in recs if side[r.group] in ("val", "test")]
    dances += [(root / "ballroom_sample" / "Waltz_Media-105901.flac", "Slow Waltz"),
               (next((root / "cc_music").glob("*sweet-waltz*")), "Slow Waltz")]
    trained_on = {Path(name).stem for name in identifier.model.card.training.get("other_real_train", [])}
    others = [p for p in sorted((root / "gtzan_mini" / "genres").glob("*/*.*")) if p.stem not in trained_on]
    dance_rows = crossval_rows(args.crossval) if args.crossval else []
    for path, label in dances:
        r = identifier.identify(path)
        dance_rows.append({**answer_scores(r.probabilities, r.label), "correct": r.label == label})
    other_rows = [answer_scores(r.probabilities, r.label) for r in map(identifier.identify, others)]
    report = {"model": args.model, "tang_scored_by": "cross-validation fold models" if args.crossval else "the model",
              "dance_recordings": len(dance_rows), "other_recordings": len(other_rows), "rules": {}}
    print(f"{len(dance_rows)} real dance recordings, {len(other_rows)} GTZAN clips")
    for rule in RULES:
        rows = threshold_sweep(dance_rows, other_rows, rule, THRESHOLDS)
        print(f"\nanswer only when {rule} >= t\n{'t':>6}{'coverage':>10}{'precision':>11}{'GTZAN answered':>16}")
        for row in rows:
            print(f"{row['threshold']:>6.2f}{row['coverage']:>10.1%}{row['precision']:>11.1%}{row['other_answered']:>16.1%}")
        report["rules"][rule] = rows
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
