"""Does the octave-aware tempo prior help the dance answer? Network alone vs the two priors, same runs.

Each recording is identified once (``dancekit.identify`` defaults: decoding, sliding window, tempo
and meter); its network probabilities are then fused three ways:
  network      the network alone;
  fixed        the previous prior: the chosen tempo, half and double forgiven at weight 0.3;
  posterior    the default: each dance's tempo density averaged over the octave candidates'
               probabilities (``dancekit.rhythm.octave_model``).
Sets: the Tang songs the model never trained on (its card's split), the annotated Ballroom waltz and
the Creative-Commons waltz (real), and optionally a ``dancekit synth`` corpus (synthetic songs of a
seed the model never trained on, e.g. the fast dances).

    python benchmarks/octave_prior.py [--model ballroom] [--synth-corpus DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import numpy as np

from dancekit.data.synth_corpus import synth_recordings
from dancekit.data.real_dance_sets import real_dance_items
from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.inference.tempo_prior import fuse
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results" / "octave_prior.json"
WAYS = ("network", "fixed", "posterior")


def answers(identifier: Identifier, path: Path) -> dict:
    result = identifier.identify(path, tempo_prior=False)
    classes, net, rhythm = identifier.classes, result.network_probabilities, result.rhythm
    fixed = dataclasses.replace(rhythm, tempo_candidates=())
    return {"network": net, "fixed": fuse(net, classes, fixed), "posterior": fuse(net, classes, rhythm),
            "tempo": rhythm.tempo_bpm, "tempo_confidence": rhythm.tempo_confidence, "meter": rhythm.beats_per_bar}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="ballroom")
    p.add_argument("--synth-corpus")
    p.add_argument("--out", default=str(RESULTS))
    args = p.parse_args()
    root = shared_data_dir()
    if not root.is_dir():
        raise SystemExit(f"real data not found at {root} (set DANCEKIT_DATA)")
    identifier = Identifier(args.model)
    sets = {"real": real_dance_items(identifier.model.card.training, root)}
    if args.synth_corpus:
        sets["synthetic"] = [(r.meta["id"], r.path, r.label) for r in synth_recordings(args.synth_corpus)]
    classes, out = identifier.classes, {}
    for name, items in sets.items():
        rows = []
        for key, path, truth in items:
            a = answers(identifier, path)
            rows.append({"recording": key, "truth": truth, "tempo": round(a["tempo"], 1),
                         "tempo_confidence": round(a["tempo_confidence"], 3), "meter": a["meter"],
                         **{w: classes[int(np.argmax(a[w]))] for w in WAYS}})
            print(name, key, truth, {w: rows[-1][w] for w in WAYS}, rows[-1]["tempo"], flush=True)
        summary = {w: float(np.mean([r[w] == r["truth"] for r in rows])) for w in WAYS}
        per_dance = {d: {w: f"{sum(r[w] == d for r in rows if r['truth'] == d)}/{sum(r['truth'] == d for r in rows)}"
                         for w in WAYS} for d in sorted({r["truth"] for r in rows})}
        out[name] = {"n": len(rows), "top1": summary, "per_dance": per_dance, "rows": rows}
    atomic_write_text(args.out, json.dumps(out, indent=1))
    print(f"\n{'set':10s} {'n':>4s} " + " ".join(f"{w:>10s}" for w in WAYS))
    for name, res in out.items():
        print(f"{name:10s} {res['n']:4d} " + " ".join(f"{res['top1'][w]:10.1%}" for w in WAYS))
        for dance, row in res["per_dance"].items():
            print(f"  {dance:20s} " + " ".join(f"{row[w]:>10s}" for w in WAYS))


if __name__ == "__main__":
    main()
