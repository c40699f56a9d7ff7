"""The page's files, read into memory once: a request names an entry, never a path.

Everything the page needs ships in ``dancekit/web/static`` (no CDN, works offline); the
content-security policy keeps it that way by letting the page load nothing from elsewhere.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
         ".ico": "image/x-icon", ".json": "application/json"}
#: Scripts, styles, images, the socket and worklets only from this server.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; worker-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")


def load_assets(folder: Path = STATIC_DIR) -> dict[str, tuple[bytes, str]]:
    """File name -> (content, media type) for every file of a known type in ``folder``.

    Parameters
    ----------
    folder : Path
        The static files.

    Returns
    -------
    dict
    """
    return {p.name: (p.read_bytes(), TYPES[p.suffix]) for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix in TYPES}
