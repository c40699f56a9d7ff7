"""The ten International-Style ballroom dances and their competition tempi.

Tempi are the WDSF/WDC competition ranges in bars per minute; beats per bar give the
meter: the waltzes in 3/4, samba and paso doble in 2/4, the others in 4/4. A beat
tracker cannot tell 2/4 from 4/4, so tempo reasoning works in beats per minute.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dance:
    """One ballroom dance: display name, style, meter and competition tempo range.

    Parameters
    ----------
    name : str
        Display name (``"Slow Waltz"``), the label models answer with.
    key : str
        Short lower-case name (``"waltz"``, ``"chacha"``), for command lines and file names.
    style : {"standard", "latin"}
        Competition style.
    beats_per_bar : int
        3 for the waltzes, 2 for samba and paso doble, 4 for the others.
    bars_per_minute : (int, int)
        Competition tempo range.
    """

    name: str
    key: str
    style: str  # "standard" or "latin"
    beats_per_bar: int
    bars_per_minute: tuple[int, int]

    @property
    def bpm_range(self) -> tuple[int, int]:
        """Competition tempo range in beats per minute."""
        lo, hi = self.bars_per_minute
        return lo * self.beats_per_bar, hi * self.beats_per_bar


#: The ten classes of paper 1 (Dance-CNN), in its (alphabetical) order.
DANCES: tuple[Dance, ...] = (
    Dance("Cha Cha Cha", "chacha", "latin", 4, (30, 32)),
    Dance("Jive", "jive", "latin", 4, (42, 44)),
    Dance("Paso Doble", "pasodoble", "latin", 2, (60, 62)),
    Dance("Quickstep", "quickstep", "standard", 4, (50, 52)),
    Dance("Rumba", "rumba", "latin", 4, (25, 27)),
    Dance("Samba", "samba", "latin", 2, (50, 52)),
    Dance("Slow Foxtrot", "foxtrot", "standard", 4, (28, 30)),
    Dance("Slow Waltz", "waltz", "standard", 3, (28, 30)),
    Dance("Tango", "tango", "standard", 4, (31, 33)),
    Dance("Viennese Waltz", "viennesewaltz", "standard", 3, (58, 60)),
)

DANCE_NAMES: tuple[str, ...] = tuple(d.name for d in DANCES)
#: The class of a model that can say "not one of the dances" (music for other dances, or none).
OTHER = "Other"

#: The order dances are danced in at a competition: the Standard five, then the Latin five.
COMPETITION_ORDER: tuple[str, ...] = ("Slow Waltz", "Tango", "Viennese Waltz", "Slow Foxtrot", "Quickstep",
                                      "Samba", "Cha Cha Cha", "Rumba", "Paso Doble", "Jive")


def dance_by_name(name: str) -> Dance:
    """Look a dance up by display name or key, case- and space-insensitively.

    Parameters
    ----------
    name : str
        ``"Cha Cha Cha"``, ``"chachacha"``, ``"cha-cha-cha"`` or the key ``"chacha"``...

    Returns
    -------
    Dance
        An unknown name is a ``KeyError`` naming it.
    """
    wanted = name.lower().replace(" ", "").replace("-", "").replace("_", "")
    for dance in DANCES:
        if wanted in (dance.key, dance.name.lower().replace(" ", "")):
            return dance
    raise KeyError(f"unknown dance: {name}")
