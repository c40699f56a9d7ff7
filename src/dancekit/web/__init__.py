"""The web app: ``dancekit serve`` runs a page and an API over the library (FastAPI + uvicorn).

>>> from dancekit.web import WebSettings, create_app
>>> app = create_app(WebSettings(model="ballroom", max_upload_mb=50))   # doctest: +SKIP

The names are declared once, in ``__init__.pyi``, and load on first use (``lazy_loader``):
importing the package (e.g. for the CLI's --help) must not pull in FastAPI or torch.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach_stub(__name__, __file__)
