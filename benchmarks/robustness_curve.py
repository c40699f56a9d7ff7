"""Paper 1 Fig. 4 on real audio: top-1/top-2 of the built-in dance model as hall noise is mixed in.

Songs: the Tang songs the model never trained on (the validation and test sides of its own split by
song; 30 s from 30 s in).
Noise: crowd voices, white noise, clapping (``dancekit.synth.degrade.hall_noise``); intensity
alpha as ``dancekit.evaluation.robustness``. Prints a table, writes JSON and a PNG.

    PYTHONPATH=src python benchmarks/robustness_curve.py [--model ballroom] [--kinds crowd,white]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dancekit.audio import load
from dancekit.data.tang import model_tang_sides, tang_recordings
from dancekit.evaluation.robustness import robustness_curve
from dancekit.fileio import atomic_write, atomic_write_text
from dancekit.inference import Identifier
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="ballroom")
    parser.add_argument("--kinds", default="crowd,white,claps")
    parser.add_argument("--alphas", default="0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9")
    args = parser.parse_args()
    root = shared_data_dir() / "tang_dance"
    if not root.is_dir():
        raise SystemExit(f"error: Tang data not found at {root} (set DANCEKIT_DATA)")
    recs = tang_recordings(root)
    identifier = Identifier(args.model)
    side = model_tang_sides(identifier.model.card.training, recs)
    test = [r for r in recs if side.get(r.group) in ("val", "test")]  # songs the model never trained on
    sr = identifier.sample_rate
    songs = [load(r.path, sr=sr, offset=30.0, duration=30.0) for r in test]
    labels = [identifier.classes.index(r.label) for r in test]
    alphas = [float(a) for a in args.alphas.split(",")]
    rows = []
    for kind in args.kinds.split(","):
        rows += robustness_curve(lambda y: identifier.identify(y, sample_rate=sr).probabilities, songs, labels, sr,
                                 alphas, kind)
    print(f"{'noise':<6} " + " ".join(f"{a:>5.1f}" for a in alphas) + "   (top-1 %, alpha)")
    for kind in args.kinds.split(","):
        print(f"{kind:<6} " + " ".join(f"{100 * r['top1']:>5.0f}" for r in rows if r["noise"] == kind))
    info = {"model": args.model, "songs": [r.group for r in test], "excerpt": "30 s from 30 s", "rows": rows}
    atomic_write_text(RESULTS / "robustness_curve.json", json.dumps(info, indent=2) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=110)
    for kind in args.kinds.split(","):
        ax.plot(alphas, [r["top1"] for r in rows if r["noise"] == kind], marker="o", label=f"{kind}, top-1")
    ax.set_xlabel("noise intensity alpha"), ax.set_ylabel("accuracy"), ax.set_ylim(0, 1.02), ax.legend(fontsize=8)
    ax.set_title(f"{args.model}: {len(test)} real Tang test songs", fontsize=9)
    fig.tight_layout()
    atomic_write(RESULTS / "robustness_curve.png", lambda tmp: fig.savefig(tmp, format="png"))
    print(f"wrote {RESULTS / 'robustness_curve.json'}")


if __name__ == "__main__":
    main()
