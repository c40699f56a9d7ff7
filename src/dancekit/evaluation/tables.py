"""The papers' tables as data, and their cross-validation on a copy of the dataset a user owns.

A table names a dataset adapter (the public layout it reads), a split protocol and the models of
its rows, each model a ``TrainingRecipe`` (or ``svm``: the 72-d hand-crafted baseline). Running a
table trains every missing fold of every model; a fold's ``result.json`` is written atomically
when it is done, so an interrupted run resumes where it stopped. ``evaluation.json`` in the work
folder records the recordings and folds the results belong to, so a later run on other data or
other folds is refused instead of mixing results; ``<model>/recipe.json`` does the same per model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from dancekit.data.labels import (BALLROOM, DANCE_CNN, EXTENDED_BALLROOM, EXTENDED_BALLROOM_TO_DANCE_CNN,
                                  GTZAN_GENRES, LabelSet)
from dancekit.data.recordings import Recording, label_counts
from dancekit.data.splits import IndexFold
from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write, atomic_write_text
from dancekit.training.recipes import TrainingRecipe, get_recipe


class EvaluationInputError(DancekitError):
    """Bad input to an evaluation (table, model, fold, data folder or layout, work folder): a usage error."""

    exit_code = 2


class UnknownTableError(EvaluationInputError):
    """A table id that is not in ``TABLES``."""


class UnknownModelError(EvaluationInputError):
    """A model name that is not in ``MODELS`` (nor ``svm``)."""


#: The hand-crafted-feature SVM baseline (paper 1 IV-B a): not a spectrogram network, so not a recipe.
SVM = "svm"

#: Model name -> its training recipe (paper 1's backbones use paper 1's recipe).
MODELS: dict[str, Callable[[], TrainingRecipe]] = {
    "bbnn": lambda: get_recipe("bbnn"),
    "prcnn_concat": lambda: get_recipe("prcnn", name="prcnn_concat", architecture_args={"fusion": "concat"}),
    "prcnn_add": lambda: get_recipe("prcnn", name="prcnn_add", architecture_args={"fusion": "add"}),
}
for _backbone in ("resnet18", "densenet161", "resnext50_32x4d", "vgg16"):
    MODELS[_backbone] = lambda b=_backbone: get_recipe("dance_cnn", name=b, architecture=b)
# Paper 3 Table 2: other CNN blocks, with and without the parallel Bi-GRU (concatenation).
for _cnn in ("alexnet", "vgg11", "resnet11"):
    for _rnn in (False, True):
        MODELS[f"{_cnn}{'_rnn' if _rnn else ''}"] = (
            lambda c=_cnn, r=_rnn: get_recipe("prcnn", name=f"{c}{'_rnn' if r else ''}",
                                              architecture_args={"cnn": c, "rnn": r, "fusion": "concat"}))


def recipe_for(name: str, max_epochs: int | None = None) -> TrainingRecipe:
    """The recipe of model ``name``, with ``max_epochs`` shortened when given."""
    if name not in MODELS:
        raise UnknownModelError(f"unknown model {name!r}; choose from {', '.join(MODELS)}, {SVM}")
    recipe = MODELS[name]()
    return recipe if max_epochs is None else dataclasses.replace(recipe, max_epochs=max_epochs)


# --- datasets -----------------------------------------------------------------------------------------

TANG_CLASSES = LabelSet("tang", ("Cha Cha Cha", "Rumba", "Slow Waltz", "Tango"))


def _gtzan(root: Path) -> list[Recording]:
    from dancekit.data.gtzan import gtzan_recordings

    return gtzan_recordings(root)


def _ballroom(root: Path) -> list[Recording]:
    from dancekit.data.ballroom import ballroom_recordings

    return ballroom_recordings(root)


def _extended_ballroom(root: Path) -> list[Recording]:
    from dancekit.data.extended_ballroom import extended_ballroom_recordings

    return extended_ballroom_recordings(root)


def _extended_ballroom_10(root: Path) -> list[Recording]:
    from dancekit.data.extended_ballroom import extended_ballroom_recordings

    return extended_ballroom_recordings(root, mapping=EXTENDED_BALLROOM_TO_DANCE_CNN)


def _tang(root: Path) -> list[Recording]:
    from dancekit.data.tang import tang_recordings

    return tang_recordings(root)


@dataclass(frozen=True)
class DatasetAdapter:
    """How a table reads its dataset: the public layout, or (``--folders``) a folder per class."""

    name: str
    layout: str
    read: Callable[[Path], list[Recording]]
    classes: LabelSet | None  # None: the class folders found (a user's own set)
    mapping_for_folders: object = None  # a LabelMapping when folder names are source classes

    def recordings(self, root: str | Path, folders: bool = False) -> list[Recording]:
        from dancekit.data.folders import folder_recordings

        if folders or self.read is None:
            if self.mapping_for_folders is not None:
                return folder_recordings(root, mapping=self.mapping_for_folders)
            return folder_recordings(root, labels=self.classes)
        return self.read(Path(root))

    def label_set(self, recordings: Sequence[Recording]) -> LabelSet:
        return self.classes if self.classes is not None else LabelSet.of(self.name, recordings)


DATASETS = {d.name: d for d in (
    DatasetAdapter("gtzan", "genres/<genre>/<genre>.000NN.{au,wav,flac} (or Kaggle's Data/genres_original)",
                   _gtzan, GTZAN_GENRES),
    DatasetAdapter("ballroom", "BallroomData/<Dance>/<name>.wav (the three Rumba folders merged: 8 classes)",
                   _ballroom, BALLROOM),
    DatasetAdapter("extended-ballroom", "<Genre>/<id>.mp3 + extendedballroom_v1.1.xml (13 classes)",
                   _extended_ballroom, EXTENDED_BALLROOM),
    DatasetAdapter("extended-ballroom-10", "<Genre>/<id>.mp3 + extendedballroom_v1.1.xml, paper 1's 10 classes "
                   "(Waltz + Slowwaltz merged, Salsa and Wcswing left out)", _extended_ballroom_10, DANCE_CNN,
                   EXTENDED_BALLROOM_TO_DANCE_CNN),
    DatasetAdapter("tang", "DANCE_<C|R|T|W>_<n>/audio.mp3 (Dance with Melody songs)", _tang, TANG_CLASSES),
    DatasetAdapter("folders", "<class>/<file> (a folder per class, any audio format)", None, None),
)}


# --- splits -------------------------------------------------------------------------------------------

SPLITS = {
    "stratified": "stratified k-fold, train/validation/test 8/1/1 at k=10, groups kept whole, each recording "
                  "tested once",
    "extended-ballroom-published": "the 10 published artist/disc-filtered Extended Ballroom folds "
                                   "(f<i>_train/test.txt), a stratified ninth of each training side validates",
    "tang-songs": "Tang's fixed split by song (every third song of each dance tested, every third validates)",
}
FIXED_FOLDS = {"extended-ballroom-published": 10, "tang-songs": 1}


def _track_key(rec: Recording) -> str:
    return str(rec.meta.get("id") or Path(rec.path).stem)


def make_folds(split: str, recordings: Sequence[Recording], data: str | Path, n_folds: int | None = None,
               seed: int = 0) -> list[IndexFold]:
    """The folds of ``split`` as index arrays into ``recordings``; ``n_folds`` only for the stratified one."""
    from dancekit.data.splits import extended_ballroom_folds, fold_indices, stratified_kfold

    recordings = list(recordings)
    if split in FIXED_FOLDS and n_folds is not None and n_folds != FIXED_FOLDS[split]:
        raise EvaluationInputError(f"split {split!r} has {FIXED_FOLDS[split]} fixed fold(s); --folds does not apply")
    if split == "stratified":
        return stratified_kfold(recordings, 10 if n_folds is None else n_folds, seed=seed)
    if split == "extended-ballroom-published":
        lists = Path(data) if (Path(data) / "f1_train.txt").is_file() else None  # else the shared copy
        folds = extended_ballroom_folds(recordings, lists, validation=True, seed=seed)
        return [fold_indices(f, recordings) for f in folds]
    if split == "tang-songs":
        from dancekit.data.tang import tang_fold

        return [fold_indices(tang_fold(recordings), recordings)]
    raise EvaluationInputError(f"unknown split {split!r}; known: {', '.join(SPLITS)}")


# --- tables -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaperTable:
    """One table of a paper: which data, which folds, which rows (models)."""

    id: str
    title: str
    dataset: str  # key of DATASETS
    split: str  # key of SPLITS
    models: tuple[str, ...]
    note: str


_TABLE2 = ("prcnn_concat", "prcnn_add", "alexnet", "alexnet_rnn", "vgg11", "vgg11_rnn", "resnet11", "resnet11_rnn")
_PAPER1_NOTE = ("Paper 1 compared these backbones on its YouTube test set after training on a private set; "
                "neither is public, so here they are cross-validated on Extended Ballroom relabelled to paper 1's "
                "10 dances (4110 tracks in the full set), with paper 1's recipe for each.")
TABLES = {t.id: t for t in (
    PaperTable("paper1-table6", "Paper 1 Table VI: CNN backbones on Extended Ballroom (10 dances)",
               "extended-ballroom-10", "stratified", ("densenet161", "resnet18", "resnext50_32x4d", "vgg16"),
               _PAPER1_NOTE + " Folds keep each artist and each set of duplicate tracks on one side."),
    PaperTable("paper1-table6-published", "Paper 1 Table VI backbones on the published Extended Ballroom folds",
               "extended-ballroom-10", "extended-ballroom-published",
               ("densenet161", "resnet18", "resnext50_32x4d", "vgg16"),
               _PAPER1_NOTE + " Folds: the published artist/disc-filtered lists, for comparison with other work."),
    PaperTable("paper2-gtzan", "Paper 2: BBNN on GTZAN, 10-fold cross-validation", "gtzan", "stratified",
               ("bbnn", SVM), "Paper 2 reports 93.9 % on GTZAN (10 folds, 8/1/1). The SVM row is paper 1's "
               "hand-crafted baseline on the same folds."),
    PaperTable("paper2-ballroom", "Paper 2: BBNN on Ballroom, 10-fold cross-validation", "ballroom", "stratified",
               ("bbnn", SVM), "Paper 2 reports 97.1 % on Ballroom (8 classes, 10 folds, 8/1/1). The SVM row is "
               "paper 1's hand-crafted baseline on the same folds."),
    PaperTable("paper2-extended-ballroom", "Paper 2: BBNN on Extended Ballroom (13 classes), 10-fold "
               "cross-validation", "extended-ballroom", "stratified", ("bbnn", SVM),
               "Paper 2 reports 97.2 % on Extended Ballroom with random 8/1/1 folds; these folds keep each artist "
               "and each set of duplicate tracks on one side, a stricter test. The SVM row is paper 1's "
               "hand-crafted baseline on the same folds."),
    PaperTable("paper3-table2", "Paper 3 Table 2: CNN blocks with and without the parallel Bi-GRU, on GTZAN",
               "gtzan", "stratified", _TABLE2,
               "Paper 3 reports 92.0 % for PRCNN on GTZAN and does not state its split; here the 10 folds of "
               "paper 2 (8/1/1). Rows without '_rnn' are the CNN block alone."),
    PaperTable("gtzan-mini", "Genre classification on GTZAN: 10-fold cross-validation", "gtzan", "stratified",
               ("bbnn", "prcnn_concat", "prcnn_add", "resnet18", "densenet161", SVM),
               "Papers 2 and 3's genre networks, paper 1's backbones and the SVM baseline on the same folds."),
    PaperTable("tang-songs", "Dance recognition on the Dance with Melody songs (split by song)", "tang",
               "tang-songs", ("resnet18", SVM), "Paper 1's recipe and its SVM baseline on Tang's four dances."),
    PaperTable("folders", "Your own folder-per-class dataset: 10-fold cross-validation", "folders", "stratified",
               ("resnet18", "bbnn", SVM), "A folder per class; each file is its own group."),
)}


def get_table(table_id: str) -> PaperTable:
    try:
        return TABLES[table_id]
    except KeyError:
        raise UnknownTableError(f"unknown table {table_id!r}; choose from {', '.join(TABLES)} "
                                "(dancekit evaluate --list)") from None


def select_models(table: PaperTable, models: str | Sequence[str] | None) -> list[str]:
    """``models`` (comma-separated or a list; any model, not only the table's), else the table's rows."""
    if models is None:
        return list(table.models)
    names = [m.strip() for m in (models.split(",") if isinstance(models, str) else models) if m.strip()]
    if not names:
        raise UnknownModelError("no model named (--models a,b)")
    for name in names:
        if name != SVM:
            recipe_for(name)
    return names


def parse_folds(only_folds: str | Sequence[int] | None, n_folds: int) -> list[int]:
    """0-based fold numbers to run (all when ``None``); out of range is a usage error."""
    if only_folds is None:
        return list(range(n_folds))
    try:
        picked = [int(k) for k in (only_folds.split(",") if isinstance(only_folds, str) else only_folds)]
    except ValueError:
        raise EvaluationInputError(f"--only-folds takes 0-based fold numbers such as 0,3, not {only_folds!r}") from None
    bad = [k for k in picked if not 0 <= k < n_folds]
    if bad:
        raise EvaluationInputError(f"fold {bad[0]} does not exist: there are {n_folds} folds (0 to {n_folds - 1})")
    return sorted(set(picked))


# --- running ------------------------------------------------------------------------------------------

@dataclass
class PreparedData:
    """A table's recordings and folds, checked against the work folder they are written to."""

    table: PaperTable
    recordings: list[Recording]
    classes: LabelSet
    folds: list[IndexFold]
    work: Path
    facts: dict


def _sha(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def prepare(table: PaperTable, data: str | Path, work: str | Path, *, folders: bool = False,
            n_folds: int | None = None, seed: int = 0) -> PreparedData:
    """Read the dataset, make the folds, and record them in (or check them against) ``work/evaluation.json``."""
    adapter = DATASETS[table.dataset]
    try:
        recordings = adapter.recordings(data, folders=folders)
        classes = adapter.label_set(recordings)
        folds = make_folds(table.split, recordings, data, n_folds, seed)
    except EvaluationInputError:
        raise
    except DancekitError as err:  # layout, labels, too few recordings for the folds: all bad input here
        raise EvaluationInputError(str(err)) from None
    facts = {
        "dataset": adapter.name, "layout": "folder per class" if folders else adapter.layout, "split": table.split,
        "folds": len(folds), "seed": seed, "classes": list(classes), "recordings": len(recordings),
        "class_counts": label_counts(recordings),
        "data_sha256": _sha(sorted(f"{_track_key(r)}\t{r.group}\t{r.label}" for r in recordings)),
        "folds_sha256": _sha([" ".join(map(str, side)) for f in folds for side in (f.train, f.validation, f.test)]),
    }
    if table.split == "extended-ballroom-published":
        facts["published_fold_leaks"] = _published_leaks(recordings, folds)
    work = Path(work)
    manifest = work / "evaluation.json"
    if manifest.is_file():
        old = json.loads(manifest.read_text())
        changed = [k for k in ("data_sha256", "folds_sha256", "classes") if old.get(k) != facts[k]]
        if changed:
            raise EvaluationInputError(
                f"{work} holds results of other {'data' if 'data_sha256' in changed else 'folds'} "
                f"({old.get('recordings')} recordings, {old.get('folds')} folds, seed {old.get('seed')}); "
                "use another --work folder")
    else:
        work.mkdir(parents=True, exist_ok=True)
        atomic_write_text(manifest, json.dumps(facts, indent=1) + "\n")
    return PreparedData(table, recordings, classes, folds, work, facts)


def _published_leaks(recordings: list[Recording], folds: list[IndexFold]) -> int:
    """Test recordings whose artist/duplicate group is also trained on (the published lists' own rule differs)."""
    leaks = 0
    for fold in folds:
        trained = {recordings[i].group for i in fold.train}
        leaks += sum(recordings[i].group in trained for i in fold.test)
    return leaks


def _check_recipe(model_dir: Path, recipe: TrainingRecipe) -> None:
    """Keep one recipe per model folder: folds trained for 1 epoch must not be pooled with 100-epoch ones."""
    stored = model_dir / "recipe.json"
    if stored.is_file():
        old = json.loads(stored.read_text())
        if old != recipe.to_dict():
            diff = sorted(k for k in set(old) | set(recipe.to_dict()) if old.get(k) != recipe.to_dict().get(k))
            raise EvaluationInputError(
                f"{model_dir} was trained with another recipe ({', '.join(diff)}: {old.get(diff[0])!r} there, "
                f"{recipe.to_dict().get(diff[0])!r} now); use the same --max-epochs or another --work folder")
    else:
        model_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(stored, json.dumps(recipe.to_dict(), indent=1) + "\n")


def stored_recipe(work: Path, name: str) -> TrainingRecipe:
    """The recipe a model folder was trained with (its defaults for folders written before recipe.json)."""
    stored = work / name / "recipe.json"
    return TrainingRecipe.from_dict(json.loads(stored.read_text())) if stored.is_file() else recipe_for(name)


def _done(model_dir: Path, k: int) -> bool:
    return (model_dir / f"fold{k:02d}" / "result.json").is_file()


def run_network(prep: PreparedData, name: str, selected: Sequence[int], *, device: str = "cpu", seed: int = 0,
                max_epochs: int | None = None, progress: bool | None = None, cache: dict | None = None,
                log: Callable[[str], None] = print) -> None:
    """Train and test ``name`` on every selected fold without a result yet; summary.json once all are done."""
    from tqdm import tqdm

    from dancekit.evaluation.crossval import load_cross_validation, run_fold
    from dancekit.training.spectrograms import compute_spectrograms

    recipe = recipe_for(name, max_epochs)
    model_dir = prep.work / name
    _check_recipe(model_dir, recipe)
    missing = [k for k in selected if not _done(model_dir, k)]
    if missing:
        cache = {} if cache is None else cache
        if recipe.frontend not in cache:
            recs = prep.recordings
            if prep.table.split == "extended-ballroom-published":  # leaks are counted, not refused: see facts
                recs = [dataclasses.replace(r, group=_track_key(r)) for r in recs]
            bar = lambda it: tqdm(it, desc=f"{recipe.frontend} spectrograms", unit="clip", leave=False,  # noqa: E731
                                  file=sys.stderr, disable=None if progress is None else not progress)
            cache[recipe.frontend] = compute_spectrograms(recs, recipe.frontend, list(prep.classes), device, bar)
        data = cache[recipe.frontend]  # a recording shorter than a segment gives one looped segment
        for k in missing:
            fold = prep.folds[k]
            done = run_fold(recipe, data, (fold.train, fold.validation, fold.test),
                            model_dir / f"fold{k:02d}", device, seed + k,
                            progress=sys.stderr.isatty() if progress is None else progress, checkpoint_every_s=60)
            log(f"{name} fold {k}: " + ", ".join(f"{m} {v:.3f}" for m, v in done["metrics"].items()))
    if all(_done(model_dir, k) for k in range(len(prep.folds))):
        cv = load_cross_validation(recipe, list(prep.classes), model_dir)
        atomic_write_text(model_dir / "summary.json", json.dumps(cv.to_dict()) + "\n")
        s = cv.summary()["recording_top1"]
        log(f"{name}: recording top-1 {s['mean']:.3f} +- {s['std']:.3f} over {len(prep.folds)} folds")


def _save_array(path: str, array: np.ndarray) -> None:
    with open(path, "wb") as handle:  # a file object: np.save would add ".npy" to a temporary name
        np.save(handle, array)


def _svm_scores(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, n_classes: int, k: int) -> np.ndarray:
    """One-vs-rest scores ``[n_test, n_classes]`` (enough for top-k); a class absent from training (a subset
    of a dataset) gets a score below every other, so it is never predicted rather than failing the fold."""
    from dancekit.models.svm_baseline import fit_svm

    present = np.unique(train_y)
    if len(present) < 2:
        raise EvaluationInputError(f"fold {k} trains on a single class; the SVM needs two (more recordings?)")
    svm = fit_svm(train_x, np.searchsorted(present, train_y), n_classes=len(present))
    scores = svm.decision_function(test_x)
    if scores.ndim == 1:  # two classes: scikit-learn gives one signed score
        scores = np.stack([-scores, scores], axis=1)
    full = np.full((len(test_x), n_classes), scores.min() - 1.0)
    full[:, present] = scores
    return full


def run_svm(prep: PreparedData, selected: Sequence[int], *, progress: bool | None = None,
            log: Callable[[str], None] = print) -> None:
    """The RBF SVM on the 72-d hand-crafted features, on the same folds; features cached in ``svm/features.npy``."""
    from tqdm import tqdm

    from dancekit.audio import load
    from dancekit.evaluation.crossval import fold_metrics
    from dancekit.features import handcrafted_features

    out = prep.work / SVM
    missing = [k for k in selected if not _done(out, k)]
    if not missing:
        return
    out.mkdir(parents=True, exist_ok=True)
    cached = out / "features.npy"
    features = np.load(cached) if cached.is_file() else None
    if features is None or len(features) != len(prep.recordings):
        recs = tqdm(prep.recordings, desc="hand-crafted features", unit="clip", leave=False, file=sys.stderr,
                    disable=None if progress is None else not progress)
        features = np.stack([handcrafted_features(load(r.path, sr=22050)) for r in recs])
        atomic_write(cached, lambda tmp: _save_array(tmp, features))
    labels = np.asarray(prep.classes.targets(prep.recordings))
    for k in missing:
        fold = prep.folds[k]
        train, test = np.asarray(fold.train), np.asarray(fold.test)
        scores = _svm_scores(features[train], labels[train], features[test], len(prep.classes), k)
        result = {"metrics": fold_metrics(scores, labels[test], scores, labels[test]),
                  "test_groups": [prep.recordings[i].group for i in test], "test_labels": labels[test].tolist(),
                  "test_recording_probs": np.round(scores, 5).tolist()}
        (out / f"fold{k:02d}").mkdir(exist_ok=True)
        atomic_write_text(out / f"fold{k:02d}" / "result.json", json.dumps(result) + "\n")
        log(f"{SVM} fold {k}: " + ", ".join(f"{m} {v:.3f}" for m, v in result["metrics"].items()))


def evaluate(table: PaperTable, data: str | Path, work: str | Path, *, models: str | Sequence[str] | None = None,
             only_folds: str | Sequence[int] | None = None, n_folds: int | None = None, seed: int = 0,
             device: str = "cpu", max_epochs: int | None = None, folders: bool = False,
             progress: bool | None = None, log: Callable[[str], None] = print) -> PreparedData:
    """Run every missing fold of every model of ``table`` (or of ``models``) on ``data``; results in ``work``."""
    names = select_models(table, models)
    prep = prepare(table, data, work, folders=folders, n_folds=n_folds, seed=seed)
    selected = parse_folds(only_folds, len(prep.folds))
    cache: dict = {}
    for name in names:
        if name == SVM:
            run_svm(prep, selected, progress=progress, log=log)
        else:
            run_network(prep, name, selected, device=device, seed=seed, max_epochs=max_epochs, progress=progress,
                        cache=cache, log=log)
    return prep


# --- reporting ----------------------------------------------------------------------------------------

def svm_row(work: str | Path) -> str:
    """The SVM's line of the comparison table (it has no training curves, so it is not a CrossValidation)."""
    files = sorted((Path(work) / SVM).glob("fold*/result.json"))
    if not files:
        return ""
    metrics = [json.loads(f.read_text())["metrics"] for f in files]
    cells = []
    for m in ("segment_top1", "segment_top2", "recording_top1", "recording_top2"):
        values = [x[m] for x in metrics]
        cells.append(f"{100 * np.mean(values):.1f} +- {100 * np.std(values):.1f}")
    return f"\n| svm (72-d features, RBF) | {len(files)} | " + " | ".join(cells) + " | - |"


def data_facts(work: str | Path) -> str:
    """What the results were computed on, from ``evaluation.json`` and the stored recipes (empty if unknown)."""
    work = Path(work)
    manifest = work / "evaluation.json"
    if not manifest.is_file():
        return ""
    f = json.loads(manifest.read_text())
    counts = ", ".join(f"{c} {n}" for c, n in f["class_counts"].items())
    text = (f"Data: {f['recordings']} recordings ({f['layout']}; {counts}). Split: {SPLITS.get(f['split'], f['split'])}"
            f"; {f['folds']} fold(s), seed {f['seed']}.")
    if f.get("published_fold_leaks"):
        text += (f" The published folds test {f['published_fold_leaks']} recording(s) whose artist or duplicate "
                 "group is also trained on.")
    short = []
    for recipe_file in sorted(work.glob("*/recipe.json")):
        recipe = TrainingRecipe.from_dict(json.loads(recipe_file.read_text()))
        name = recipe_file.parent.name
        if name in MODELS and recipe.max_epochs != MODELS[name]().max_epochs:
            short.append(f"{name} at most {recipe.max_epochs} epoch(s)")
    if short:
        text += " Shortened training: " + ", ".join(short) + " (the papers' recipes train longer)."
    return text


def write_table_report(work: str | Path, out: str | Path, title: str, data_note: str,
                       models: Sequence[str] | None = None) -> Path:
    """``out/report.md`` from the finished folds under ``work`` of ``models`` (default: every known model)."""
    from dancekit.evaluation.crossval import load_cross_validation
    from dancekit.evaluation.report import write_report

    work = Path(work)
    names = list(MODELS) + [SVM] if models is None else list(models)
    manifest = work / "evaluation.json"
    classes = json.loads(manifest.read_text())["classes"] if manifest.is_file() else list(GTZAN_GENRES)
    results = {}
    for name in names:
        if name != SVM and any((work / name).glob("fold*/result.json")):
            results[name] = load_cross_validation(stored_recipe(work, name), classes, work / name)
    extra = svm_row(work) if SVM in names else ""
    if not results and not extra:
        raise EvaluationInputError(f"no finished folds under {work} (run the evaluation first)")
    return write_report(results, out, title, data_note, extra_rows=extra)
