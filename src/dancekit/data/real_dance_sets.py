"""The real dance recordings a model may be scored on: its unseen Tang songs and two outside waltzes.

Why one place: every benchmark that scores a dance model on real audio must leave out the songs the
model trained on (its card's split) and must add the same outside recordings, or the figures stop
being comparable.
"""

from __future__ import annotations

from pathlib import Path

from dancekit.data.tang import model_tang_sides, tang_recordings

UNSEEN_SIDES = {"val", "test"}


def real_dance_items(training: dict, root: str | Path, sides: set[str] = UNSEEN_SIDES) -> list[tuple[str, Path, str]]:
    """``(name, path, dance)`` for the Tang songs on ``sides`` of the model's split, and the two waltzes.

    Parameters
    ----------
    training : dict
        The model card's ``training`` section (its Tang split).
    root : path
        The shared data folder (``tang_dance``, ``ballroom_sample``, ``cc_music``).
    sides : set of str
        Which sides of the split to take (default: the songs the model never trained on).

    Returns
    -------
    list of (str, Path, str)
    """
    root = Path(root)
    recs = tang_recordings(root / "tang_dance")
    side = model_tang_sides(training, recs)
    items = [(f"tang/{r.group}", r.path, r.label) for r in recs if side.get(r.group) in sides]
    items.append(("ballroom/Media-105901", root / "ballroom_sample" / "Waltz_Media-105901.flac", "Slow Waltz"))
    items.append(("cc_music/sweet-waltz", next((root / "cc_music").glob("*sweet-waltz*")), "Slow Waltz"))
    return items
