"""Shared fixtures: the location of the real reference data, skipped cleanly when absent."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _shared_data_root() -> Path:
    env = os.environ.get("DANCEKIT_DATA")
    return Path(env) if env else PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Root of the real reference data (``$DANCEKIT_DATA`` or ``../shared/data``)."""
    root = _shared_data_root()
    if not root.is_dir():
        pytest.skip(f"real reference data not found at {root} (set DANCEKIT_DATA)")
    return root


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Compiled networks go to a folder of this test session (children inherit it), never the user's cache."""
    before = os.environ.get("DANCEKIT_CACHE")
    os.environ["DANCEKIT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ["DANCEKIT_CACHE"])
    if before is None:
        os.environ.pop("DANCEKIT_CACHE", None)
    else:
        os.environ["DANCEKIT_CACHE"] = before


@pytest.fixture(scope="session")
def ffmpeg():
    """Run the ffmpeg CLI quietly; returns a function ``ffmpeg(out_path, *args) -> out_path``."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.skip("ffmpeg CLI not installed (apt-get install ffmpeg)")

    def run(out: Path, *args: str) -> Path:
        subprocess.run([exe, "-nostdin", "-loglevel", "error", "-y", *args, str(out)], check=True)
        return out

    return run


@pytest.fixture(scope="session")
def toy_model(tmp_path_factory):
    """A tiny dance model trained inside the test session on generated audio (two toy dances)."""
    from toy_audio import train_toy_model

    return train_toy_model(tmp_path_factory.mktemp("models") / "toy")


@pytest.fixture
def one_torch_thread():
    """One intra-op thread: small CPU batches run as fast, and far faster on a busy machine."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture()
def http_service():
    """``http_service(body) -> (base_url, hits)``: a local HTTP server that answers every GET with
    ``body`` and records each path asked for, so a test can prove that nothing was fetched."""
    import http.server
    import threading

    servers = []

    def start(body: bytes):
        hits: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", hits

    yield start
    for server in servers:
        server.shutdown()
