"""Real non-ballroom music from Debian's freely licensed game-music packages, labelled "Other".

Why: a classifier that only ever heard ballroom music (real or rendered by ``dancekit synth``) has
no real idea of what "not one of the ten dances" sounds like. Debian ships several hours of real,
freely licensed recordings (metal and rock bands, orchestral scores, electronic, ambient, folk) in
its game packages; they are a real "Other" class and real material to mix under synthetic grooves.

``debian_music.json`` (next to this module, metadata only) names every accepted package with its
Debian version, licence, authors, file count, minutes, genre and the folder + pattern where its
audio lies below the root, and every rejected candidate with the reason (NonCommercial-like terms,
tracker modules the decoder refuses, no music). ``scripts/fetch_other_music.sh DEST`` downloads and
unpacks the accepted packages into DEST without root; an installed system (root ``/``) works too,
except for the packages whose music sits in a game archive that only the fetch script unpacks.

Each track is its own split group (``<package>/<track>``, the track being its path below the
package's music folder without the suffix; a remix shares the group of its original), and
:func:`debian_music_split` puts every group on the "train" or "heldout" side by a hash of its name,
so held-out tracks stay held out whatever else is added or listed in whatever order.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from dancekit.data.errors import DatasetLayoutError
from dancekit.data.recordings import Recording, is_audio_file
from dancekit.data.splits import Fold
from dancekit.data.synth_corpus import OTHER

#: The table of accepted and rejected packages.
TABLE_PATH = Path(__file__).with_name("debian_music.json")
#: Share of tracks (by hash) on the held-out side.
HELDOUT_SHARE = 0.3


@lru_cache(maxsize=1)
def debian_music_table() -> dict:
    """The committed table: ``{"accepted": [...], "rejected": [...], ...}`` (see the module doc).

    Returns
    -------
    dict
        Parsed ``debian_music.json``; do not modify it (it is cached).
    """
    return json.loads(TABLE_PATH.read_text(encoding="utf-8"))


def _track(folder: Path, path: Path) -> str:
    return path.relative_to(folder).with_suffix("").as_posix()


def _package_recordings(root: Path, entry: dict) -> list[Recording]:
    folder = root / entry["folder"]
    if not folder.is_dir():
        return []
    package, exclude, same_as = entry["package"], entry.get("exclude") or {}, entry.get("same_as") or {}
    found = []
    for path in sorted(folder.glob(entry["pattern"])):
        track = _track(folder, path)
        if track in exclude or not is_audio_file(path):
            continue
        mix_with = tuple(p for p in (path.parent / name for name in entry.get("mix_with") or ()) if p.is_file())
        meta = {"package": package, "version": entry["version"], "licence": entry["licence"], "track": track,
                "mix_with": mix_with}
        found.append(Recording(path, OTHER, same_as.get(track, f"{package}/{track}"), meta))
    return found


def debian_music_recordings(root: str | Path, packages: Iterable[str] | None = None) -> list[Recording]:
    """Every accepted package's music found below ``root``, labelled ``"Other"``, by package then path.

    Parameters
    ----------
    root : str or Path
        The folder ``scripts/fetch_other_music.sh`` filled (``usr/share/...`` inside), or ``/`` for the
        packages installed on this system.
    packages : iterable of str, optional
        Only these accepted packages (default: all of them).

    Returns
    -------
    list of Recording
        ``group`` is ``<package>/<track>``; ``meta`` holds ``package``, ``version``, ``licence``,
        ``track`` and ``mix_with`` (stems to sum with the file for the full mix: the Frets on Fire
        songs keep their lead guitar apart).
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetLayoutError(f"Debian music root not found: {root}")
    accepted = debian_music_table()["accepted"]
    wanted = None if packages is None else set(packages)
    unknown = (wanted or set()) - {entry["package"] for entry in accepted}
    if unknown:
        raise DatasetLayoutError(f"not an accepted Debian music package: {', '.join(sorted(unknown))}")
    found = [rec for entry in accepted if wanted is None or entry["package"] in wanted
             for rec in _package_recordings(root, entry)]
    if not found:
        raise DatasetLayoutError(f"no Debian music packages under {root} (usr/share/... as unpacked by "
                                 "scripts/fetch_other_music.sh)")
    return found


def heldout_side(group: str, heldout_share: float = HELDOUT_SHARE) -> str:
    """``"heldout"`` or ``"train"`` for one track group, from the SHA-256 of its name alone.

    Parameters
    ----------
    group : str
        A recording's group (``<package>/<track>``).
    heldout_share : float
        Expected share of held-out groups, in [0, 1].

    Returns
    -------
    str
    """
    if not 0.0 <= heldout_share <= 1.0:
        raise ValueError(f"heldout_share must be in [0, 1], got {heldout_share}")
    draw = int.from_bytes(hashlib.sha256(group.encode("utf-8")).digest()[:8], "big") / 2.0 ** 64
    return "heldout" if draw < heldout_share else "train"


def debian_music_split(recordings: Iterable[Recording], heldout_share: float = HELDOUT_SHARE) -> dict[str, str]:
    """Track group -> ``"train"`` or ``"heldout"`` (about 70/30), independent of order and of other tracks.

    Parameters
    ----------
    recordings : iterable of Recording
        From :func:`debian_music_recordings`.
    heldout_share : float
        Expected share of held-out tracks.

    Returns
    -------
    dict
        Group -> side, groups sorted.
    """
    return {group: heldout_side(group, heldout_share) for group in sorted({r.group for r in recordings})}


def debian_music_fold(recordings: Sequence[Recording], heldout_share: float = HELDOUT_SHARE) -> Fold:
    """:func:`debian_music_split` as a ``Fold``: held-out tracks on the test side, no validation side.

    Parameters
    ----------
    recordings, heldout_share
        As for :func:`debian_music_split`.

    Returns
    -------
    Fold
        ``test`` holds the held-out tracks; nothing is left out.
    """
    side = debian_music_split(recordings, heldout_share)
    train = tuple(r for r in recordings if side[r.group] == "train")
    heldout = tuple(r for r in recordings if side[r.group] == "heldout")
    return Fold(train, (), heldout, name="debian music by track")
