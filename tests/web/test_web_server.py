"""The real server (uvicorn on a local port): abrupt disconnects, a busy port, the serve command."""

from __future__ import annotations

import argparse
import json
import socket
import time

import numpy as np
import pytest
from conftest import wav_bytes
from toy_audio import toy_recording

from dancekit.web.server import ServeError, bind_socket


def get_json(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_server_survives_a_client_vanishing_mid_stream(live_server):
    from websockets.sync.client import connect

    ws_url = live_server.url.replace("http", "ws") + "/api/live"
    audio = (toy_recording(0, 8.0, 9) * 32767).astype("<i2").tobytes()
    for _ in range(2):
        with connect(ws_url) as ws:
            ws.send(json.dumps({"type": "start", "sample_rate": 22050, "format": "s16le"}))
            assert json.loads(ws.recv(timeout=10))["type"] == "ready"
            for i in range(0, len(audio), 11026):
                ws.send(audio[i : i + 11026])
            ws.socket.shutdown(socket.SHUT_RDWR)  # gone without a closing handshake
    deadline = time.monotonic() + 15
    while get_json(live_server.url + "/healthz")["live_sessions"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert get_json(live_server.url + "/healthz")["live_sessions"] == 0
    import httpx2

    response = httpx2.post(live_server.url + "/api/identify", files={"file": ("w.wav", wav_bytes(0, 7.0))}, timeout=60)
    assert response.status_code == 200 and response.json()["label"] == "Toy Waltz"


def test_server_refuses_an_oversized_upload_early(live_server):
    import httpx2

    big = np.zeros(51 * 1024 * 1024, dtype=np.uint8).tobytes()
    response = httpx2.post(live_server.url + "/api/identify", files={"file": ("big.wav", big)}, timeout=60)
    assert response.status_code == 413 and "limit 50 MB" in response.json()["error"]
    assert get_json(live_server.url + "/healthz")["status"] == "ok"


def test_busy_port_is_a_one_line_error():
    taken = bind_socket("127.0.0.1", 0)
    try:
        with pytest.raises(ServeError, match=r"^cannot listen on 127.0.0.1:\d+: .*(in use|Address)"):
            bind_socket("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


def test_serve_command_line(capsys):
    from dancekit.web.cli import add_parser, cmd_serve

    parser = argparse.ArgumentParser(prog="dancekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["serve", "--port", "0", "--model", "toy", "--max-upload-mb", "10",
                              "--cors-origin", "http://a.example", "--cors-origin", "http://b.example"])
    assert args.func is cmd_serve and args.host == "127.0.0.1" and args.max_upload_mb == 10.0
    assert args.cors_origin == ["http://a.example", "http://b.example"]
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--max-upload-mb", "0"])
    assert "must be positive" in capsys.readouterr().err
    with pytest.raises(ServeError, match="go together"):
        cmd_serve(parser.parse_args(["serve", "--ssl-certfile", "cert.pem"]))
