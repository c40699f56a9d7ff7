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
import json
import sys
import time
from pathlib import Path

import numpy as np

from dancekit.data.labels import GTZAN_GENRES
from dancekit.evaluation.crossval import load_cross_validation, run_fold
from dancekit.fileio import atomic_write_text
from dancekit.training.recipes import TrainingRecipe, get_recipe
from dancekit.training.spectrograms import compute_spectrograms

#: Model name -> its training recipe (paper 1's backbones use paper 1's recipe).
MODELS = {
    "bbnn": lambda: get_recipe("bbnn"),
    "prcnn_concat": lambda: get_recipe("prcnn", name="prcnn_concat", architecture_args={"fusion": "concat"}),
    "prcnn_add": lambda: get_recipe("prcnn", name="prcnn_add", architecture_args={"fusion": "add"}),
    "resnet18": lambda: get_recipe("dance_cnn", name="resnet18", architecture="resnet18"),
    "densenet161": lambda: get_recipe("dance_cnn", name="densenet161", architecture="densenet161"),
}
# Paper 3 Table 2: other CNN blocks, with and without the parallel Bi-GRU (concatenation).
for _cnn in ("alexnet", "vgg11", "resnet11"):
    for _rnn in (False, True):
        MODELS[f"{_cnn}{'_rnn' if _rnn else ''}"] = (
            lambda c=_cnn, r=_rnn: get_recipe("prcnn", name=f"{c}{'_rnn' if r else ''}",
                                              architecture_args={"cnn": c, "rnn": r, "fusion": "concat"}))


def recordings(args):
    from dancekit.data.folders import folder_recordings
    from dancekit.data.gtzan import gtzan_recordings
    from dancekit.data.labels import label_set

    if args.folders:
        return folder_recordings(args.data, labels=label_set("gtzan"))
    return gtzan_recordings(args.data)


def make_folds(recs, n_folds: int, seed: int):
    from dancekit.data.splits import stratified_kfold

    return [(f.train, f.validation, f.test) for f in stratified_kfold(recs, n_folds, seed=seed)]


def recipe_for(name: str, max_epochs: int | None) -> TrainingRecipe:
    if name not in MODELS:
        sys.exit(f"error: unknown model {name!r}; choose from {', '.join(MODELS)}, svm")
    recipe = MODELS[name]()
    return recipe if max_epochs is None else TrainingRecipe.from_dict({**recipe.to_dict(), "max_epochs": max_epochs})


def cmd_cv(args) -> None:
    recs = recordings(args)
    folds = make_folds(recs, args.folds, args.seed)
    work = Path(args.work)
    selected = [int(k) for k in args.only_folds.split(",") if int(k) < len(folds)] if args.only_folds else range(len(folds))
    cache = {}
    for name in args.models.split(","):
        start = time.perf_counter()
        if name == "svm":
            run_svm(recs, folds, work / "svm", args.seed)
        else:
            recipe = recipe_for(name, args.max_epochs)
            if recipe.frontend not in cache:
                cache[recipe.frontend] = compute_spectrograms(recs, recipe.frontend, GTZAN_GENRES, args.device)
            for k in selected:
                done = run_fold(recipe, cache[recipe.frontend], folds[k], work / name / f"fold{k:02d}", args.device,
                                args.seed + k, progress=args.progress, checkpoint_every_s=60)
                print(f"{name} fold {k}: {done['metrics']}", flush=True)
            if len(list((work / name).glob("fold*/result.json"))) == len(folds):
                cv = load_cross_validation(recipe, GTZAN_GENRES, work / name)
                summary = cv.summary()
                atomic_write_text(work / name / "summary.json", json.dumps(cv.to_dict()) + "\n")
                print(f"{name}: recording top-1 {summary['recording_top1']['mean']:.3f} "
                      f"+- {summary['recording_top1']['std']:.3f}", flush=True)
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)


def run_svm(recs, folds, out: Path, seed: int) -> None:
    from dancekit.audio import load
    from dancekit.evaluation.crossval import fold_metrics
    from dancekit.features import handcrafted_features
    from dancekit.models.svm_baseline import fit_svm

    features = np.stack([handcrafted_features(load(r.path, sr=22050)) for r in recs])
    labels = np.asarray([GTZAN_GENRES.index(r.label) for r in recs])
    out.mkdir(parents=True, exist_ok=True)
    for k, (train, _val, test) in enumerate(folds):
        svm = fit_svm(features[train], labels[train], n_classes=len(GTZAN_GENRES))
        probs = svm.decision_function(features[test])  # one-vs-rest scores: enough for top-k
        result = {"metrics": fold_metrics(probs, labels[test], probs, labels[test]),
                  "test_labels": labels[test].tolist(), "test_recording_probs": probs.round(5).tolist()}
        (out / f"fold{k:02d}").mkdir(exist_ok=True)
        atomic_write_text(out / f"fold{k:02d}" / "result.json", json.dumps(result) + "\n")


def svm_row(work: Path) -> str:
    files = sorted((work / "svm").glob("fold*/result.json"))
    if not files:
        return ""
    metrics = [json.loads(f.read_text())["metrics"] for f in files]
    cells = []
    for m in ("segment_top1", "segment_top2", "recording_top1", "recording_top2"):
        values = [x[m] for x in metrics]
        cells.append(f"{100 * np.mean(values):.1f} +- {100 * np.std(values):.1f}")
    return f"\n| svm (72-d features, RBF) | {len(files)} | " + " | ".join(cells) + " | - |"


def cmd_report(args) -> None:
    from dancekit.evaluation.report import write_report

    work = Path(args.work)
    results = {}
    for name in MODELS:
        if (work / name).is_dir() and any((work / name).glob("fold*/result.json")):
            results[name] = load_cross_validation(recipe_for(name, None), GTZAN_GENRES, work / name)
    if not results and not svm_row(work):
        raise FileNotFoundError(f"no finished folds under {work}")
    path = write_report(results, args.out, args.title, args.data_note, extra_rows=svm_row(work))
    print(f"report: {path}")


def cmd_ship(args) -> None:
    """Train the chosen network on 90 % of the clips (10 % pick the epoch) and save it as a model."""
    import torch

    from dancekit.evaluation.crossval import build_classifier
    from dancekit.features import PRESETS
    from dancekit.models.files import ModelCard, save_model
    from dancekit.training.engine import fit

    recs = recordings(args)
    recipe = recipe_for(args.model, args.max_epochs)
    folds = make_folds(recs, args.folds, args.seed)
    val = list(folds[0][2])
    train = [i for i in range(len(recs)) if i not in set(val)]
    data = compute_spectrograms(recs, recipe.frontend, GTZAN_GENRES, args.device)
    torch.manual_seed(args.seed)
    network = build_classifier(recipe, len(GTZAN_GENRES))
    trained = fit(network, recipe, data.subset(train), data.subset(val), checkpoint=Path(args.out) / "checkpoint.pt",
                  device=args.device, seed=args.seed)
    summary = json.loads((Path(args.work) / args.model / "summary.json").read_text())["summary"]
    card = ModelCard(
        name="genre", task="genre", architecture=recipe.architecture, classes=list(GTZAN_GENRES),
        frontend=PRESETS[recipe.frontend].to_dict(), architecture_args=dict(recipe.architecture_args),
        segment_frames=recipe.segment_frames, default_stride=recipe.eval_stride,
        summary=f"{args.model} trained from scratch on {len(train)} real GTZAN clips",
        training={"recipe": recipe.to_dict(), "data": args.data_note, "train_clips": len(train),
                  "validation_clips": len(val), "best_epoch": trained.best_epoch, "seed": args.seed},
        metrics={"cross_validation": {"folds": args.folds, "protocol": "stratified 8/1/1, each clip tested once",
                                      **{k: v for k, v in summary.items()}}})
    save_model(network.cpu(), card, args.out)
    (Path(args.out) / "checkpoint.pt").unlink(missing_ok=True)
    print(f"model: {args.out}")


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
    sub.choices["cv"].add_argument("--models", default="bbnn,prcnn_concat,prcnn_add,resnet18,densenet161,svm")
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
