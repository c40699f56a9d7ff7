"""Dataclasses that go to JSON (results, settings, cards) as their plain fields."""

from __future__ import annotations

from dataclasses import asdict


class PlainFields:
    """Mixin for a dataclass whose fields are JSON-ready: :meth:`to_dict` gives them, nested ones too.

    Written once so that every settings and result record turns into a dict the same way (a class
    that needs more, such as lists of records, defines its own ``to_dict``).
    """

    def to_dict(self) -> dict:
        """The fields as a plain dict (``dataclasses.asdict``): for JSON results, checkpoints and cards.

        Returns
        -------
        dict
        """
        return asdict(self)
