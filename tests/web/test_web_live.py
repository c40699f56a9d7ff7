"""The live socket with TestClient: running results, the final result, every per-connection limit."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import soxr
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from toy_audio import toy_recording

SR = 22050


def pcm(y: np.ndarray, fmt: str = "s16le") -> bytes:
    if fmt == "s16le":
        return (np.clip(y, -1, 1) * 32767).astype("<i2").tobytes()
    return y.astype("<f4").tobytes()


def start(ws, sample_rate=SR, fmt="s16le"):
    ws.send_text(json.dumps({"type": "start", "sample_rate": sample_rate, "format": fmt}))
    return ws.receive_json()


def stream(ws, data: bytes, chunk_bytes: int, stop: bool = True) -> list[dict]:
    """Send ``data`` in chunks (then stop) and collect every message up to the final result or an error."""
    for i in range(0, len(data), chunk_bytes):
        ws.send_bytes(data[i : i + chunk_bytes])
    if stop:
        ws.send_text(json.dumps({"type": "stop"}))
    messages = []
    while True:
        message = ws.receive_json()
        messages.append(message)
        if message["type"] == "error" or message.get("final"):
            return messages


def closed_with(ws, pattern: str, code: int) -> None:
    """The server's last word: an error message matching ``pattern``, then a close with ``code``."""
    message = ws.receive_json()
    while message["type"] in ("listening", "result"):  # progress sent before the limit was reached
        message = ws.receive_json()
    assert message["type"] == "error" and pattern in message["error"], message
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == code


@pytest.fixture()
def live_client(make_app):
    """``live_client(**settings)``: a TestClient on an app with those live settings."""
    clients = []

    def make(**settings):
        client = TestClient(make_app(**settings))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_live_results_then_the_offline_answer(client, app):
    y = toy_recording(0, 12.0, 11)
    with client.websocket_connect("/api/live") as ws:
        ready = start(ws, fmt="f32le")
        assert ready["type"] == "ready" and ready["classes"] == ["Toy Waltz", "Toy Jive"]
        assert abs(ready["first_result_s"] - 5.2) < 0.01
        messages = stream(ws, pcm(y, "f32le"), chunk_bytes=SR // 4 * 4)  # 0.25 s chunks
    listening = [m for m in messages if m["type"] == "listening"]
    running = [m for m in messages if m["type"] == "result" and not m["final"]]
    final = messages[-1]
    assert listening and all(m["heard_s"] < 5.21 for m in listening)
    assert running and running[0]["heard_s"] < 5.2 + 1.0
    heard = [m["heard_s"] for m in running]
    assert max(np.diff([running[0]["heard_s"], *heard[1:], 12.0])) <= 1.0  # at least one per second of audio
    for m in running:  # the running answer is the incremental mean of the segments so far
        result = m["result"]
        mean = np.mean(result["segments"]["probabilities"], axis=0)
        assert np.allclose(mean, list(result["network_probabilities"].values()), atol=1e-4)
        assert 0 < m["processing_ms"] < 60_000
    assert final["type"] == "result" and final["final"] and final["heard_s"] == 12.0
    offline = app.state.engine.default.identify(y, sample_rate=SR, name="<live>").to_dict()
    live = final["result"]
    assert live["label"] == offline["label"] == "Toy Waltz"
    assert live["segments"]["start_s"] == offline["segments"]["start_s"]
    assert live["tempo"] == offline["tempo"]
    for key in ("probabilities", "network_probabilities"):
        assert np.allclose(list(live[key].values()), list(offline[key].values()), atol=1e-5)


def test_live_resamples_the_browser_rate(client):
    y = soxr.resample(toy_recording(1, 9.0, 4), SR, 48000)
    with client.websocket_connect("/api/live") as ws:
        assert start(ws, sample_rate=48000)["client_rate"] == 48000
        messages = stream(ws, pcm(y), chunk_bytes=48000 // 5 * 2)
    final = messages[-1]["result"]
    assert final["label"] == "Toy Jive" and abs(final["duration_s"] - 9.0) < 0.01


def test_client_leaving_mid_stream(client):
    with client.websocket_connect("/api/live") as ws:
        start(ws)
        ws.send_bytes(pcm(toy_recording(0, 3.0, 1)))
        assert client.get("/healthz").json()["live_sessions"] == 1
    deadline = time.monotonic() + 10
    while client.get("/healthz").json()["live_sessions"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get("/healthz").json()["live_sessions"] == 0
    with client.websocket_connect("/api/live") as ws:  # and the next listener is served
        start(ws)
        assert stream(ws, pcm(toy_recording(0, 6.0, 2)), SR)[-1]["final"]


@pytest.mark.parametrize("settings, send, pattern, code", [
    ({"live_max_message_bytes": 4096}, [8192], "over the limit of 4096 bytes", 1009),
    ({"live_max_bytes": 20000}, [8000, 8000, 8000], "20000 bytes per connection", 1008),
    ({"live_max_seconds": 1.0}, [SR, SR, SR], "1 s of audio per connection", 1008),
])
def test_live_size_and_duration_limits(live_client, settings, send, pattern, code):
    client = live_client(**settings)
    with client.websocket_connect("/api/live") as ws:
        start(ws)
        for n in send:
            ws.send_bytes(b"\0" * n)
        closed_with(ws, pattern, code)


def test_live_wall_clock_and_idle_limits(live_client):
    client = live_client(live_max_seconds=0.6)
    with client.websocket_connect("/api/live") as ws:
        start(ws)
        for _ in range(3):  # too little audio to reach the limit, but the clock runs
            ws.send_bytes(b"\0" * 200)
            time.sleep(0.15)
        closed_with(ws, "live limit reached: 0.6 s per connection", 1008)
    client = live_client(live_idle_timeout_s=0.3)
    with client.websocket_connect("/api/live") as ws:
        start(ws)
        closed_with(ws, "no audio for 0.3 s", 1008)


def test_live_session_count_is_bounded(live_client):
    client = live_client(live_max_sessions=1)
    with client.websocket_connect("/api/live") as first:
        start(first)
        with client.websocket_connect("/api/live") as second:
            closed_with(second, "server busy: 1 live sessions already open", 1013)
        first.send_bytes(pcm(toy_recording(0, 6.0, 3)))
        first.send_text(json.dumps({"type": "stop"}))
        while not (message := first.receive_json()).get("final"):
            assert message["type"] in ("listening", "result")


@pytest.mark.parametrize("opening, then, pattern", [
    (b"\0\0", None, "expected a JSON text message"),
    ({"type": "hello"}, None, "the first message must be"),
    ({"type": "start", "sample_rate": 1000}, None, "sample_rate must be a whole number of Hz from 8000"),
    ({"type": "start", "sample_rate": 22050.5}, None, "sample_rate must be"),
    ({"type": "start", "sample_rate": 22050, "format": "mp3"}, None, "format must be one of"),
    ({"type": "start", "sample_rate": 22050, "format": "s16le"}, b"\0\0\0", "not a whole number of 2-byte samples"),
    ({"type": "start", "sample_rate": 22050, "format": "f32le"}, np.full(8, np.nan, "<f4").tobytes(), "NaN"),
    ({"type": "start", "sample_rate": 22050}, "not json", "must be JSON"),
    ({"type": "start", "sample_rate": 22050}, {"type": "pause"}, "unknown message type 'pause'"),
    ({"type": "start", "sample_rate": 22050}, {"type": "stop"}, "no audio samples"),
])
def test_live_protocol_errors(client, opening, then, pattern):
    with client.websocket_connect("/api/live") as ws:
        if isinstance(opening, bytes):
            ws.send_bytes(opening)
        else:
            ws.send_text(json.dumps(opening))
        if then is not None:
            assert ws.receive_json()["type"] == "ready"
            if isinstance(then, bytes):
                ws.send_bytes(then)
            else:
                ws.send_text(then if isinstance(then, str) else json.dumps(then))
        closed_with(ws, pattern, 1008)
    assert client.get("/healthz").json()["live_sessions"] == 0


def test_live_refuses_other_sites(client):
    from starlette.testclient import WebSocketDenialResponse

    with pytest.raises(WebSocketDenialResponse) as refused:  # the handshake itself is refused, in JSON
        with client.websocket_connect("/api/live", headers={"origin": "http://elsewhere.example"}):
            pass
    assert refused.value.status_code == 403
    assert "http://elsewhere.example" in refused.value.json()["error"]
    with client.websocket_connect("/api/live", headers={"origin": "http://testserver"}) as ws:  # its own page
        assert start(ws)["type"] == "ready"
