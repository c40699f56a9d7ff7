"""Hostile and careless clients: malformed live messages, DNS rebinding, tokens, rate limits, bad ports.

Each test here pins one defect an outside tester found (or one of its neighbours), so it
fails on the code before the fix: a 1011 for a malformed start message, a rebinding Host
let in, a port wrapped around, plain-text errors from the server stack, no token, no limit.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import socket
import time

import pytest
from conftest import RunningServer, wav_bytes
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from dancekit.web.errors import LiveProtocolError
from dancekit.web.settings import WebSettingsError

START = {"type": "start", "sample_rate": 22050, "format": "s16le"}
TOKEN = "s3cret-token-for-tests"


def last_words(ws) -> tuple[dict, int]:
    """The error message the server sends before it closes, and the close code."""
    message = ws.receive_json()
    while message["type"] in ("ready", "listening", "result"):
        message = ws.receive_json()
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    return message, closed.value.code


def assert_json_error(response, status: int, pattern: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == "error" and pattern in body["error"] and "\n" not in body["error"], body
    return body


def raw_http(port: int, request: bytes) -> tuple[int, dict, bytes]:
    """Send bytes as they are (no client library would send these) and parse the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


# -- 1. the live protocol: malformed messages are protocol errors (1008), never 1011 ---------------
@pytest.mark.parametrize("text, pattern", [
    (json.dumps({**START, "format": {}}), "format must be one of"),
    (json.dumps({**START, "format": ["x"]}), "format must be one of"),
    (json.dumps({**START, "format": None}), "format must be one of"),
    ("[" * 100_000 + "]" * 100_000, "at most 4096 bytes"),  # too long to be a control message
    ('{"type": "start", "x": ' + "[" * 2000 + "]" * 2000 + "}", "must be JSON objects"),  # RecursionError
    (json.dumps({**START, "sample_rate": True}), "sample_rate must be a whole number"),
    ('{"type": "start", "sample_rate": NaN, "format": "s16le"}', "got NaN"),
    ('{"type": "start", "sample_rate": Infinity, "format": "s16le"}', "got Infinity"),
    ('{"type": "start", "sample_rate": 1e400, "format": "s16le"}', "sample_rate must be"),
    (json.dumps({**START, "sample_rate": 10**30}), "sample_rate must be"),
    (json.dumps({**START, "sample_rate": -44100}), "sample_rate must be"),
    (json.dumps({**START, "sample_rate": "22050"}), "sample_rate must be"),
    ('{"type": "start", "sample_rate": ' + "9" * 4000 + "}", "sample_rate must be"),  # a 4000-digit number
    (json.dumps({"type": "start", "format": "s16le"}), "needs a sample_rate"),
    (json.dumps({**START, "channels": 2}), "unknown field 'channels'"),
    (json.dumps({"type": ["start"]}), 'with a "type" string'),
    (json.dumps([START]), "must be JSON objects"),
    ("\ud800", "must be JSON objects"),
], ids=["format-dict", "format-list", "format-null", "nested-100000", "nested-2000", "rate-bool", "rate-nan",
        "rate-inf", "rate-1e400", "rate-huge", "rate-negative", "rate-string", "rate-4000-digits", "rate-missing",
        "extra-field", "type-list", "array", "lone-surrogate"])
def test_malformed_start_messages_are_protocol_errors(client, text, pattern):
    with client.websocket_connect("/api/live") as ws:
        ws.send_text(text)
        message, code = last_words(ws)
    assert code == 1008 and message["type"] == "error" and pattern in message["error"], message
    assert "\n" not in message["error"] and len(message["error"]) < 300
    assert client.get("/healthz").json()["live_sessions"] == 0


@pytest.mark.parametrize("text, pattern", [
    (json.dumps({"type": "stop", "now": True}), "unknown field 'now' in a stop message"),
    (json.dumps({"type": 7}), 'with a "type" string'),
    (json.dumps(START), "unknown message type 'start'"),
    ("[" * 2000 + "]" * 2000, "must be JSON objects"),
], ids=["extra-field", "type-number", "second-start", "deep-nesting"])
def test_malformed_messages_while_streaming(client, text, pattern):
    with client.websocket_connect("/api/live") as ws:
        ws.send_text(json.dumps(START))
        assert ws.receive_json()["type"] == "ready"
        ws.send_bytes(b"\0" * 4410)
        ws.send_text(text)
        message, code = last_words(ws)
    assert code == 1008 and pattern in message["error"], message


def random_json(rng: random.Random, depth: int = 0):
    """Any JSON value, nested a little, with the numbers and strings a fuzzer likes."""
    kinds = ["null", "bool", "int", "float", "str"] + (["list", "dict"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, -1, 1, 8000, 22050, 48000, 192000, 192001, 2**31, -(2**63), 10**20, rng.randint(-10**6, 10**6)])
    if kind == "float":
        return rng.choice([math.nan, math.inf, -math.inf, 22050.0, 0.5, -0.0, 1e308, rng.uniform(-1e6, 1e6)])
    if kind == "str":
        return rng.choice(["", "s16le", "f32le", "start", "stop", "S16LE", "\x00", "é" * 50, "x" * 300])
    if kind == "list":
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["type", "format", "a", ""]): random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def random_message(rng: random.Random) -> str:
    fields = {"type": rng.choice(["start", "stop", random_json(rng)]),
              "sample_rate": rng.choice([22050, random_json(rng)]),
              "format": rng.choice(["s16le", random_json(rng)])}
    message = {k: v for k, v in fields.items() if rng.random() < 0.85}
    if rng.random() < 0.2:
        message[rng.choice(["extra", "type2", ""])] = random_json(rng)
    return json.dumps(message if rng.random() < 0.95 else random_json(rng))


def test_fuzzed_messages_are_answered_or_refused_in_one_line():
    from dancekit.web.live_socket import parse_start, parse_stop

    rng = random.Random(20240611)
    outcomes = set()
    for _ in range(5000):
        text = random_message(rng)
        for parse in (parse_start, parse_stop):
            try:
                parse({"type": "websocket.receive", "text": text})
                outcomes.add(parse.__name__)
            except LiveProtocolError as err:  # the only failure a client may cause
                assert "\n" not in str(err) and len(str(err)) < 300, str(err)
                outcomes.add("refused")
    assert outcomes == {"parse_start", "parse_stop", "refused"}  # the fuzzer reached every branch


def test_fuzzed_messages_over_the_socket_never_close_1011(client):
    rng = random.Random(7)
    codes = []
    for _ in range(40):
        with client.websocket_connect("/api/live") as ws:
            ws.send_text(random_message(rng))
            first = ws.receive_json()
            if first["type"] == "ready":  # a valid start: then a random second message
                ws.send_text(random_message(rng))
                first = ws.receive_json()
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
        codes.append(closed.value.code)
        assert first["type"] == "error" or first.get("final"), first
    assert set(codes) <= {1000, 1008}, codes
    assert client.get("/healthz").json()["live_sessions"] == 0


# -- 2. Host and Origin: DNS rebinding ------------------------------------------------------------
def test_dns_rebinding_is_refused(client):
    rebound = {"host": "evil.example:8765", "origin": "http://evil.example:8765"}  # Origin matches Host
    assert_json_error(client.get("/api/config", headers=rebound), 421, "does not answer to the host")
    assert_json_error(client.get("/", headers={"host": "evil.example"}), 421, "evil.example")
    assert_json_error(client.post("/api/identify", headers=rebound, files={"file": ("a.wav", b"x")}), 421, "host")
    with pytest.raises(WebSocketDenialResponse) as refused:
        with client.websocket_connect("/api/live", headers=rebound):
            pass
    assert refused.value.status_code == 421 and "DNS rebinding" in refused.value.json()["error"]
    assert client.get("/api/config").status_code == 200  # the server's own name still works
    two = [("origin", "http://testserver"), ("origin", "http://evil.example")]  # which one would a check read?
    assert_json_error(client.get("/api/config", headers=two), 400, "more than one Host or Origin")


def test_other_sites_origins_are_refused(client, make_app):
    foreign = {"origin": "http://elsewhere.example"}
    assert_json_error(client.post("/api/identify", headers=foreign, files={"file": ("a.wav", b"x")}), 403,
                      "http://elsewhere.example")
    for origin in ("null", "http://testserver.evil.example", "http://testserver:81", "file://", "http://a b"):
        assert client.get("/api/config", headers={"origin": origin}).status_code == 403, origin
    assert client.get("/api/config", headers={"origin": "http://testserver"}).status_code == 200
    with TestClient(make_app(cors_origins=("http://elsewhere.example",))) as cors:
        assert cors.get("/api/config", headers=foreign).status_code == 200  # an explicit CORS origin


def test_host_policy():
    from dancekit.web.access import HostPolicy, origin_allowed, split_host

    assert split_host("LocalHost.:8000") == ("localhost", 8000)
    assert split_host("[::1]:8000") == ("::1", 8000) and split_host("[0:0::1]") == ("::1", None)
    for bad in ("", "a b", "x:port", "x:70000", "[zz]:80", "a@b", "a/b", ":80", "host:0"):
        assert split_host(bad) is None, bad
    served = ("127.0.0.1", 8000)
    plain = HostPolicy()
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
        assert plain.allows(*split_host(host), served), host
    for host in ("localhost:8001", "localhost", "evil.example:8000", "127.0.0.2:8000", "192.168.1.20:8000"):
        assert not plain.allows(*split_host(host), served), host
    lan = ("192.168.1.20", 8000)  # --host 0.0.0.0: the address a phone's connection arrived on
    assert plain.allows("192.168.1.20", 8000, lan) and plain.allows("192.168.1.20", 8000, ("::ffff:192.168.1.20", 8000))
    assert not plain.allows("192.168.1.21", 8000, lan) and not plain.allows("mybox.local", 8000, lan)
    named = HostPolicy(("mybox.local", "proxy.example:443", "fe80::1"))
    assert named.allows("mybox.local", 8000, lan) and not named.allows("mybox.local", 9000, lan)
    assert named.allows("proxy.example", None, lan) and named.allows("proxy.example", 443, lan)
    assert named.allows("fe80::1", 8000, lan)
    assert HostPolicy(("*",)).allows("anything.example", 1, lan)
    assert origin_allowed("http://localhost:8000", plain, (), served)
    assert origin_allowed("https://192.168.1.20:8000", plain, (), lan)
    assert not origin_allowed("http://evil.example:8000", plain, (), served)
    assert not origin_allowed("http://localhost:3000", plain, (), served)  # another local page
    assert origin_allowed("http://a.example", plain, ("http://a.example",), served)
    # with the Host check off ("*"), the origin must still be the host the request was sent to
    assert origin_allowed("http://b.example:8000", HostPolicy(("*",)), (), lan, ("b.example", 8000))
    assert not origin_allowed("http://evil.example:8000", HostPolicy(("*",)), (), lan, ("b.example", 8000))
    for bad in ("", "mybox local", "0.0.0.0", "x:99999", " a", "a/b"):
        with pytest.raises(WebSettingsError, match="allowed host"):
            HostPolicy((bad,))


def test_allowed_host_setting(make_app):
    from dancekit.web import WebSettings

    with pytest.raises(WebSettingsError, match="a list of host names, got the string 'mybox.local'"):
        WebSettings(allowed_hosts="mybox.local")
    with TestClient(make_app(allowed_hosts=("mybox.local",)), base_url="http://mybox.local:8000") as named:
        assert named.get("/api/config").status_code == 200
        assert named.get("/api/config", headers={"host": "other.local:8000"}).status_code == 421
        with named.websocket_connect("ws://mybox.local:8000/api/live", headers={"origin": "http://mybox.local:8000"}) as ws:
            ws.send_text(json.dumps(START))
            assert ws.receive_json()["type"] == "ready"


def test_real_server_checks_host_and_answers_low_level_errors_in_json(live_server):
    port = live_server.port
    ok = raw_http(port, b"GET /healthz HTTP/1.1\r\nHost: localhost:%d\r\nConnection: close\r\n\r\n" % port)
    assert ok[0] == 200
    for host in (b"127.0.0.1:%d" % port, b"[::1]:%d" % port):
        assert raw_http(port, b"GET /api/config HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")[0] == 200
    cases = [
        (b"GET /healthz HTTP/1.1\r\nHost: evil.example:%d\r\nOrigin: http://evil.example:%d\r\n\r\n" % (port, port),
         421, "does not answer to the host"),
        (b"GET / HTTP/1.1\r\n\r\n", 400, "invalid HTTP request: missing mandatory Host"),
        (b"GET / HTTP/1.0\r\n\r\n", 400, "missing Host header"),
        (b"POST /api/identify HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: abc\r\n\r\n" % port, 400,
         "invalid HTTP request: bad Content-Length"),
        (b"GET /\r\n\r\n", 400, "invalid HTTP request: illegal request line"),  # HTTP/0.9
        (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nHost: evil.example:%d\r\n\r\n" % (port, port), 400,
         "found multiple Host"),  # h11 refuses it
        (b"GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" % port,
         400, "missing Sec-WebSocket-Key"),
        (b"GET /api/live HTTP/1.1\r\nHost: evil.example:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" % port, 421, "DNS rebinding"),
    ]
    for request, status, pattern in cases:
        got, headers, body = raw_http(port, request)
        assert got == status, (request, got, body)
        assert headers["content-type"] == "application/json", (request, headers)
        error = json.loads(body)["error"]
        assert pattern in error and "\n" not in error and "bytearray" not in error, error


def test_the_token_stays_out_of_the_server_log(live_server):
    import logging

    from dancekit.web.server import RedactTokens

    for name in ("uvicorn.access", "uvicorn.error"):  # make_server installed the filter
        assert any(isinstance(f, RedactTokens) for f in logging.getLogger(name).filters)
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
                               ("127.0.0.1:5000", f"/api/live?x=1&token={TOKEN}&y=2"), None)
    assert RedactTokens().filter(record)
    assert TOKEN not in record.getMessage() and "/api/live?x=1&token=***&y=2" in record.getMessage()


def test_server_on_every_interface_accepts_its_own_address_only(make_app):
    """--host 0.0.0.0: a phone opens http://<the computer's address>:PORT/; names need --allowed-host."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
        address = probe.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    finally:
        probe.close()
    if address.startswith("127."):
        pytest.skip("no network interface besides loopback")
    import httpx2

    with RunningServer(make_app(allowed_hosts=()), host="0.0.0.0") as server:
        port = server.port
        with socket.create_connection((address, port), timeout=10) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n" % (address.encode(), port))
            assert sock.recv(100).startswith(b"HTTP/1.1 200")
        other = httpx2.get(f"http://{address}:{port}/healthz", headers={"host": f"mybox.local:{port}"}, timeout=10)
        assert other.status_code == 421


# -- 3. the port -----------------------------------------------------------------------------------
@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_serve_refuses_a_port_out_of_range(capsys, port):
    from dancekit.web.cli import serve_main

    assert serve_main(["--port", port, "--model", "toy"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"error: cannot listen on 127.0.0.1:{port}: the port must be from 0 to "
                                        "65535 (0 picks a free one)"]


# -- 5. the access token ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def token_app(make_app):
    return make_app(token=TOKEN)


def test_token_is_required_for_the_api_and_the_socket(token_app, monkeypatch):
    import hmac

    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append(b) or real(a, b))
    with TestClient(token_app) as client:
        body = assert_json_error(client.get("/api/config"), 401, "access token required")
        assert "?token=" in body["error"]
        assert client.get("/api/config").headers["www-authenticate"] == "Bearer"
        assert_json_error(client.get("/api/models", headers={"authorization": "Bearer nope-nope"}), 401,
                          "wrong access token")
        assert_json_error(client.post("/api/identify", files={"file": ("a.wav", wav_bytes(0, 6.0))}), 401, "token")
        assert_json_error(client.get("/openapi.json"), 401, "token")
        assert compared and all(b == TOKEN.encode() for b in compared)  # compared in constant time
        for path in ("/healthz", "/", "/static/app.js", "/static/access.js"):  # the page fetches the token itself
            assert client.get(path).status_code == 200, path
        assert client.get("/api/config", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert client.get(f"/api/config?token={TOKEN}").status_code == 200
        upload = client.post(f"/api/identify?token={TOKEN}", files={"file": ("w.wav", wav_bytes(0, 6.0))})
        assert upload.status_code == 200 and upload.json()["label"] == "Toy Waltz"
        with pytest.raises(WebSocketDenialResponse) as refused:
            with client.websocket_connect("/api/live"):
                pass
        assert refused.value.status_code == 401 and "access token" in refused.value.json()["error"]
        with client.websocket_connect(f"/api/live?token={TOKEN}") as ws:
            ws.send_text(json.dumps(START))
            assert ws.receive_json()["type"] == "ready"


def test_guessing_the_token_is_rate_limited(make_app):
    from dancekit.web.access import AUTH_FAILURES_PER_MINUTE

    with TestClient(make_app(token=TOKEN)) as client:
        for i in range(AUTH_FAILURES_PER_MINUTE):
            assert client.get(f"/api/config?token=guess{i:04d}").status_code == 401
        response = client.get(f"/api/config?token={TOKEN}")  # even the right one, until the minute is over
        assert_json_error(response, 429, "too many attempts")
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("token, pattern", [("short", "at least 8"), ("has a space", "printable ASCII"),
                                            ("tökenökenöken", "printable ASCII"), ("", "printable ASCII")])
def test_unusable_tokens_are_refused(token, pattern):
    from dancekit.web import WebSettings

    with pytest.raises(WebSettingsError, match=pattern):
        WebSettings(token=token)
    assert TOKEN not in repr(WebSettings(token=TOKEN))  # not in logs or tracebacks


def serve_args(*argv: str) -> argparse.Namespace:
    from dancekit.web.cli import add_parser

    parser = argparse.ArgumentParser(prog="dancekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["serve", *argv])


def test_token_options_and_environment(tmp_path, capsys):
    from dancekit.web.cli import allowed_hosts, read_token
    from dancekit.web.server import ServeError

    assert read_token(serve_args(), {}) is None
    assert read_token(serve_args("--token", TOKEN), {"DANCEKIT_TOKEN": "other-token"}) == TOKEN
    assert read_token(serve_args(), {"DANCEKIT_TOKEN": f" {TOKEN}\n"}) == TOKEN
    path = tmp_path / "token.txt"
    path.write_text(TOKEN + "\n")
    assert read_token(serve_args("--token-file", str(path)), {}) == TOKEN
    with pytest.raises(ServeError, match="^cannot read the token file .*missing.txt: No such file"):
        read_token(serve_args("--token-file", str(tmp_path / "missing.txt")), {})
    (tmp_path / "empty.txt").write_text("\n")
    with pytest.raises(ServeError, match="is empty"):
        read_token(serve_args("--token-file", str(tmp_path / "empty.txt")), {})
    with pytest.raises(ServeError, match="set but empty"):
        read_token(serve_args(), {"DANCEKIT_TOKEN": ""})
    with pytest.raises(SystemExit):
        serve_args("--token", TOKEN, "--token-file", str(path))
    assert "not allowed with" in capsys.readouterr().err
    args = serve_args("--host", "mybox.local", "--allowed-host", "a.example", "--allowed-host", "b.example:443",
                      "--uploads-per-minute", "5", "--live-sessions-per-client", "0")
    assert allowed_hosts(args) == ("a.example", "b.example:443", "mybox.local")
    assert allowed_hosts(serve_args("--host", "0.0.0.0")) == ()
    assert args.uploads_per_minute == 5 and args.live_sessions_per_client == 0
    with pytest.raises(SystemExit):
        serve_args("--uploads-per-minute", "-1")


def test_serve_refuses_a_short_token_in_one_line(capsys, monkeypatch):
    from dancekit.web.cli import serve_main

    monkeypatch.setenv("DANCEKIT_TOKEN", "abc")
    assert serve_main(["--port", "0", "--model", "toy"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: the access token must be at least 8 characters long"]


# -- 5. per-client rate limits ---------------------------------------------------------------------
def test_uploads_per_minute_per_client(make_app):
    app = make_app(uploads_per_minute=2)
    data = wav_bytes(0, 6.0)
    with TestClient(app) as client:
        for _ in range(2):
            assert client.post("/api/identify", files={"file": ("w.wav", data)}).status_code == 200
        busy = client.post("/api/identify", files={"file": ("w.wav", data)})
        assert_json_error(busy, 429, "too many uploads from testclient: the limit is 2 a minute")
        assert 1 <= int(busy.headers["retry-after"]) <= 60
        assert client.get("/api/config").status_code == 200  # other requests are not counted
        other = TestClient(app, client=("10.0.0.7", 5000))  # another address has its own allowance
        assert other.post("/api/identify", files={"file": ("w.wav", data)}).status_code == 200


def test_rate_limiter_window_and_memory():
    from dancekit.web.access import RateLimiter

    limiter = RateLimiter(2, window_s=60, max_clients=3)
    assert limiter.hit("a", now=0) is None and limiter.hit("a", now=10) is None
    assert limiter.hit("a", now=20) == 40  # the first hit leaves the window at t=60
    assert limiter.hit("a", now=60.5) is None  # a sliding window
    for i, client in enumerate("bcdefg"):
        limiter.hit(client, now=100 + i)
    assert len(limiter._events) <= 3
    assert RateLimiter(0).hit("a") is None  # 0: no limit


def test_live_sessions_per_client(make_app):
    app = make_app(live_sessions_per_client=1, live_max_sessions=4)
    with TestClient(app) as client:
        other = TestClient(app, client=("10.0.0.8", 5000))
        with client.websocket_connect("/api/live") as first:
            first.send_text(json.dumps(START))
            assert first.receive_json()["type"] == "ready"
            with client.websocket_connect("/api/live") as second:
                message, code = last_words(second)
            assert code == 1013 and "too many live sessions from testclient" in message["error"]
            with other.websocket_connect("/api/live") as elsewhere:
                elsewhere.send_text(json.dumps(START))
                assert elsewhere.receive_json()["type"] == "ready"
        deadline = time.monotonic() + 10
        while client.get("/healthz").json()["live_sessions"] and time.monotonic() < deadline:
            time.sleep(0.05)
        with client.websocket_connect("/api/live") as again:  # the first one closed: room again
            again.send_text(json.dumps(START))
            assert again.receive_json()["type"] == "ready"
    with pytest.raises(WebSettingsError, match="live sessions per client"):
        make_app(live_sessions_per_client=-1)
