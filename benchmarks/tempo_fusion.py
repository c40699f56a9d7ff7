"""Does tempo knowledge help? Network alone vs fused with tempo and meter likelihoods.

Identifies each recording once (network probabilities + rhythm), then scores fusion weights
(tempo, meter) on: real Tang songs of the validation and test sides of the model's own split
(its card's ``tang_sides``; ``tang_split`` without one), the two
other real waltzes, and, with ``--corpus``, the held-out synthetic songs of a ``dancekit synth``
corpus (the recipe's 1-in-10 split). Prints a table; writes benchmarks/results/tempo_fusion.json.

    python benchmarks/tempo_fusion.py [--model ballroom] [--corpus CORPUS]
"""

from __future__ import annotations

import argparse
import csv
import json
import zlib
from pathlib import Path

import numpy as np

from dancekit.dances import DANCE_NAMES
from dancekit.data.tang import model_tang_sides, tang_recordings
from dancekit.fileio import atomic_write_text
from dancekit.evaluation.fusion_weights import FUSION_WEIGHTS, labels_by_fusion_weights, weights_key
from dancekit.inference import Identifier
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results" / "tempo_fusion.json"


def sets(root: Path, corpus: Path | None, training: dict) -> dict[str, list[tuple[Path, str]]]:
    """``training``: the model card's training record, whose split by song decides the Tang sides."""
    recs = tang_recordings(root / "tang_dance")
    side = model_tang_sides(training, recs)
    out = {part: [(r.path, r.label) for r in recs if side.get(r.group) == part] for part in ("val", "test")}
    out["test"] += [(root / "ballroom_sample" / "Waltz_Media-105901.flac", "Slow Waltz"),
                    (next((root / "cc_music").glob("*sweet-waltz*")), "Slow Waltz")]
    if corpus:
        rows = list(csv.DictReader(open(corpus / "manifest.csv", newline="")))
        out["synthetic_val"] = [(corpus / r["file"], r["label"]) for r in rows
                                if r["label"] in DANCE_NAMES and zlib.crc32(r["song"].encode()) % 10 == 0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="ballroom")
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    identifier = Identifier(args.model)
    classes = identifier.classes
    keys = [weights_key(tw, mw) for tw, mw in FUSION_WEIGHTS]
    table = {}
    for name, items in sets(shared_data_dir(), args.corpus, identifier.model.card.training).items():
        answers = [(labels_by_fusion_weights(identifier.identify(path), classes), label) for path, label in items]
        table[name] = {"n": len(answers)}
        for key in keys:
            table[name][key] = float(np.mean([labels[key] == label for labels, label in answers]))
    print(f"{'fusion weights':<22}" + "".join(f"{k + ' (' + str(v['n']) + ')':>22}" for k, v in table.items()))
    for key in keys:
        print(f"{key:<22}" + "".join(f"{v[key]:>22.1%}" for v in table.values()))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS, json.dumps({"model": args.model, "top1": table}, indent=1) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
