"""Real-audio accuracy pooled over a K-fold rotation of the Tang songs (every song tested once).

Each MODEL was trained by ``recipes/default_dance.py --tang-folds K --tang-fold I``; its card names
the songs it never saw (``training.tang_sides``). Each of those songs is identified with the full
pipeline (``dancekit.identify``: decoding, sliding window, mean softmax, rhythm), and scored with the
network alone and with the tempo and meter prior. Prints a table; writes JSON (atomically).

    python benchmarks/tang_crossval.py MODEL_DIR [MODEL_DIR ...] [--tang DIR] [--out FILE]
    python benchmarks/tang_crossval.py --merge FOLD.json [FOLD.json ...] [--out FILE]   # pool per-fold runs
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from dancekit.data.tang import tang_recordings
from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.inference.tempo_prior import fuse
from dancekit.models.card import read_card, update_card
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results" / "tang_crossval.json"
#: (tempo, meter) fusion weights also scored, as in benchmarks/tempo_fusion.py; (1, 1) is the default.
WEIGHTS = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.5, 0.5), (1.0, 1.0)]


def held_out_songs(identifier: Identifier) -> list[str]:
    sides = identifier.model.card.training.get("tang_sides") or {}
    if not sides:
        raise DancekitError(f"model {identifier.model.card.name!r} records no Tang split (train it with --tang-folds)")
    return sorted(song for song, side in sides.items() if side == "test")


def score(rows: list[dict], key: str) -> dict:
    truth = [r["truth"] for r in rows]
    pred = [r[key] for r in rows]
    top2 = [r["truth"] in r[f"{key}_top2"] for r in rows]
    return {"n": len(rows), "top1": float(np.mean([t == p for t, p in zip(truth, pred)])),
            "top2": float(np.mean(top2)),
            "per_dance": {t: float(np.mean([p == t for tt, p in zip(truth, pred) if tt == t])) for t in sorted(set(truth))},
            "confusion": {t: dict(Counter(p for tt, p in zip(truth, pred) if tt == t)) for t in sorted(set(truth))}}


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
    rows = merged_rows(args.merge) if args.merge else identify_rows(args)
    summary = write_summary(rows, len(args.models) or len({r["model"] for r in rows}), args.out)
    if args.card:
        record_in_card(args.card, summary)


def record_in_card(model_dir: Path, summary: dict) -> None:
    """The pooled held-out figures go into the shipped model's card (metrics.tang_crossval), through the card API."""
    try:
        card = read_card(model_dir)
        figures = {"about": "Tang songs held out by song: K-fold rotation, each song identified by the fold model "
                            "that never saw it (dancekit.identify, original audio)", **summary}
        update_card(model_dir, metrics={**card.metrics, "tang_crossval": figures},
                    summary=f"{card.summary.split('; ')[0]}; cross-validated by song over {summary['songs']} real "
                            f"Tang songs: {summary['fused']['top1']:.0%} top-1 with the tempo prior "
                            f"({summary['network']['top1']:.0%} network alone)")
    except DancekitError as err:
        raise SystemExit(f"error: cannot record in the model card: {err}") from None
    print(f"recorded in {model_dir}")


def merged_rows(files: list[Path]) -> list[dict]:
    try:
        return [row for f in files for row in json.loads(f.read_text())["songs"]]
    except (OSError, ValueError, KeyError) as err:
        raise SystemExit(f"error: cannot read per-fold results: {err}") from None


def identify_rows(args) -> list[dict]:
    root = args.tang or shared_data_dir() / "tang_dance"
    try:
        recordings = {r.group: r for r in tang_recordings(root)}
        rows = []
        for model in args.models:
            identifier = Identifier(model, device=args.device)
            classes = identifier.classes
            for song in held_out_songs(identifier):
                if song not in recordings:
                    raise DancekitError(f"song {song} of {model} is not in {root}")
                result = identifier.identify(recordings[song].path)
                row = {"model": Path(model).name, "song": song, "truth": recordings[song].label,
                       "tempo_bpm": float(result.rhythm.tempo_bpm) if result.rhythm else None,
                       "beats_per_bar": int(result.rhythm.beats_per_bar) if result.rhythm else None}
                for key, probs in (("network", result.network_probabilities),
                                   ("fused", fuse(result.network_probabilities, classes, result.rhythm))):
                    order = np.argsort(-np.asarray(probs))
                    row[key], row[f"{key}_top2"] = classes[order[0]], [classes[i] for i in order[:2]]
                    row[f"{key}_probability"] = round(float(probs[order[0]]), 4)
                    row[f"{key}_probabilities"] = {c: round(float(p), 5) for c, p in zip(classes, probs)}
                row["weights"] = {f"tempo {tw:g}, meter {mw:g}": classes[int(np.argmax(
                    fuse(result.network_probabilities, classes, result.rhythm, tw, mw)))] for tw, mw in WEIGHTS}
                rows.append(row)
                print(f"{song:<12} {row['truth']:<12} network {row['network']:<15} fused {row['fused']:<15}"
                      f" {row['tempo_bpm'] or 0:6.1f} BPM  ({Path(model).name})", flush=True)
    except DancekitError as err:
        raise SystemExit(f"error: {err}") from None
    return rows


def write_summary(rows: list[dict], n_models: int, out: Path) -> dict:
    seen = Counter(r["song"] for r in rows)
    twice = [s for s, n in seen.items() if n > 1]
    if twice:
        raise SystemExit(f"error: songs tested by more than one model: {', '.join(sorted(twice))}")
    summary = {"songs": len(rows), "models": n_models, "network": score(rows, "network"),
               "fused": score(rows, "fused")}
    if all("weights" in r for r in rows):
        summary["top1_by_fusion_weights"] = {key: float(np.mean([r["weights"][key] == r["truth"] for r in rows]))
                                             for key in rows[0]["weights"]}
    print(f"\n{len(rows)} held-out Tang songs over {n_models} models: network alone top-1 "
          f"{summary['network']['top1']:.1%} (top-2 {summary['network']['top2']:.1%}); with the tempo and meter "
          f"prior top-1 {summary['fused']['top1']:.1%} (top-2 {summary['fused']['top2']:.1%})")
    for key, top1 in summary.get("top1_by_fusion_weights", {}).items():
        print(f"  {key:<20} top-1 {top1:.1%}")
    for dance, counts in summary["fused"]["confusion"].items():
        print(f"  {dance:<12} -> {counts}")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps({"summary": summary, "songs": rows}, indent=1) + "\n")
    print(f"wrote {out}")
    return summary


if __name__ == "__main__":
    main()
