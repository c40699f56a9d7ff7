"""Train / validation / test splits that keep every group (recording, artist, duplicate set) on one side.

* ``stratified_folds``: k-fold cross-validation, stratified by label and grouped; fold ``i`` tests on part
  ``i``, validates on part ``i+1`` and trains on the other ``k-2`` (k=10 gives paper 2's 8/1/1).
* ``gtzan_split``: the fault-filtered (artist-filtered) GTZAN split of Kereliuk & Sturm (443/197/290
  clips, 70 faulty clips left out), or the plain stratified one, from the ``gtzan_splits`` lists.
* ``extended_ballroom_folds``: the 10 artist/disc-filtered folds of Foleiss (``f<i>_{train,test}.txt``).
* ``find_leaks`` / ``check_no_leak``: which groups sit on two sides; split segments only after splitting
  recordings (``Fold.side_of_group``) and a recording's segments can never leak.
* ``stratified_kfold`` / ``fold_indices``: the same folds as index arrays, for precomputed features.

Splits are deterministic: the same recordings and seed give the same folds, whatever their input order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from dancekit.data.errors import SplitError, SplitLeakError
from dancekit.data.recordings import Recording
from dancekit.paths import shared_data_dir

SIDES = ("train", "validation", "test")


@dataclass(frozen=True)
class Fold:
    """One partition of a dataset; ``validation`` may be empty, ``excluded`` holds what the protocol leaves out.

    Parameters
    ----------
    train, validation, test : tuple of Recording
        The three sides.
    name : str
        For messages and reports (``"fold 3/10"``).
    excluded : tuple of Recording
        Recordings the protocol leaves out (e.g. GTZAN's faulty clips).
    unmatched : int
        Names in a split list with no recording here (audio not on disk).
    """

    train: tuple[Recording, ...]
    validation: tuple[Recording, ...]
    test: tuple[Recording, ...]
    name: str = ""
    excluded: tuple[Recording, ...] = ()
    unmatched: int = 0  # names in a split list with no recording here (audio not on disk)

    def sides(self) -> dict[str, tuple[Recording, ...]]:
        """``{"train": ..., "validation": ..., "test": ...}``, what :func:`find_leaks` reads."""
        return {"train": self.train, "validation": self.validation, "test": self.test}

    def side_of_group(self) -> dict[str, str]:
        """Group -> side: how segments cut from a recording find their side (by the recording's group)."""
        check_no_leak(self)
        return {rec.group: side for side, recs in self.sides().items() for rec in recs}

    def summary(self) -> str:
        """One line of side sizes, for logs (``"fold 1/10: train 80 / validation 10 / test 10"``)."""
        text = (f"{self.name or 'split'}: train {len(self.train)} / validation {len(self.validation)} "
                f"/ test {len(self.test)}")
        if self.excluded:
            text += f", {len(self.excluded)} left out"
        return text + (f", {self.unmatched} listed but absent" if self.unmatched else "")


def _group_of(item) -> str:
    return item.group if hasattr(item, "group") else str(item)


def find_leaks(split: Fold | Mapping[str, Iterable], group: Callable[[object], str] = _group_of
               ) -> dict[str, tuple[str, ...]]:
    """Group -> the sides it appears on, for every group on more than one side.

    Parameters
    ----------
    split : Fold or mapping
        A ``Fold`` or any ``{side: items}``; items are recordings, segments or anything with a
        ``group`` attribute, so segment lists are checked the same way.
    group : callable
        ``group(item) -> str`` when the items have no ``group`` attribute.

    Returns
    -------
    dict
        Group -> sides, sorted by group; empty when nothing leaks.
    """
    sides = split.sides() if isinstance(split, Fold) else split
    seen: dict[str, list[str]] = {}
    for side, items in sides.items():
        for item in items:
            where = seen.setdefault(group(item), [])
            if side not in where:
                where.append(side)
    return {g: tuple(where) for g, where in sorted(seen.items()) if len(where) > 1}


def check_no_leak(split: Fold | Mapping[str, Iterable], group: Callable[[object], str] = _group_of) -> None:
    """Raise ``SplitLeakError`` (naming a few groups) if any group is on two sides of ``split``.

    Parameters
    ----------
    split, group
        As for :func:`find_leaks`.
    """
    leaks = find_leaks(split, group)
    if leaks:
        name = split.name if isinstance(split, Fold) and split.name else "split"
        examples = "; ".join(f"{g} ({', '.join(s)})" for g, s in list(leaks.items())[:3])
        raise SplitLeakError(f"{name} leaks: {len(leaks)} group(s) on more than one side, e.g. {examples}")


def leak_summary(fold: Fold, group: Callable[[object], str] = _group_of) -> dict[str, int]:
    """How much a given protocol leaks: leaking groups, and test recordings whose group is also trained on.

    Parameters
    ----------
    fold : Fold
        The protocol's split.
    group : callable
        How an item's group is read (see :func:`find_leaks`).

    Returns
    -------
    dict
        ``{"groups": leaking groups, "test_recordings": test recordings whose group is trained on}``.
    """
    leaks = find_leaks(fold, group)
    in_train = {g for g, sides in leaks.items() if "train" in sides}
    return {"groups": len(leaks), "test_recordings": sum(group(r) in in_train for r in fold.test)}


def _ordered(recordings: Iterable[Recording]) -> list[Recording]:
    recs = sorted(recordings, key=lambda r: (r.group, str(r.path), r.label))
    if not recs:
        raise SplitError("cannot split an empty list of recordings")
    return recs


def _group_parts(recs: list[Recording], k: int, seed: int) -> list[np.ndarray]:
    """k disjoint index arrays, stratified by label, each group inside one part.

    Greedy and exact enough: groups in a seeded random order, larger ones first, each goes to the part
    that so far holds the fewest recordings of its labels (then the fewest overall). One-label groups of
    equal size end up spread as evenly as integers allow (10 per class, k=10: one per part).
    """
    members: dict[str, list[int]] = {}
    for i, rec in enumerate(recs):
        members.setdefault(rec.group, []).append(i)
    if len(members) < k:
        raise SplitError(f"cannot make {k} parts from {len(members)} groups")
    label_index = {label: j for j, label in enumerate(sorted({r.label for r in recs}))}
    names = sorted(members)
    order = [names[i] for i in np.random.default_rng(seed).permutation(len(names))]
    order.sort(key=lambda g: -len(members[g]))  # stable: random among groups of one size
    per_label = np.zeros((k, len(label_index)))
    totals = np.zeros(k)
    parts: list[list[int]] = [[] for _ in range(k)]
    for group in order:
        counts = np.zeros(len(label_index))
        for i in members[group]:
            counts[label_index[recs[i].label]] += 1
        crowding = per_label @ counts
        best = min(range(k), key=lambda p: (crowding[p], totals[p], p))
        per_label[best] += counts
        totals[best] += counts.sum()
        parts[best] += members[group]
    return [np.array(sorted(p), dtype=np.int64) for p in parts]


def stratified_folds(recordings: Iterable[Recording], k: int = 10, seed: int = 0, validation: bool = True,
                     name: str = "fold") -> list[Fold]:
    """``k`` folds; every recording is tested exactly once; with ``validation`` part ``i+1`` validates fold ``i``.

    Parameters
    ----------
    recordings : iterable of Recording
        The dataset; the input order does not matter.
    k : int
        Number of folds (at least 3 with validation, 2 without).
    seed : int
        Shuffles the groups before they are dealt out to the parts.
    validation : bool
        Give each fold a validation side (k=10 gives paper 2's 8/1/1).
    name : str
        Prefix of the fold names.

    Returns
    -------
    list of Fold
    """
    if k < (3 if validation else 2):
        raise SplitError(f"k must be at least {3 if validation else 2}, got {k}")
    recs = _ordered(recordings)
    parts = _group_parts(recs, k, seed)
    folds = []
    for i in range(k):
        val_part = (i + 1) % k if validation else None
        train = [j for p, idx in enumerate(parts) if p not in (i, val_part) for j in idx]
        pick = lambda idx: tuple(recs[j] for j in sorted(idx))  # noqa: E731
        folds.append(Fold(pick(train), pick(parts[val_part]) if validation else (), pick(parts[i]),
                          name=f"{name} {i + 1}/{k}"))
    return folds


@dataclass(frozen=True)
class IndexFold:
    """A fold as positions into the recording list it was made from (to index precomputed features).

    Parameters
    ----------
    train, validation, test : np.ndarray
        int64 positions, sorted.
    name : str
        The fold's name.
    """

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray
    name: str = ""


def fold_indices(fold: Fold, recordings: Sequence[Recording]) -> IndexFold:
    """The positions in ``recordings`` of each side of ``fold`` (recordings it leaves out appear nowhere).

    Parameters
    ----------
    fold : Fold
        A fold of ``recordings`` (another recording is a ``SplitError``).
    recordings : sequence of Recording
        The list the positions refer to.

    Returns
    -------
    IndexFold
    """
    position = {rec: i for i, rec in enumerate(recordings)}
    try:
        pick = lambda side: np.array(sorted(position[r] for r in side), dtype=np.int64)  # noqa: E731
        return IndexFold(pick(fold.train), pick(fold.validation), pick(fold.test), fold.name)
    except KeyError as err:
        raise SplitError(f"{fold.name or 'fold'} holds a recording not in the list: {err.args[0].path}") from None


def stratified_kfold(recordings: Sequence[Recording], k: int = 10, seed: int = 0, validation: bool = True
                     ) -> list[IndexFold]:
    """``stratified_folds`` as index arrays into ``recordings`` (same folds, same seed).

    Parameters
    ----------
    recordings : sequence of Recording
        The list the indices refer to.
    k, seed, validation
        As for :func:`stratified_folds`.

    Returns
    -------
    list of IndexFold
    """
    recordings = list(recordings)
    return [fold_indices(f, recordings) for f in stratified_folds(recordings, k, seed, validation)]


def carve_validation(fold: Fold, share: float = 1 / 9, seed: int = 0) -> Fold:
    """Move about ``share`` of the training groups (stratified) to validation; for protocols without one.

    Parameters
    ----------
    fold : Fold
        A split whose training side gives up groups.
    share : float
        Fraction of the training groups to move, in (0, 1).
    seed : int
        Which groups move.

    Returns
    -------
    Fold
        The same fold with a larger validation side.
    """
    if not 0 < share < 1:
        raise SplitError(f"validation share must be between 0 and 1, got {share}")
    recs = _ordered(fold.train)
    val = set(_group_parts(recs, max(2, round(1 / share)), seed)[0].tolist())
    return Fold(tuple(r for j, r in enumerate(recs) if j not in val),
                fold.validation + tuple(recs[j] for j in sorted(val)),
                fold.test, fold.name, fold.excluded, fold.unmatched)


def split_from_lists(recordings: Iterable[Recording], lists: Mapping[str, Iterable[str]],
                     key: Callable[[Recording], str], name: str = "split") -> Fold:
    """A fixed split from lists of names (``{side: names}``): recordings in no list are ``excluded``.

    Parameters
    ----------
    recordings : iterable of Recording
        The dataset.
    lists : mapping
        Side (``train``, ``validation``, ``test``) -> names; a name on two sides is a ``SplitLeakError``.
    key : callable
        ``key(recording) -> str``, the name the lists use.
    name : str
        The fold's name.

    Returns
    -------
    Fold
    """
    unknown = sorted(set(lists) - set(SIDES))
    if unknown:
        raise SplitError(f"unknown split side(s) {unknown}; sides are {SIDES}")
    side_of: dict[str, str] = {}
    for side, names in lists.items():
        for item in names:
            if side_of.setdefault(item, side) != side:
                raise SplitLeakError(f"{name}: {item} is listed for both {side_of[item]} and {side}")
    sides: dict[str, list[Recording]] = {s: [] for s in SIDES}
    excluded, matched = [], set()
    for rec in recordings:
        side = side_of.get(key(rec))
        (sides[side] if side else excluded).append(rec)
        matched.add(key(rec))
    return Fold(tuple(sides["train"]), tuple(sides["validation"]), tuple(sides["test"]), name, tuple(excluded),
                unmatched=len(set(side_of) - matched))


def _read_list(path: Path) -> list[str]:
    """Names in a split list: the file name without folder or extension, first tab-separated column."""
    if not path.is_file():
        raise SplitError(f"split list not found: {path}")
    names = []
    for line in path.read_text().splitlines():
        entry = line.split("\t")[0].strip()
        if entry:
            names.append(Path(entry).stem)
    return names


def _recording_stem(rec: Recording) -> str:
    return str(rec.meta.get("id") or Path(rec.path).stem)


def gtzan_split(recordings: Iterable[Recording], kind: str = "filtered", splits_dir: str | Path | None = None
                ) -> Fold:
    """The GTZAN split of ``{train,valid,test}_<kind>.txt``.

    The filtered lists leave out the clips Sturm found faulty (replicas, distortions, mislabels); those
    recordings come back in ``excluded``.

    Parameters
    ----------
    recordings : iterable of Recording
        From :func:`~dancekit.data.gtzan_recordings`.
    kind : {"filtered", "stratified"}
        Which lists.
    splits_dir : str or Path, optional
        Where the lists are (default: the shared ``gtzan_splits``).

    Returns
    -------
    Fold
    """
    if kind not in ("filtered", "stratified"):
        raise SplitError(f"GTZAN split kind must be 'filtered' or 'stratified', not {kind!r}")
    folder = Path(splits_dir) if splits_dir is not None else shared_data_dir() / "gtzan_splits"
    lists = {side: _read_list(folder / f"{stem}_{kind}.txt")
             for side, stem in (("train", "train"), ("validation", "valid"), ("test", "test"))}
    return split_from_lists(recordings, lists, _recording_stem, name=f"gtzan {kind}")


def extended_ballroom_folds(recordings: Iterable[Recording], meta_dir: str | Path | None = None,
                            validation: bool = False, seed: int = 0) -> list[Fold]:
    """The 10 folds of ``f<i>_train.txt`` / ``f<i>_test.txt`` (artist and disc filtered by their author).

    Tracks are matched by id, so relabelled recordings (paper 1's 10 classes) work too; the tracks a
    mapping dropped are simply absent.

    Parameters
    ----------
    recordings : iterable of Recording
        From :func:`~dancekit.data.extended_ballroom_recordings`.
    meta_dir : str or Path, optional
        Where the lists are (default: the shared ``extended_ballroom_meta``).
    validation : bool
        Carve a stratified ninth of each training side into validation (8/1/1, paper 2).
    seed : int
        Which groups are carved.

    Returns
    -------
    list of Fold
    """
    folder = Path(meta_dir) if meta_dir is not None else shared_data_dir() / "extended_ballroom_meta"
    recs = list(recordings)
    folds = []
    for i in range(1, 11):
        lists = {"train": _read_list(folder / f"f{i}_train.txt"), "test": _read_list(folder / f"f{i}_test.txt")}
        fold = split_from_lists(recs, lists, _recording_stem, name=f"extended ballroom fold {i}/10")
        folds.append(carve_validation(fold, seed=seed) if validation else fold)
    return folds
