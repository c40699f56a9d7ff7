"""Dance from video: frame extraction, frame filtering, datasets, rendered figures, video-level decisions.

The names are declared once, in ``__init__.pyi``, and load on first use (``lazy_loader``): the
command line's parsers import this package's ``cli`` module, which must not pull in numpy or scipy.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
