"""Uploads: bounded in size before they are read, named for messages, never a path.

The multipart parser spools a file part to an anonymous temporary file past 1 MB (unlinked
at creation, so nothing is left behind even if the process dies) and the app closes it
after the response. The client's file name is only ever a label in the JSON and in error
messages: it is cut to its last path component and never used to open anything.
"""

from __future__ import annotations

import json
import re
from typing import BinaryIO

from fastapi import HTTPException

from dancekit.web.errors import error_body

#: Room for the multipart envelope (boundaries, part headers) on top of the file itself.
ENVELOPE_BYTES = 64 * 1024
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def display_name(filename: str | None) -> str:
    """A label for an uploaded file: its last path component, printable, at most 200 characters.

    Parameters
    ----------
    filename : str or None
        The file name the client sent (it may hold a path or control characters).

    Returns
    -------
    str
    """
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _UNSAFE.sub("", name).strip()[:200]
    return name or "<upload>"


def size_text(n_bytes: float) -> str:
    """``50 MB``, ``63.2 MB``, ``48 KB``: sizes as a person reads them in a message.

    Parameters
    ----------
    n_bytes : float
        A size.

    Returns
    -------
    str
    """
    mb = n_bytes / (1024 * 1024)
    if mb >= 1:
        return f"{mb:.1f}".removesuffix(".0") + " MB"
    return f"{n_bytes / 1024:.0f} KB"


class NamedUpload:
    """A spooled upload with the client's name attached, so decoder messages name the file.

    Parameters
    ----------
    fileobj : binary file object
        The spooled upload.
    name : str
        The name messages use.
    """

    def __init__(self, fileobj: BinaryIO, name: str):
        self._file = fileobj
        self.name = name

    def __getattr__(self, attr):
        return getattr(self._file, attr)


class UploadSizeLimit:
    """ASGI middleware: 413 for an upload body over the limit, before or while it is read.

    A declared Content-Length over the limit is refused without reading a byte; a body
    without one (chunked) is counted as it arrives and cut off at the limit. The message
    names the file-size limit a person can act on.

    Parameters
    ----------
    app
        The ASGI app it wraps.
    max_file_bytes : int
        Largest file accepted.
    paths : tuple of str
        The upload routes it guards.
    """

    def __init__(self, app, max_file_bytes: int, paths: tuple[str, ...]):
        self.app = app
        self.max_file_bytes = max_file_bytes
        self.max_body_bytes = max_file_bytes + ENVELOPE_BYTES
        self.paths = paths

    def too_large(self, size: int | None = None) -> str:
        """The one-line refusal, with the size when known.

        Parameters
        ----------
        size : int, optional
            The body's size in bytes.

        Returns
        -------
        str
        """
        got = f"{size_text(size)}, " if size is not None else ""
        return f"upload too large ({got}limit {size_text(self.max_file_bytes)})"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            return await self._refuse(send, self.too_large(int(length)))
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise HTTPException(413, self.too_large())
            return message

        return await self.app(scope, counted_receive, send)

    @staticmethod
    async def _refuse(send, message: str) -> None:
        body = json.dumps(error_body(message)).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
