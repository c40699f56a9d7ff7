"""Datasets in their public layouts, as lists of labelled recordings, with label sets and splits.

Adapters (each returns ``Recording`` objects; a wrong layout is a one-line ``DatasetLayoutError``):
``gtzan_recordings``, ``ballroom_recordings``, ``extended_ballroom_recordings``, ``tang_recordings``,
``folder_recordings``. Label sets and mappings live in ``dancekit.data.labels``; splits in
``dancekit.data.splits``; the train/test overlap check in ``dancekit.data.dedup``.

The names are declared once, in ``__init__.pyi``, and load on first use (``lazy_loader``): the
command line's parsers import this package's ``cli`` module, which must not pull in numpy or scipy.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
