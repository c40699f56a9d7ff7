"""dancekit: understand dance from music.

>>> import dancekit
>>> result = dancekit.identify("song.mp3")          # doctest: +SKIP
>>> result.top(2)                                    # doctest: +SKIP

The names below are declared once, in ``__init__.pyi`` (as librosa does), and load on first use
through ``lazy_loader``: ``identify`` pulls in torch, and ``import dancekit`` must stay light for the
command line's ``--help``.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
