"""How well does a dance model recognise *real* recordings?

Runs ``dancekit.identify`` (the full pipeline: decoding, sliding window, mean of softmax) on
the real dance audio in the shared data: the Tang songs of the chosen side of the model's own
split by song (its card's ``tang_sides``; ``tang_split`` for a model without one), by default
every song it never trained on, plus the annotated Ballroom waltz and the Creative-Commons waltz,
which no model trains on. Prints per-recording answers, top-1/top-2 and a confusion table, and
writes benchmarks/results/real_dance_accuracy[_network_only].json.

    python benchmarks/real_dance_accuracy.py [--model ballroom] [--split unseen|test|val|train|all]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from dancekit.data.real_dance_sets import UNSEEN_SIDES, real_dance_items
from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.paths import shared_data_dir

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="ballroom")
    parser.add_argument("--split", default="unseen", choices=("unseen", "test", "val", "train", "all"),
                        help="Tang songs to identify (unseen: validation and test songs of the model's split)")
    parser.add_argument("--no-tempo-prior", action="store_true", help="score the network alone")
    args = parser.parse_args()
    root = shared_data_dir()
    if not root.is_dir():
        raise SystemExit(f"real data not found at {root} (set DANCEKIT_DATA)")
    identifier = Identifier(args.model)
    wanted = {"unseen": UNSEEN_SIDES, "all": {"train", "val", "test"}}.get(args.split, {args.split})
    items = real_dance_items(identifier.model.card.training, root, wanted)

    rows = []
    for name, path, truth in items:
        result = identifier.identify(path, tempo_prior=not args.no_tempo_prior)
        top2 = [label for label, _ in result.top(2)]
        rows.append({"recording": name, "truth": truth, "predicted": result.label, "confidence": result.confidence,
                     "second": top2[1], "top1": result.label == truth, "top2": truth in top2,
                     "tempo": result.rhythm.describe() if result.rhythm else None})
        print(f"{name:<24} {truth:<12} -> {result.label:<15} {result.confidence:5.0%}  (2nd {top2[1]})"
              f"  {rows[-1]['tempo']}")
    tang_rows = [r for r in rows if r["recording"].startswith("tang/")]
    summary = {
        "model": identifier.model.card.name, "split": args.split, "tempo_prior": not args.no_tempo_prior,
        "tang_n": len(tang_rows),
        "tang_top1": float(np.mean([r["top1"] for r in tang_rows])) if tang_rows else None,
        "tang_top2": float(np.mean([r["top2"] for r in tang_rows])) if tang_rows else None,
        "all_n": len(rows), "all_top1": float(np.mean([r["top1"] for r in rows])),
        "all_top2": float(np.mean([r["top2"] for r in rows])),
        "confusion": {t: dict(Counter(r["predicted"] for r in rows if r["truth"] == t)) for t in
                      sorted({r["truth"] for r in rows})},
    }
    print(f"\nTang songs ({args.split} split, {summary['tang_n']}): top-1 {summary['tang_top1']:.1%}, "
          f"top-2 {summary['tang_top2']:.1%}; all {summary['all_n']} real recordings: top-1 "
          f"{summary['all_top1']:.1%}, top-2 {summary['all_top2']:.1%}")
    for truth, counts in summary["confusion"].items():
        print(f"  {truth:<12} -> {counts}")
    results = RESULTS_DIR / f"real_dance_accuracy{'_network_only' if args.no_tempo_prior else ''}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(results, json.dumps({"summary": summary, "recordings": rows}, indent=1) + "\n")
    print(f"wrote {results}")


if __name__ == "__main__":
    main()
