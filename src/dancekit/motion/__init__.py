"""Dance motion: clips of joint positions, skeletons and rotations, BVH, motion beats, rendering.

The names are declared once, in ``__init__.pyi``, and load on first use (``lazy_loader``): the
command line's parsers import this package's ``cli`` module, which must not pull in numpy or scipy.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
