"""Fixtures of the web tests: apps on the toy model, generated recordings, a real server, a browser."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

CHROMIUM = Path("/usr/bin/chromium")


def wav_bytes(label: int = 0, seconds: float = 12.0, seed: int = 5, sr: int = 22050) -> bytes:
    """A toy recording (0: 3/4 "Toy Waltz", 1: 4/4 "Toy Jive") as WAV bytes."""
    from toy_audio import toy_recording

    y = toy_recording(label, seconds, seed)
    if sr != 22050:
        import soxr

        y = soxr.resample(y, 22050, sr).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, y, sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def make_settings(toy_model, **overrides):
    from dancekit.web import WebSettings

    overrides.setdefault("genre_model", False)  # the built-in genre model is tested on its own
    overrides.setdefault("allowed_hosts", ("testserver",))  # the Host of starlette's TestClient
    # the folder, as a server is given it: its network then runs as on the command line (ONNX on a CPU)
    return WebSettings(model=toy_model.path, warm_up=False, **overrides)


@pytest.fixture(scope="session")
def make_app(toy_model):
    """``make_app(**settings)`` -> a FastAPI app on the toy model (no warm-up, to stay fast)."""
    from dancekit.web import create_app

    return lambda **overrides: create_app(make_settings(toy_model, **overrides))


@pytest.fixture(scope="session")
def app(make_app):
    return make_app()


@pytest.fixture()
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def web_media(tmp_path_factory):
    """Media that only ffmpeg makes: a video without sound and a cut-off m4a."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.skip("ffmpeg CLI not installed (apt-get install ffmpeg)")
    d = tmp_path_factory.mktemp("web_media")

    def run(out, *args):
        subprocess.run([exe, "-nostdin", "-loglevel", "error", "-y", *args, str(d / out)], check=True)
        return d / out

    run("silent_video.mp4", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=10", "-c:v", "libx264",
        "-pix_fmt", "yuv420p")
    full = run("tone.m4a", "-f", "lavfi", "-i", "sine=frequency=440:duration=3:sample_rate=44100", "-c:a", "aac")
    (d / "cut.m4a").write_bytes(full.read_bytes()[:2000])  # the index (moov) is at the end: gone
    return d


class RunningServer:
    """uvicorn serving an app on 127.0.0.1 (or ``host``) in a thread of the test process."""

    def __init__(self, app, host: str = "127.0.0.1"):
        from dancekit.web.server import bind_socket, make_server

        self.sock = bind_socket(host, 0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = make_server(app, self.sock, log_level="warning")
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def live_server(make_app):
    with RunningServer(make_app()) as server:
        yield server


def chromium_or_skip():
    """The Python playwright package and Debian's chromium, or a skip that says what is missing."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("browser tests need the Python package playwright (pip install playwright)")
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    return CHROMIUM
