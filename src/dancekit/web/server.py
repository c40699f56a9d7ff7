"""Running the app with uvicorn on a socket bound first, so a busy port is a one-line error."""

from __future__ import annotations

import socket

from dancekit.errors import DancekitError


class ServeError(DancekitError):
    """The server cannot start (address in use, bad certificate files)."""

    exit_code = 2


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0 picks a free one)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, socket.gaierror) as err:
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as err:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    return sock


def make_server(app, sock: socket.socket, *, ssl_certfile: str | None = None, ssl_keyfile: str | None = None,
                log_level: str = "info", ws_max_size: int = 16 * 1024 * 1024):
    """A uvicorn server for ``app``; ``server.run(sockets=[sock])`` serves until stopped."""
    import uvicorn

    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, ssl_certfile=ssl_certfile,
                            ssl_keyfile=ssl_keyfile, ws_max_size=ws_max_size, timeout_graceful_shutdown=5)
    return uvicorn.Server(config)
