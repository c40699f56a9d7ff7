"""Real-audio accuracy pooled over a K-fold rotation of the Tang songs (every song tested once).

Each MODEL was trained by ``recipes/default_dance.py --tang-folds K --tang-fold I``; its card names
the songs it never saw. A model trained with no Tang song at all (no ``--tang``) never saw any, so it
is tested on all of them: how a network trained on synthetic music alone transfers to real songs.
Each of those songs is identified with the full pipeline and scored with the network alone and with
the tempo and meter prior (``dancekit.evaluation.tang_crossval``). Prints a table; writes JSON
(atomically); ``--card`` records the pooled figures in a model card.

    python benchmarks/tang_crossval.py MODEL_DIR [MODEL_DIR ...] [--tang DIR] [--out FILE]
    python benchmarks/tang_crossval.py --merge FOLD.json [FOLD.json ...] [--out FILE]   # pool per-fold runs
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dancekit.errors import DancekitError
from dancekit.evaluation.tang_crossval import identify_held_out, merged_rows, record_in_card, summarise_crossval
from dancekit.fileio import atomic_write_text
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results" / "tang_crossval.json"


def print_song(row: dict) -> None:
    print(f"{row['song']:<12} {row['truth']:<12} network {row['network']:<15} fused {row['fused']:<15}"
          f" {row['tempo_bpm'] or 0:6.1f} BPM  ({row['model']})", flush=True)


def print_summary(summary: dict) -> None:
    print(f"\n{summary['songs']} held-out Tang songs over {summary['models']} models: network alone top-1 "
          f"{summary['network']['top1']:.1%} (top-2 {summary['network']['top2']:.1%}); with the tempo and meter "
          f"prior top-1 {summary['fused']['top1']:.1%} (top-2 {summary['fused']['top2']:.1%})")
    for key, top1 in summary.get("top1_by_fusion_weights", {}).items():
        print(f"  {key:<20} top-1 {top1:.1%}")
    for dance, counts in summary["fused"]["confusion"].items():
        print(f"  {dance:<12} -> {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="fold model folders")
    parser.add_argument("--merge", type=Path, nargs="+", default=None, help="pool the JSON of per-fold runs instead")
    parser.add_argument("--tang", type=Path, default=None, help="Tang folder (default: the shared data's tang_dance)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--card", type=Path, default=None, metavar="MODEL_DIR",
                        help="also record the pooled figures in this model's card (the model trained on all folds)")
    args = parser.parse_args()
    if bool(args.merge) == bool(args.models):
        raise SystemExit("error: give model folders or --merge with per-fold results, not both or neither")
    try:
        if args.merge:
            rows = merged_rows(args.merge)
        else:
            rows = identify_held_out(args.models, args.tang or shared_data_dir() / "tang_dance", args.device,
                                     progress=print_song)
        summary = summarise_crossval(rows, len(args.models) or len({r["model"] for r in rows}))
    except DancekitError as err:
        raise SystemExit(f"error: {err}") from None
    print_summary(summary)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps({"summary": summary, "songs": rows}, indent=1) + "\n")
    print(f"wrote {args.out}")
    if args.card:
        try:
            record_in_card(args.card, summary)
        except DancekitError as err:
            raise SystemExit(f"error: cannot record in the model card: {err}") from None
        print(f"recorded in {args.card}")


if __name__ == "__main__":
    main()
