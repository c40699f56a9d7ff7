"""Running the app with uvicorn on a socket bound first, so a busy port is a one-line error.

uvicorn answers a request that h11 cannot parse (no ``Host`` in HTTP/1.1, a bad
``Content-Length``, an HTTP/0.9 request line, headers too large) and a WebSocket handshake
that the websockets library refuses (no ``Sec-WebSocket-Key``...) itself, in plain text,
before the app sees it. ``make_server`` gives uvicorn two subclasses of its own protocols
that answer those in the JSON error record like every other error; the status stays
uvicorn's (400, or the status h11 suggests, e.g. 431).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import sys
from http import HTTPStatus

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.web.errors import error_body


class ServeError(DancekitError):
    """The server cannot start (address in use, bad certificate files, a port out of range)."""

    exit_code = EXIT_USAGE


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0 picks a free one).

    Parameters
    ----------
    host
        address or name to listen on (``0.0.0.0``: every interface).
    port
        0 to 65535; anything else is refused rather than wrapped around by the socket layer.
    """
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ServeError(f"cannot listen on {host}:{port}: the port must be from 0 to 65535 (0 picks a free one)")
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
    """A uvicorn server for ``app``; ``server.run(sockets=[sock])`` serves until stopped.

    Parameters
    ----------
    app
        the ASGI app (``create_app``'s).
    sock
        a socket from ``bind_socket``.
    ssl_certfile, ssl_keyfile
        TLS certificate and key (both or neither).
    log_level
        uvicorn's log level.
    ws_max_size
        largest WebSocket message accepted, in bytes.
    """
    host, port = sock.getsockname()[:2]
    http_protocol, ws_protocol = json_error_protocols()
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, ssl_certfile=ssl_certfile,
                            ssl_keyfile=ssl_keyfile, ws_max_size=ws_max_size, timeout_graceful_shutdown=5,
                            http=http_protocol, ws=ws_protocol,
                            # the peer address is the client: an X-Forwarded-For header from a local
                            # process must not choose its own rate-limit key
                            proxy_headers=False)
    for name in ("uvicorn.access", "uvicorn.error"):  # after Config, which configures logging
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
    return uvicorn.Server(config)


class RedactTokens(logging.Filter):
    """Hide ``?token=...`` in uvicorn's request lines: the live socket's address carries the access token."""

    PATTERN = re.compile(r"([?&]token=)[^&\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the token in a log record's arguments; keep every record.

        Parameters
        ----------
        record : logging.LogRecord
            The record.

        Returns
        -------
        bool
            Always True.
        """
        if isinstance(record.args, tuple) and any(isinstance(a, str) and "token=" in a for a in record.args):
            record.args = tuple(self.PATTERN.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


def _error_json(message: str) -> bytes:
    message = re.sub(r":?\s*(?:bytearray\()?b['\"].*", "", message)  # h11 appends the raw bytes' repr
    line = " ".join(message.split()) or "invalid request"
    return json.dumps(error_body(line[:1].lower() + line[1:300])).encode()


def json_error_protocols():
    """uvicorn's h11 and websockets protocol classes, with their own error answers in JSON."""
    class JsonH11Protocol(H11Protocol):
        """HTTP/1.1 by h11; a request it cannot parse gets the JSON error record."""

        def send_400_response(self, msg: str) -> None:
            # uvicorn calls this inside its ``except h11.RemoteProtocolError``: the error says what was wrong
            err = sys.exc_info()[1]
            detail, status = msg, 400
            if isinstance(err, h11.RemoteProtocolError):
                reason = str(err)
                detail = f"invalid HTTP request: {reason[:1].lower()}{reason[1:]}" if reason else msg
                status = err.error_status_hint if 400 <= err.error_status_hint < 500 else 400
            body = _error_json(detail)
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                       (b"connection", b"close")]
            try:
                output = self.conn.send(h11.Response(status_code=status, headers=headers,
                                                     reason=STATUS_PHRASES[status]))
                output += self.conn.send(h11.Data(data=body))
                output += self.conn.send(h11.EndOfMessage())
                self.transport.write(output)
            except h11.LocalProtocolError:  # a response had already begun: nothing more can be said
                pass
            self.transport.close()

    class JsonWebSocketProtocol(WebSocketsSansIOProtocol):
        """WebSockets by the websockets library; a handshake it refuses gets the JSON error record."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            plain = self.conn.reject  # websockets documents that its response may be changed before sending

            def reject(status, text: str):
                response = plain(status, _error_json(text or HTTPStatus(status).phrase).decode())
                del response.headers["Content-Type"]
                response.headers["Content-Type"] = "application/json"
                return response

            self.conn.reject = reject

        async def send(self, message) -> None:
            await super().send(message)
            if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
                # uvicorn 0.54 leaves the handshake "incomplete" after a denial response and logs an
                # error for every refused socket; the response has been sent, so it is complete
                self.handshake_complete = True

    return JsonH11Protocol, JsonWebSocketProtocol
