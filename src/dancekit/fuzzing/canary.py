"""Catching a fetch: a tiny local HTTP server and canary recordings that no upload may reach.

Why: a playlist (HLS, M3U, ffconcat, DASH) uploaded as a "recording" can make ffmpeg open URLs or
local files on the server's behalf (server-side request forgery, or reading files the uploader
must not see). Playlist cases point at this server, with a per-run token as the first path segment,
and at canary files; any request the server logs for a token is that run's fetch, and any result
for a playlist case means a canary file was read (the canaries are 6.5 s of music, so the result
even says how long the file it read was).
"""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

from dancekit.fuzzing import media
from dancekit.fuzzing.cases import CANARY_DIR, CANARY_URL

#: Canary files written into the canary folder (and copied next to case files and server folders,
#: so relative references in playlists find one too).
CANARY_FILES = ("canary.wav", "canary.mp3", "canary.flac")
CANARY_SECONDS = 6.5


class Canary:
    """The canary server and files; a context manager (``with Canary(folder) as canary:``).

    Parameters
    ----------
    folder : path
        Where the canary recordings are written.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files = {
            "canary.wav": media.base_file("wav", CANARY_SECONDS),
            "canary.mp3": media.base_file("mp3", CANARY_SECONDS),
            "canary.flac": media.base_file("flac", CANARY_SECONDS),
        }
        for name, data in self._files.items():
            (self.folder / name).write_bytes(data)
        self._hits: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fuzz-canary", daemon=True)
        self._thread.start()

    def _handler(self):
        canary = self
        body = self._files["canary.mp3"]

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                token = self.path.lstrip("/").split("/", 1)[0]
                with canary._lock:
                    canary._hits.setdefault(token, []).append(f"{self.command} {self.path}")

            def do_GET(self):  # noqa: N802 (http.server's naming)
                self._record()
                self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_HEAD(self):  # noqa: N802
                self._record()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()

            def do_POST(self):  # noqa: N802
                self._record()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def url(self, token: str) -> str:
        """The canary URL a payload of the run ``token`` points at.

        Parameters
        ----------
        token : str
            From :func:`token`.

        Returns
        -------
        str
        """
        return f"http://127.0.0.1:{self.port}/{token}"

    def render(self, data: bytes, token: str) -> bytes:
        """``data`` with the canary placeholders filled in for the run named ``token``.

        Parameters
        ----------
        data : bytes
            A payload with placeholders.
        token : str
            The run, so a fetch can be traced back to it.

        Returns
        -------
        bytes
        """
        return (data.replace(CANARY_URL.encode(), self.url(token).encode())
                .replace(CANARY_DIR.encode(), str(self.folder).encode()))

    def copy_to(self, folder: str | Path) -> None:
        """Put the canary files in ``folder`` too (relative playlist entries resolve there).

        Parameters
        ----------
        folder : str or Path
            Where a run's input file lies.
        """
        for name in CANARY_FILES:
            target = Path(folder) / name
            if not target.exists():
                shutil.copyfile(self.folder / name, target)

    def hits(self, token: str) -> list[str]:
        """The requests made for ``token`` so far.

        Parameters
        ----------
        token : str
            The run.

        Returns
        -------
        list of str
            ``"METHOD path"`` per request.
        """
        with self._lock:
            return list(self._hits.get(token, ()))

    def unattributed(self, tokens: set[str]) -> list[str]:
        """Requests whose token belongs to no run (a fetch of a URL the harness did not write).

        Parameters
        ----------
        tokens : set of str
            Tokens of every run made.

        Returns
        -------
        list of str
        """
        with self._lock:
            return [r for t, reqs in self._hits.items() if t not in tokens for r in reqs]

    def close(self) -> None:
        """Stop the canary server."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "Canary":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def token(target: str, mode: str, case_id: str) -> str:
    """A URL-safe token naming one run of one case.

    Parameters
    ----------
    target, mode : str
        Where and how the case runs (``api``/``path``, ``web``/``upload``...).
    case_id : str
        The case's ``family/name``.

    Returns
    -------
    str
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in case_id)
    return f"{target}.{mode}.{safe}"
