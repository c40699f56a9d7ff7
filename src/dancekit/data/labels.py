"""Label sets (ordered class names) and the mappings between them.

Why objects rather than lists: a network output index only means something together with the
ordered names it was trained on, and the papers evaluate the same audio under different class
sets (Extended Ballroom's 13 classes in papers 2 and 3, paper 1's 10 dances with Waltz and
Slowwaltz merged and Salsa and West Coast Swing left out). A ``LabelMapping`` states such a
change once, checked, instead of as ad-hoc renames scattered over recipes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Mapping

from dancekit.dances import DANCE_NAMES
from dancekit.data.errors import UnknownLabelError
from dancekit.data.recordings import Recording


@dataclass(frozen=True)
class LabelSet:
    """Ordered, unique class names; ``index(name)`` is the network output row of that class.

    Parameters
    ----------
    name : str
        What the set is called (``label_set`` finds the built-in ones by it).
    names : tuple of str
        The classes, in network output order; at least one, no repeats.
    """

    name: str
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        names = tuple(self.names)
        object.__setattr__(self, "names", names)
        if not names:
            raise ValueError(f"label set {self.name!r} has no names")
        if len(set(names)) != len(names):
            raise ValueError(f"label set {self.name!r} repeats a name: {names}")

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __contains__(self, label: object) -> bool:
        return label in self.names

    def __getitem__(self, index: int) -> str:
        return self.names[index]

    def index(self, label: str) -> int:
        """Position of ``label``; an unknown label is an ``UnknownLabelError`` naming the valid ones.

        Parameters
        ----------
        label : str
            A class name.

        Returns
        -------
        int
        """
        try:
            return self.names.index(label)
        except ValueError:
            raise UnknownLabelError(
                f"unknown label {label!r} for label set {self.name!r} (expected one of: {', '.join(self.names)})"
            ) from None

    def indices(self, labels: Iterable[str]) -> list[int]:
        """:meth:`index` of each label, in order.

        Parameters
        ----------
        labels : iterable of str
            Class names.

        Returns
        -------
        list of int
        """
        return [self.index(label) for label in labels]

    def targets(self, recordings: Iterable[Recording]) -> list[int]:
        """The class index of each recording, in order (what a training set's ``y`` is).

        Parameters
        ----------
        recordings : iterable of Recording
            Recordings labelled with this set's names.

        Returns
        -------
        list of int
        """
        return [self.index(r.label) for r in recordings]

    def counts(self, recordings: Iterable[Recording]) -> dict[str, int]:
        """Recordings per class in this set's order, zeros included; a foreign label raises.

        Parameters
        ----------
        recordings : iterable of Recording
            The recordings to count.

        Returns
        -------
        dict
            Class name -> count.
        """
        counts = dict.fromkeys(self.names, 0)
        for rec in recordings:
            counts[self.names[self.index(rec.label)]] += 1
        return counts

    @classmethod
    def of(cls, name: str, recordings: Iterable[Recording]) -> LabelSet:
        """The labels that occur in ``recordings``, sorted (for a folder-per-class tree).

        Parameters
        ----------
        name : str
            Name of the new set.
        recordings : iterable of Recording
            Where the labels come from.

        Returns
        -------
        LabelSet
        """
        return cls(name, tuple(sorted({r.label for r in recordings})))


@dataclass(frozen=True)
class LabelMapping:
    """Every class of ``source`` becomes one class of ``target`` (renamed or merged) or ``None`` (dropped).

    Parameters
    ----------
    source, target : LabelSet
        The classes before and after.
    table : mapping or tuple of (str, str or None)
        Source class -> target class or None; must cover every source class once.
    """

    source: LabelSet
    target: LabelSet
    table: tuple[tuple[str, str | None], ...]

    def __post_init__(self) -> None:
        table = tuple(self.table.items()) if isinstance(self.table, Mapping) else tuple(self.table)
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "_lookup", dict(table))
        keys = [k for k, _ in table]
        if sorted(keys) != sorted(self.source.names):
            missing = sorted(set(self.source.names) - set(keys))
            extra = sorted(set(keys) - set(self.source.names))
            raise ValueError(f"mapping {self.source.name}->{self.target.name} must cover each source class "
                             f"once (missing {missing}, unknown {extra})")
        for _, value in table:
            if value is not None:
                self.target.index(value)

    @property
    def name(self) -> str:
        """``"source->target"``, for messages and reports."""
        return f"{self.source.name}->{self.target.name}"

    def __call__(self, label: str) -> str | None:
        """The target class of ``label``, or ``None`` when the mapping drops it."""
        self.source.index(label)
        return self._lookup[label]

    @property
    def dropped(self) -> tuple[str, ...]:
        """The source classes the mapping leaves out."""
        return tuple(k for k, v in self.table if v is None)

    @property
    def merged(self) -> dict[str, tuple[str, ...]]:
        """Target classes made of several source classes (e.g. Slow Waltz <- Waltz + Slowwaltz)."""
        groups: dict[str, list[str]] = {}
        for key, value in self.table:
            if value is not None:
                groups.setdefault(value, []).append(key)
        return {k: tuple(v) for k, v in groups.items() if len(v) > 1}

    def apply(self, recordings: Iterable[Recording]) -> list[Recording]:
        """Relabelled recordings, the dropped classes left out; ``meta['source_label']`` keeps the old label.

        Parameters
        ----------
        recordings : iterable of Recording
            Recordings labelled with ``source`` names.

        Returns
        -------
        list of Recording
        """
        out = []
        for rec in recordings:
            label = self(rec.label)
            if label is not None:
                out.append(replace(rec, label=label, meta={**rec.meta, "source_label": rec.label}))
        return out


GTZAN_GENRES = LabelSet("gtzan", ("blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop",
                                  "reggae", "rock"))

#: The ten International-Style dances of paper 1 (Dance-CNN), the classes of dancekit's dance models.
DANCE_CNN = LabelSet("dance-cnn", DANCE_NAMES)

#: The folders of ISMIR 2004 Ballroom (``BallroomData/<Dance>/``): three Rumba folders, 698 tracks.
BALLROOM_FOLDERS = LabelSet("ballroom-folders", ("ChaChaCha", "Jive", "Quickstep", "Rumba-American",
                                                 "Rumba-International", "Rumba-Misc", "Samba", "Tango",
                                                 "VienneseWaltz", "Waltz"))
#: The 8 Ballroom classes every paper uses (paper 2 Table 2: Rumba = the three Rumba folders, 98 tracks).
BALLROOM = LabelSet("ballroom", ("ChaChaCha", "Jive", "Quickstep", "Rumba", "Samba", "Tango", "VienneseWaltz",
                                 "Waltz"))
BALLROOM_FOLDERS_TO_BALLROOM = LabelMapping(BALLROOM_FOLDERS, BALLROOM, {
    **{name: name for name in BALLROOM.names if name != "Rumba"},
    "Rumba-American": "Rumba", "Rumba-International": "Rumba", "Rumba-Misc": "Rumba",
})
#: Ballroom in the dance model's names (its Waltz is the slow waltz); no Foxtrot or Paso Doble there.
BALLROOM_TO_DANCE_CNN = LabelMapping(BALLROOM, DANCE_CNN, {
    "ChaChaCha": "Cha Cha Cha", "Jive": "Jive", "Quickstep": "Quickstep", "Rumba": "Rumba", "Samba": "Samba",
    "Tango": "Tango", "VienneseWaltz": "Viennese Waltz", "Waltz": "Slow Waltz",
})

#: The 13 genres of Extended Ballroom v1.1 (the XML's element names and the audio folder names).
EXTENDED_BALLROOM = LabelSet("extended-ballroom", ("Chacha", "Foxtrot", "Jive", "Pasodoble", "Quickstep", "Rumba",
                                                   "Salsa", "Samba", "Slowwaltz", "Tango", "Viennesewaltz",
                                                   "Waltz", "Wcswing"))
#: Paper 1's "modified Extended Ballroom" (Table I, 4110 tracks): Waltz + Slowwaltz -> Slow Waltz,
#: Salsa and West Coast Swing dropped.
EXTENDED_BALLROOM_TO_DANCE_CNN = LabelMapping(EXTENDED_BALLROOM, DANCE_CNN, {
    "Chacha": "Cha Cha Cha", "Foxtrot": "Slow Foxtrot", "Jive": "Jive", "Pasodoble": "Paso Doble",
    "Quickstep": "Quickstep", "Rumba": "Rumba", "Salsa": None, "Samba": "Samba", "Slowwaltz": "Slow Waltz",
    "Tango": "Tango", "Viennesewaltz": "Viennese Waltz", "Waltz": "Slow Waltz", "Wcswing": None,
})

LABEL_SETS = {s.name: s for s in (GTZAN_GENRES, DANCE_CNN, BALLROOM_FOLDERS, BALLROOM, EXTENDED_BALLROOM)}
MAPPINGS = {m.name: m for m in (BALLROOM_FOLDERS_TO_BALLROOM, BALLROOM_TO_DANCE_CNN, EXTENDED_BALLROOM_TO_DANCE_CNN)}


def label_set(name: str) -> LabelSet:
    """A built-in label set by name (``gtzan``, ``dance-cnn``, ``ballroom``, ``extended-ballroom``, ...).

    Parameters
    ----------
    name : str
        A key of ``LABEL_SETS``.

    Returns
    -------
    LabelSet
    """
    try:
        return LABEL_SETS[name]
    except KeyError:
        raise UnknownLabelError(f"unknown label set {name!r} (known: {', '.join(LABEL_SETS)})") from None
