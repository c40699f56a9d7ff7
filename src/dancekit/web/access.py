"""Who may use a running server: Host and Origin checks, the access token, per-client rate limits.

DNS rebinding: a page on ``evil.example`` can make its own name resolve to 127.0.0.1 (or to a
LAN address) and then call this server as if it were its own origin; the browser then sends
``Host: evil.example:8000`` and ``Origin: http://evil.example:8000``. So every request's
``Host``, and its ``Origin`` when a browser sends one, must name this server:

- ``localhost``, ``127.0.0.1`` or ``[::1]`` on the served port;
- the IP address the connection arrived on, on the served port (the machine's own interface
  address: an address typed into the browser cannot be rebound, only a name can), so a phone
  can open ``http://192.168.1.20:8000/`` of a server on ``--host 0.0.0.0``;
- a name given to ``dancekit serve`` with ``--host NAME`` or ``--allowed-host NAME[:PORT]``
  (``WebSettings.allowed_hosts``; ``*`` turns both checks off).

An ``Origin`` may also be one of the CORS origins. With a token set, everything but the page,
its static files and ``/healthz`` needs it, as ``Authorization: Bearer TOKEN`` or as the
query parameter ``token`` (which is how the page and the live socket pass it on).

Refusals are the JSON error record: 400 (no or malformed ``Host``), 421 (a host this server
does not answer to), 403 (another site's origin), 401 (no or a wrong token), 429 (over a
rate limit, with ``Retry-After``). A refused WebSocket gets the same answer as its handshake
response (the ASGI denial-response extension), or a 1008 close where a server lacks it.
"""

from __future__ import annotations

import collections
import hmac
import ipaddress
import json
import math
import re
import time
from urllib.parse import parse_qs, urlsplit

from dancekit.web.errors import WebSettingsError, error_body

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Paths anyone may fetch when a token is set: the page (it reads the token from its own address)
#: and the liveness check.
OPEN_PATHS = frozenset({"/", "/healthz"})
OPEN_PREFIXES = ("/static/",)
#: Wrong or missing tokens a client may send a minute before it is refused for the rest of it.
AUTH_FAILURES_PER_MINUTE = 20
MIN_TOKEN_LENGTH = 8
DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}
_HOST = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[^\s:/\[\]@?#]+)(?::([0-9]{1,5}))?$")
_TOKEN = re.compile(r"^[\x21-\x7e]+$")


# -- parsing -----------------------------------------------------------------------------------
def split_host(text: str) -> tuple[str, int | None] | None:
    """``"Example.com:8000"`` -> ``("example.com", 8000)``; ``"[::1]"`` -> ``("::1", None)``; None if malformed.

    Parameters
    ----------
    text : str
        A Host header value, or an Origin's host and port.

    Returns
    -------
    tuple of (str, int or None), or None
    """
    match = _HOST.match(text.strip())
    if match is None:
        return None
    name, port = match.group(1).lower(), match.group(2)
    if name.startswith("["):
        name = name[1:-1]
        try:
            name = str(ipaddress.IPv6Address(name))
        except ValueError:
            return None
    name = name.rstrip(".")  # "localhost." is "localhost"
    if not name or (port is not None and not 0 < int(port) <= 65535):
        return None
    return name, None if port is None else int(port)


def parse_allowed_host(entry: str) -> tuple[str, int | None]:
    """One ``--allowed-host`` value: ``NAME``, ``NAME:PORT``, ``[IPv6]:PORT``, a bare IPv6 address, or ``*``.

    Parameters
    ----------
    entry
        the value as the user typed it.

    Returns ``(name, port)``, port None meaning the served port; raises ``WebSettingsError``.
    """
    if entry == "*":
        return "*", None
    if isinstance(entry, str):
        try:
            return str(ipaddress.IPv6Address(entry)), None  # "fe80::1" without brackets
        except ValueError:
            pass
        parsed = split_host(entry) if entry.strip() == entry else None
        if parsed is not None and parsed[0] not in ("0.0.0.0", "::"):
            return parsed
    raise WebSettingsError(f"allowed host must be a host name or address, optionally with :PORT, got {entry!r}")


def check_token(token) -> None:
    """Refuse a token that could not travel in a header and a URL as it is, or is too short to guess.

    Parameters
    ----------
    token : str
        The access token (``WebSettingsError`` when unfit).
    """
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise WebSettingsError("the access token must be printable ASCII without spaces")
    if len(token) < MIN_TOKEN_LENGTH:
        raise WebSettingsError(f"the access token must be at least {MIN_TOKEN_LENGTH} characters long")


def _ip(name: str):
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip if ip.version == 6 else ip


def _show(text: str, limit: int = 80) -> str:
    """Client-supplied text in a one-line message: no control characters, not too long."""
    text = re.sub(r"[\x00-\x1f\x7f]", "?", text)
    return text if len(text) <= limit else text[:limit] + "..."


# -- hosts and origins -------------------------------------------------------------------------
class HostPolicy:
    """The host names (and ports) requests may address on this server.

    Parameters
    ----------
    allowed_hosts : tuple of str
        ``--allowed-host`` values (see :func:`parse_allowed_host`); ``"*"`` allows any.
    """

    def __init__(self, allowed_hosts: tuple[str, ...] = ()):
        entries = [parse_allowed_host(entry) for entry in allowed_hosts]
        self.any = any(name == "*" for name, _ in entries)
        self.entries = [(name, port) for name, port in entries if name != "*"]

    def allows(self, name: str, port: int | None, server) -> bool:
        """Whether ``name[:port]`` (port None: the scheme's default) names this server.

        Parameters
        ----------
        name, port
            from ``split_host`` of a Host header, or an Origin's host and port.
        server
            the ASGI scope's ``server``: (local address, served port), or None when unknown.
        """
        if self.any:
            return True
        local_ip = _ip(str(server[0])) if server else None
        served = server[1] if server else None
        wanted: list[int | None] = []
        if name in LOCAL_NAMES or (local_ip is not None and _ip(name) == local_ip):
            wanted.append(served)
        ip = _ip(name)
        for entry, entry_port in self.entries:
            if entry == name or (ip is not None and _ip(entry) == ip):
                wanted.append(served if entry_port is None else entry_port)
        for want in wanted:
            if want is None or port == want or (port is None and want in (80, 443)):
                return True
        return False


def origin_allowed(origin: str, policy: HostPolicy, cors_origins: tuple[str, ...], server,
                   host: tuple[str, int | None] | None = None) -> bool:
    """A browser's ``Origin``: this server's own (as ``HostPolicy`` sees it) or a configured CORS origin.

    Parameters
    ----------
    origin
        the header's value, e.g. ``http://localhost:8000``.
    policy, server
        as for ``HostPolicy.allows``.
    cors_origins
        origins let in on top (``"*"``: any).
    host
        the request's own ``split_host(Host)``: with ``allowed_hosts=("*",)`` the Host is not
        checked, and the origin must then at least be the host the request was sent to.
    """
    if origin in cors_origins or "*" in cors_origins:
        return True
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        return False
    name, port = parts.hostname.rstrip("."), port or DEFAULT_PORTS[parts.scheme]
    if policy.any:
        return host is not None and host[0] == name and (host[1] or DEFAULT_PORTS[parts.scheme]) == port
    return policy.allows(name, port, server)


# -- token -------------------------------------------------------------------------------------
def token_from(scope) -> str | None:
    """The token a request carries: ``Authorization: Bearer ...`` first, else ``?token=...``.

    Parameters
    ----------
    scope : dict
        The ASGI scope.

    Returns
    -------
    str or None
    """
    for key, value in scope.get("headers", ()):
        if key == b"authorization":
            kind, _, credential = value.decode("latin-1").strip().partition(" ")
            if kind.lower() == "bearer" and credential.strip():
                return credential.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    values = query.get("token")
    return values[0] if values else None


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so response timing says nothing about how much of a guess was right.

    Parameters
    ----------
    given : str or None
        The request's token.
    expected : str
        The server's token.

    Returns
    -------
    bool
    """
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def needs_token(path: str) -> bool:
    """Whether a request to ``path`` must carry the access token (the page and health check need none).

    Parameters
    ----------
    path : str
        The request path.

    Returns
    -------
    bool
    """
    return path not in OPEN_PATHS and not path.startswith(OPEN_PREFIXES)


# -- rate limits -------------------------------------------------------------------------------
class RateLimiter:
    """At most ``limit`` events per client in any ``window_s`` seconds (a sliding window).

    Memory stays bounded: clients whose events have all expired are forgotten, and past
    ``max_clients`` the longest-known client is dropped.

    Parameters
    ----------
    limit : int
        Events allowed per window (0: no limit).
    window_s : float
        The window in seconds.
    max_clients : int
        Clients remembered at most.
    """

    def __init__(self, limit: int, window_s: float = 60.0, max_clients: int = 10_000):
        self.limit = limit
        self.window_s = window_s
        self.max_clients = max_clients
        self._events: dict[str, collections.deque] = {}

    def hit(self, client: str, now: float | None = None) -> float | None:
        """Count one event; None when allowed, else the seconds until the client may try again.

        Parameters
        ----------
        client : str
            The client's address.
        now : float, optional
            ``time.monotonic()`` now (for tests).

        Returns
        -------
        float or None
        """
        if self.limit <= 0:
            return None
        now = time.monotonic() if now is None else now
        events = self._events.get(client)
        if events is None:
            if len(self._events) >= self.max_clients:
                self._forget(now)
            events = self._events[client] = collections.deque()
        wait = self._wait(events, now)
        if wait is None:
            events.append(now)
        return wait

    def over(self, client: str, now: float | None = None) -> float | None:
        """Like ``hit`` without counting: the seconds to wait if the client is at its limit.

        Parameters
        ----------
        client, now
            As for :meth:`hit`: the address, and the monotonic clock's reading (tests pass it).

        Returns
        -------
        float or None
            Seconds to wait, or None when the client may go on.
        """
        events = self._events.get(client)
        if self.limit <= 0 or not events:
            return None
        return self._wait(events, time.monotonic() if now is None else now)

    def _wait(self, events: collections.deque, now: float) -> float | None:
        # Drop the events that left the window; the seconds until the oldest leaves it too when at the limit.
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events[0] + self.window_s - now if len(events) >= self.limit else None

    def _forget(self, now: float) -> None:
        for client in [c for c, events in self._events.items() if not events or events[-1] <= now - self.window_s]:
            del self._events[client]
        while len(self._events) >= self.max_clients:
            del self._events[next(iter(self._events))]


def client_address(scope) -> str:
    """The remote IP of a request (IPv4-mapped IPv6 as IPv4), the key of the per-client limits.

    Parameters
    ----------
    scope : dict
        The request's ASGI scope; its ``client`` entry is read.

    Returns
    -------
    str
        The address, or ``"unknown"``.
    """
    client = scope.get("client")
    if not client:
        return "unknown"
    ip = _ip(str(client[0]))
    return str(ip) if ip is not None else str(client[0])


# -- the middleware ----------------------------------------------------------------------------
class AccessGuard:
    """ASGI middleware: Host, Origin, token and upload rate checks before anything else runs.

    Parameters
    ----------
    app
        the ASGI app it guards.
    settings
        ``WebSettings``: ``allowed_hosts``, ``cors_origins``, ``token``, ``uploads_per_minute``.
    upload_paths
        the POST paths whose requests count against ``uploads_per_minute``.
    """

    def __init__(self, app, settings, upload_paths: tuple[str, ...] = ()):
        self.app = app
        self.hosts = HostPolicy(settings.allowed_hosts)
        self.cors_origins = tuple(settings.cors_origins)
        self.token = settings.token
        self.upload_paths = upload_paths
        self.uploads = RateLimiter(settings.uploads_per_minute)
        self.auth_failures = RateLimiter(AUTH_FAILURES_PER_MINUTE)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        refusal = self.check(scope)
        if refusal is None:
            return await self.app(scope, receive, send)
        status, message, headers = refusal
        await refuse(scope, receive, send, status, message, headers)

    def check(self, scope) -> tuple[int, str, dict[str, str]] | None:
        """None when the request may go on, else (status, one-line message, extra headers).

        Parameters
        ----------
        scope : dict
            The ASGI scope of an HTTP request or WebSocket handshake.

        Returns
        -------
        tuple of (int, str, dict) or None
        """
        headers: dict[str, list[str]] = {"host": [], "origin": []}
        for key, value in scope.get("headers", ()):
            if key in (b"host", b"origin"):
                headers[key.decode()].append(value.decode("latin-1"))
        if len(headers["host"]) > 1 or len(headers["origin"]) > 1:
            return 400, "more than one Host or Origin header", {}
        server = scope.get("server")
        host = headers["host"][0] if headers["host"] else None
        if host is None:
            return 400, "missing Host header", {}
        parsed = split_host(host)
        if parsed is None:
            return 400, f"malformed Host header {_show(host)!r}", {}
        if not self.hosts.allows(*parsed, server):
            return 421, (f"this server does not answer to the host {_show(host)!r} (protection against DNS "
                         "rebinding; start it with --allowed-host NAME to allow a name)"), {}
        origin = headers["origin"][0] if headers["origin"] else None
        if origin is not None and not origin_allowed(origin, self.hosts, self.cors_origins, server, parsed):
            return 403, f"requests from pages on {_show(origin)!r} are not allowed (only from this server's own page)", {}
        client = client_address(scope)
        if self.token is not None and needs_token(scope["path"]):
            wait = self.auth_failures.over(client)
            if wait is not None:
                return 429, f"too many attempts without the right access token; try again in {_seconds(wait)} s", {
                    "Retry-After": str(_seconds(wait))}
            given = token_from(scope)
            if not token_matches(given, self.token):
                self.auth_failures.hit(client)
                what = "access token required" if given is None else "wrong access token"
                return 401, (f"{what}: send 'Authorization: Bearer TOKEN' or open the page as "
                             "/?token=TOKEN"), {"WWW-Authenticate": "Bearer"}
        if scope["type"] == "http" and scope.get("method") == "POST" and scope["path"] in self.upload_paths:
            wait = self.uploads.hit(client)
            if wait is not None:
                return 429, (f"too many uploads from {client}: the limit is {self.uploads.limit} a minute; "
                             f"try again in {_seconds(wait)} s"), {"Retry-After": str(_seconds(wait))}
        return None


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


async def refuse(scope, receive, send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    """Answer with the JSON error record; for a WebSocket, as its handshake response.

    Parameters
    ----------
    scope, receive, send
        The ASGI call.
    status : int
        HTTP status.
    message : str
        The one-line error.
    headers : dict, optional
        Extra response headers (e.g. ``Retry-After``).
    """
    body = json.dumps(error_body(message)).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # websocket.connect
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": status, "headers": raw})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": close_reason(message)})


def close_reason(text: str) -> str:
    """``text`` cut to what a WebSocket close frame can carry (123 bytes of UTF-8).

    Parameters
    ----------
    text : str
        The reason.

    Returns
    -------
    str
    """
    return text.encode("utf-8")[:123].decode("utf-8", "ignore")
