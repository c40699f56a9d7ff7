"""The web app: ``dancekit serve`` runs a page and an API over the library (FastAPI + uvicorn).

>>> from dancekit.web import WebSettings, create_app
>>> app = create_app(WebSettings(model="ballroom", max_upload_mb=50))   # doctest: +SKIP
"""

__all__ = ["WebSettings", "create_app"]


def __getattr__(name):
    # Lazy: importing the package (e.g. for the CLI's --help) must not pull in FastAPI or torch.
    if name == "create_app":
        from dancekit.web.app import create_app

        return create_app
    if name == "WebSettings":
        from dancekit.web.settings import WebSettings

        return WebSettings
    raise AttributeError(name)
