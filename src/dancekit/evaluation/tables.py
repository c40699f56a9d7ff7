"""The papers' tables as data: dataset adapter, split protocol and models of each table.

A table names a dataset adapter (the public layout it reads), a split protocol and the models of
its rows, each model a ``TrainingRecipe`` (or ``svm``: the 72-d hand-crafted baseline).
``table_runs`` cross-validates a table, ``table_report`` writes its report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from dancekit.data.labels import (BALLROOM, DANCE_CNN, EXTENDED_BALLROOM, EXTENDED_BALLROOM_TO_DANCE_CNN,
                                  GTZAN_GENRES, LabelSet)
from dancekit.data.ballroom import ballroom_recordings
from dancekit.data.extended_ballroom import extended_ballroom_recordings
from dancekit.data.folders import folder_recordings
from dancekit.data.gtzan import gtzan_recordings
from dancekit.data.recordings import Recording
from dancekit.data.synth_corpus import DANCE_CNN_OTHER, synth_label_set, synth_recordings
from dancekit.data.splits import IndexFold, extended_ballroom_folds, fold_indices, stratified_kfold
from dancekit.data.tang import tang_fold, tang_recordings
from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.training.recipes import TrainingRecipe, get_recipe


class EvaluationInputError(DancekitError):
    """Bad input to an evaluation (table, model, fold, data folder or layout, work folder): a usage error."""

    exit_code = EXIT_USAGE


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
    """The recipe of model ``name``, with ``max_epochs`` shortened when given.

    Parameters
    ----------
    name : str
        A key of ``MODELS``; another name is an ``UnknownModelError``.
    max_epochs : int, optional
        Shorter training, for quick runs.

    Returns
    -------
    TrainingRecipe
    """
    if name not in MODELS:
        raise UnknownModelError(f"unknown model {name!r}; choose from {', '.join(MODELS)}, {SVM}")
    recipe = MODELS[name]()
    return recipe if max_epochs is None else dataclasses.replace(recipe, max_epochs=max_epochs)


# --- datasets -----------------------------------------------------------------------------------------

TANG_CLASSES = LabelSet("tang", ("Cha Cha Cha", "Rumba", "Slow Waltz", "Tango"))


def _gtzan(root: Path) -> list[Recording]:
    return gtzan_recordings(root)


def _ballroom(root: Path) -> list[Recording]:
    return ballroom_recordings(root)


def _extended_ballroom(root: Path) -> list[Recording]:
    return extended_ballroom_recordings(root)


def _extended_ballroom_10(root: Path) -> list[Recording]:
    return extended_ballroom_recordings(root, mapping=EXTENDED_BALLROOM_TO_DANCE_CNN)


def _tang(root: Path) -> list[Recording]:
    return tang_recordings(root)


@dataclass(frozen=True)
class DatasetAdapter:
    """How a table reads its dataset: the public layout, or (``--folders``) a folder per class.

    Parameters
    ----------
    name : str
        The key in ``DATASETS``.
    layout : str
        The public layout, in words (for reports and errors).
    read : callable or None
        ``read(root) -> recordings`` for the public layout (None: folders only).
    classes : LabelSet or None
        The classes; None takes the class folders found (a user's own set).
    mapping_for_folders : LabelMapping, optional
        When folder names are source classes to relabel.
    classes_of : callable, optional
        ``classes_of(recordings) -> LabelSet`` when the data picks among fixed sets (synthetic corpora
        with or without ``Other``).
    """

    name: str
    layout: str
    read: Callable[[Path], list[Recording]]
    classes: LabelSet | None  # None: the class folders found (a user's own set)
    mapping_for_folders: object = None  # a LabelMapping when folder names are source classes
    classes_of: Callable[[Sequence[Recording]], LabelSet] | None = None  # when the data picks among fixed sets

    def recordings(self, root: str | Path, folders: bool = False) -> list[Recording]:
        """The dataset's recordings, from its public layout or a folder per class.

        Parameters
        ----------
        root : str or Path
            The user's copy.
        folders : bool
            Read a folder per class even though the dataset has a public layout.

        Returns
        -------
        list of Recording
        """
        if folders or self.read is None:
            if self.mapping_for_folders is not None:
                return folder_recordings(root, mapping=self.mapping_for_folders)
            return folder_recordings(root, labels=self.classes)
        return self.read(Path(root))

    def label_set(self, recordings: Sequence[Recording]) -> LabelSet:
        """The classes of ``recordings`` for this dataset (fixed, picked by ``classes_of``, or those found).

        Parameters
        ----------
        recordings : sequence of Recording
            As :meth:`recordings` returned them.

        Returns
        -------
        LabelSet
        """
        if self.classes_of is not None:
            return self.classes_of(recordings)
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
    DatasetAdapter("synthetic", "manifest.csv + audio/<clip>.<ext> from dancekit synth (10 dances, + Other if "
                   "rendered; a clip and its phone copy are one song)",
                   synth_recordings, DANCE_CNN_OTHER, classes_of=synth_label_set),
    DatasetAdapter("folders", "<class>/<file> (a folder per class, any audio format)", None, None),
)}


# --- splits -------------------------------------------------------------------------------------------

SPLITS = {
    "stratified": "stratified k-fold, train/validation/test folds (k-2)/1/1 (8/1/1 at k=10), groups kept whole, each recording "
                  "tested once",
    "extended-ballroom-published": "the 10 published artist/disc-filtered Extended Ballroom folds "
                                   "(f<i>_train/test.txt), a stratified ninth of each training side validates",
    "tang-songs": "Tang's fixed split by song (every third song of each dance tested, every third validates)",
}
FIXED_FOLDS = {"extended-ballroom-published": 10, "tang-songs": 1}


def track_key(rec: Recording) -> str:
    """The track id the published Extended Ballroom fold lists use (the file stem when there is none).

    Parameters
    ----------
    rec : Recording
        Any recording.

    Returns
    -------
    str
    """
    return str(rec.meta.get("id") or Path(rec.path).stem)


def make_folds(split: str, recordings: Sequence[Recording], data: str | Path, n_folds: int | None = None,
               seed: int = 0) -> list[IndexFold]:
    """The folds of ``split`` as index arrays into ``recordings``; ``n_folds`` only for the stratified one.

    Parameters
    ----------
    split : str
        A key of ``SPLITS``.
    recordings : sequence of Recording
        The dataset.
    data : str or Path
        The dataset folder (the published Extended Ballroom lists may sit in it; else the shared copy).
    n_folds : int, optional
        Folds of the stratified split (default 10); a fixed split refuses another count.
    seed : int
        Seeds the stratified split and the carved validation sides.

    Returns
    -------
    list of IndexFold
    """
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
        return [fold_indices(tang_fold(recordings), recordings)]
    raise EvaluationInputError(f"unknown split {split!r}; known: {', '.join(SPLITS)}")


# --- tables -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaperTable:
    """One table of a paper: which data, which folds, which rows (models).

    Parameters
    ----------
    id : str
        The key in ``TABLES`` (``dancekit evaluate TABLE``).
    title : str
        Heading of its report.
    dataset : str
        A key of ``DATASETS``.
    split : str
        A key of ``SPLITS``.
    models : tuple of str
        Its rows: keys of ``MODELS``, or ``svm``.
    note : str
        What the paper reported and how this run differs.
    """

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
    PaperTable("synthetic", "Paper 1's backbones, BBNN, PRCNN and the SVM on the synthetic ballroom corpus (10 dances)",
               "synthetic", "stratified", ("resnet18", "densenet161", "resnext50_32x4d", "vgg16", "bbnn", "prcnn_add",
                                           SVM),
               "Clips rendered by dancekit synth (MMA grooves played through General MIDI soundfonts), so each "
               "clip's dance and tempo are known by construction. A clip and its phone-in-the-hall copy are one "
               "song and sit on one side of every fold. Paper 1's recipe for the backbones, paper 2's for BBNN, "
               "paper 3's for PRCNN (additive fusion)."),
    PaperTable("folders", "Your own folder-per-class dataset: 10-fold cross-validation", "folders", "stratified",
               ("resnet18", "bbnn", SVM), "A folder per class; each file is its own group."),
)}


def get_table(table_id: str) -> PaperTable:
    """The table ``table_id``; an unknown id is an ``UnknownTableError`` listing the known ones.

    Parameters
    ----------
    table_id : str
        A key of ``TABLES``.

    Returns
    -------
    PaperTable
    """
    try:
        return TABLES[table_id]
    except KeyError:
        raise UnknownTableError(f"unknown table {table_id!r}; choose from {', '.join(TABLES)} "
                                "(dancekit evaluate --list)") from None


def select_models(table: PaperTable, models: str | Sequence[str] | None) -> list[str]:
    """``models`` (comma-separated or a list; any model, not only the table's), else the table's rows.

    Parameters
    ----------
    table : PaperTable
        Whose rows are the default.
    models : str or sequence of str or None
        The models asked for; an unknown one is an ``UnknownModelError``.

    Returns
    -------
    list of str
    """
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
    """0-based fold numbers to run (all when ``None``); out of range is a usage error.

    Parameters
    ----------
    only_folds : str or sequence of int or None
        ``"0,3"`` or ``[0, 3]``.
    n_folds : int
        Folds of the split.

    Returns
    -------
    list of int
        Sorted, without repeats.
    """
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
