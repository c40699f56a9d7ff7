"""Papers 2 and 3 on GTZAN: 10-fold cross-validation of every genre classifier, and the genre model.

    python recipes/genre_gtzan.py cv --data GTZAN --models bbnn,prcnn_concat,resnet18 --work WORK [--device cuda]
    python recipes/genre_gtzan.py report --work WORK --out reports/genre_gtzan_mini --data-note "..."
    python recipes/genre_gtzan.py ship --data GTZAN --model bbnn --work WORK --out MODEL_DIR [--device cuda]

GTZAN is read in its public layouts (``genres/<g>/<g>.000NN.au``, Kaggle's ``genres_original``) or,
with ``--folders``, as any folder-per-genre tree (e.g. a re-encoded copy). Folds: stratified,
train/validation/test 8/1/1 (paper 2), each clip tested exactly once; the validation fold picks
the epoch. ``cv`` resumes fold by fold; several ``cv`` processes with different ``--models`` can
share one GPU. The SVM baseline runs on the 72-d hand-crafted features with the same folds.
"""

from __future__ import annotations

import argparse
import sys

from dancekit.data.labels import GTZAN_GENRES
from dancekit.evaluation.table_report import write_table_report
from dancekit.evaluation.table_runs import evaluate
from dancekit.evaluation.tables import TABLES

TABLE = TABLES["gtzan-mini"]


def cmd_cv(args) -> None:
    evaluate(TABLE, args.data, args.work, models=args.models, only_folds=args.only_folds, n_folds=args.folds,
             seed=args.seed, device=args.device, max_epochs=args.max_epochs, folders=args.folders,
             progress=args.progress, log=lambda line: print(line, flush=True))


def cmd_report(args) -> None:
    path = write_table_report(args.work, args.out, args.title, args.data_note)
    print(f"report: {path}")


def cmd_ship(args) -> None:
    """Train the chosen network on 90 % of the clips (10 % pick the epoch) and save it as a model."""
    from dancekit.evaluation.table_model import train_table_model

    path = train_table_model(TABLE, args.model, args.data, args.work, args.out, GTZAN_GENRES, name="genre",
                             task="genre", n_folds=args.folds, seed=args.seed, device=args.device,
                             max_epochs=args.max_epochs, folders=args.folders, data_note=args.data_note)
    print(f"model: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("cv", "ship"):
        p = sub.add_parser(name)
        p.add_argument("--data", required=True, help="GTZAN root (or a folder per genre with --folders)")
        p.add_argument("--folders", action="store_true", help="read --data as a folder-per-genre tree")
        p.add_argument("--work", required=True, help="folder for fold results (resumable)")
        p.add_argument("--folds", type=int, default=10)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--device", default="cpu")
        p.add_argument("--max-epochs", type=int, default=None)
    sub.choices["cv"].add_argument("--models", default=",".join(TABLE.models))
    sub.choices["cv"].add_argument("--progress", action="store_true")
    sub.choices["cv"].add_argument("--only-folds", default=None, metavar="K,K", help="run these folds only (0-based)")
    sub.choices["ship"].add_argument("--model", required=True)
    sub.choices["ship"].add_argument("--out", required=True)
    sub.choices["ship"].add_argument("--data-note", default="")
    rep = sub.add_parser("report")
    rep.add_argument("--work", required=True)
    rep.add_argument("--out", required=True)
    rep.add_argument("--title", default="Genre classification on GTZAN: 10-fold cross-validation")
    rep.add_argument("--data-note", default="")
    args = parser.parse_args()
    from dancekit.errors import DancekitError

    try:
        {"cv": cmd_cv, "report": cmd_report, "ship": cmd_ship}[args.command](args)
    except (DancekitError, FileNotFoundError) as err:
        sys.exit(f"error: {err}")


if __name__ == "__main__":
    main()
