"""Classify recordings: segments, aggregation, live sessions, results, timeline plots.

The names are declared once, in ``__init__.pyi``, and load on first use (``lazy_loader``): the
pipeline pulls in the front ends and torch, which segments and aggregation do not need.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
