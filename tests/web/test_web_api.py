"""REST API with FastAPI's TestClient: the CLI's JSON, every limit, errors as one line."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading

import pytest
from conftest import wav_bytes
from fastapi.testclient import TestClient

from dancekit.data.labels import GTZAN_GENRES
from dancekit.errors import ModelError
from dancekit.web.schemas import ErrorRecord, IdentifyRecord
from dancekit.web.settings import WebSettingsError


def post(client, data: bytes, name: str = "waltz.wav", path: str = "/api/identify", **params):
    return client.post(path, files={"file": (name, data, "application/octet-stream")}, params=params)


def assert_error(response, status: int, pattern: str):
    assert response.status_code == status, response.text
    body = response.json()
    ErrorRecord.model_validate(body)
    assert re.search(pattern, body["error"]), body["error"]
    assert "\n" not in body["error"]
    return body


# -- happy paths ---------------------------------------------------------------------------
def test_identify_returns_the_cli_json(client, toy_model, tmp_path, capsys):
    from dancekit.cli import main

    data = wav_bytes(0, 12.0, seed=5)
    response = post(client, data)
    assert response.status_code == 200
    body = response.json()
    IdentifyRecord.model_validate(body)  # the documented schema, no extra keys
    assert body["file"] == "waltz.wav" and body["status"] == "ok"
    assert body["label"] == "Toy Waltz" and body["sure"] is True
    assert len(body["segments"]["start_s"]) == 2 and body["tempo"]["beats_per_bar"] in (3, 4)

    path = tmp_path / "waltz.wav"
    path.write_bytes(data)
    assert main(["identify", "--json", "--model", str(toy_model.path), str(path)]) == 0
    cli = json.loads(capsys.readouterr().out)[0]
    assert cli.pop("file") == str(path)
    body.pop("file")
    assert body == cli


def test_identify_options(client):
    data = wav_bytes(1, 12.0, seed=3)
    one = post(client, data, top=1).json()
    assert [t["label"] for t in one["top"]] == ["Toy Jive"]
    no_tempo = post(client, data, tempo="false").json()
    assert no_tempo["tempo"] is None and no_tempo["probabilities"] == no_tempo["network_probabilities"]
    network_only = post(client, data, tempo_prior="false").json()
    assert network_only["tempo"] is not None
    assert network_only["probabilities"] == network_only["network_probabilities"]
    assert_error(post(client, data, top=0), 422, "top")


def test_uncertain_recording_is_reported_as_not_sure(client):
    import io

    import numpy as np
    import soundfile as sf
    from toy_audio import toy_recording

    # first segment waltz, second jive: the mean cannot be sure of either
    y = np.concatenate([toy_recording(0, 5.0, 1), toy_recording(1, 7.0, 2)])
    buf = io.BytesIO()
    sf.write(buf, y, 22050, format="WAV")
    body = post(client, buf.getvalue(), name="medley.wav").json()
    assert body["status"] == "ok" and body["sure"] is False and 0.4 < body["confidence"] < 0.6


def test_silence_and_short_recordings(client):
    import io

    import numpy as np
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.zeros(22050 * 7, dtype=np.float32), 22050, format="WAV")
    silent = post(client, buf.getvalue(), name="silence.wav").json()
    assert silent["status"] == "no_music" and silent["label"] is None and silent["top"] == []
    short = post(client, wav_bytes(0, 3.0), name="short.wav").json()
    assert short["status"] == "short" and short["warnings"]


def test_client_file_names_are_labels_only(client):
    body = post(client, wav_bytes(0, 7.0), name="../../etc/passwd").json()
    assert body["file"] == "passwd" and body["status"] == "ok"  # decoded from the bytes sent, nothing else
    body = post(client, wav_bytes(0, 7.0), name="C:\\music\\waltz.wav").json()
    assert body["file"] == "waltz.wav"


def test_display_name():
    from dancekit.web.uploads import display_name

    assert display_name("a/b\\c\x00d\x1b.mp3") == "cd.mp3"
    assert display_name("") == display_name(None) == display_name("dir/") == "<upload>"
    assert len(display_name("x" * 1000)) == 200


def test_upload_temporary_files_are_closed_and_gone(make_app, monkeypatch, tmp_path):
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    app = make_app()
    seen = []
    real = app.state.engine.identify
    monkeypatch.setattr(app.state.engine, "identify", lambda source, *a, **k: seen.append(source) or real(source, *a, **k))
    with TestClient(app) as client:
        big = wav_bytes(0, 40.0)  # 1.7 MB: past the parser's 1 MB in-memory spool
        assert post(client, big).status_code == 200
        assert post(client, b"not audio at all" * 100000, name="x.txt").status_code == 415
    assert len(seen) == 2 and all(s._file.closed for s in seen)
    assert list(spool_dir.iterdir()) == []


def test_models_config_and_health(client):
    models = client.get("/api/models").json()
    assert models["dance"]["name"] == "toy" and models["dance"]["classes"] == ["Toy Waltz", "Toy Jive"]
    assert models["genre"] is None
    from dancekit.models import builtin_models

    assert [card["name"] for card in models["builtin"]] == list(builtin_models())
    config = client.get("/api/config").json()
    assert config["model"]["sample_rate"] == 22050 and abs(config["model"]["segment_s"] - 5.2) < 0.01
    assert config["limits"]["max_upload_mb"] == 50 and config["live"]["path"] == "/api/live"
    assert config["colours"]["Toy Waltz"] == "#1f77b4"  # tab10, as in `identify --plot`
    assert config["competition"]["Slow Waltz"]["bars_per_minute"] == [28, 30]
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["model"] == "toy" and health["live_sessions"] == 0


def test_openapi_schema(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/identify", "/api/models", "/api/config", "/healthz"} <= set(paths)
    assert "/api/genre" not in paths  # no genre model on this server
    identify = paths["/api/identify"]["post"]
    body = identify["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    assert schema["components"]["schemas"][body]["required"] == ["file"]
    assert {"200", "413", "415", "422", "503"} <= set(identify["responses"])
    record = schema["components"]["schemas"]["IdentifyRecord"]["properties"]
    assert {"file", "status", "label", "confidence", "sure", "top", "probabilities", "network_probabilities",
            "duration_s", "tempo", "segments", "model", "warnings"} == set(record)
    assert client.get("/docs").status_code == 404  # Swagger UI would load scripts from a CDN


# -- limits and errors ---------------------------------------------------------------------
def test_upload_over_the_limit_is_413(make_app):
    with TestClient(make_app(max_upload_mb=0.25)) as client:
        # declared by Content-Length: refused before the body is read
        assert_error(post(client, wav_bytes(0, 12.0)), 413, r"upload too large \(5\d\d KB, limit 256 KB\)")
        # within the envelope's slack, but the file itself is over
        assert_error(post(client, b"\0" * (256 * 1024 + 100), name="a.wav"), 413,
                     r"file too large: a.wav is 256 KB \(limit 256 KB\)")

        # no Content-Length (chunked): counted as it arrives and cut off
        def chunked():
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n\r\n'
            for _ in range(20):
                yield b"\0" * 65536
            yield b"\r\n--b--\r\n"

        response = client.post("/api/identify", content=chunked(),
                               headers={"content-type": "multipart/form-data; boundary=b"})
        assert_error(response, 413, r"upload too large \(limit 256 KB\)")
        assert post(client, wav_bytes(0, 5.0)).status_code == 200  # and smaller files still pass


def test_unsupported_and_corrupt_files(client, web_media):
    assert_error(post(client, b"just some notes\n" * 50, name="notes.txt"), 415, "^not an audio file: notes.txt$")
    body = assert_error(post(client, (web_media / "silent_video.mp4").read_bytes(), name="clip.mp4"), 415,
                        "^no audio stream in clip.mp4$")
    assert body["file"] == "clip.mp4" and body["status"] == "error"
    assert_error(post(client, (web_media / "cut.m4a").read_bytes(), name="cut.m4a"), 422,
                 "^could not decode cut.m4a: ")
    assert_error(post(client, b"", name="empty.wav"), 422, "^empty file: empty.wav$")
    assert_error(client.post("/api/identify", data={"other": "1"}), 422, "no file uploaded")
    assert_error(client.post("/api/identify"), 422, "no file uploaded")


def test_full_queue_answers_503(make_app, monkeypatch):
    app = make_app(workers=1, max_queue=0)
    engine = app.state.engine
    entered, release = threading.Event(), threading.Event()
    real = engine.identify

    def slow(*args, **kwargs):
        entered.set()
        release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "identify", slow)
    results = {}
    with TestClient(app) as client:
        first = threading.Thread(target=lambda: results.setdefault("first", post(client, wav_bytes(0, 6.0))))
        first.start()
        assert entered.wait(20)
        assert client.get("/healthz").json()["jobs"] == {"workers": 1, "active": 1, "capacity": 1}
        busy = post(client, wav_bytes(0, 6.0))
        release.set()
        first.join(20)
        assert client.get("/healthz").json()["jobs"]["active"] == 0
    assert_error(busy, 503, "^server busy")
    assert busy.headers["retry-after"] == "5"
    assert results["first"].status_code == 200


def test_genre_endpoint_exists_only_with_a_genre_model(client, make_app, toy_model, tmp_path):
    assert_error(post(client, wav_bytes(0, 6.0), path="/api/genre"), 501, "no genre model")
    genre_dir = tmp_path / "genre"
    shutil.copytree(toy_model.path, genre_dir)
    card = json.loads((genre_dir / "model.json").read_text())
    card.update(task="genre", name="toy-genre")
    (genre_dir / "model.json").write_text(json.dumps(card))
    with TestClient(make_app(genre_model=str(genre_dir))) as genre_client:
        body = post(genre_client, wav_bytes(1, 12.0), path="/api/genre").json()
        IdentifyRecord.model_validate(body)
        assert body["model"]["name"] == "toy-genre" and body["label"] == "Toy Jive"
        assert "/api/genre" in genre_client.get("/openapi.json").json()["paths"]
        assert genre_client.get("/api/models").json()["genre"]["task"] == "genre"


def test_no_cors_by_default(client, make_app):
    headers = {"origin": "http://elsewhere.example"}
    assert "access-control-allow-origin" not in client.get("/api/config", headers=headers).headers
    preflight = {"origin": "http://elsewhere.example", "access-control-request-method": "POST"}
    assert "access-control-allow-origin" not in client.options("/api/identify", headers=preflight).headers
    with TestClient(make_app(cors_origins=("http://elsewhere.example",))) as cors:
        allowed = cors.get("/api/config", headers=headers).headers
        assert allowed["access-control-allow-origin"] == "http://elsewhere.example"


def test_page_and_static_files_are_local(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/app.js" in refs and "/static/style.css" in refs
    texts = [page.text]
    for ref in refs:
        if ref.startswith("/static/"):
            response = client.get(ref)
            assert response.status_code == 200, ref
            texts.append(response.text)
    for name in ("live.js", "render.js", "capture-worklet.js"):
        texts.append(client.get(f"/static/{name}").text)
    assert not any(re.search(r"https?://(?!localhost)[a-z]", text) for text in texts), "no external URL"
    for bad in ("/static/app.py", "/static/%2e%2e%2fapp.py", "/static/..%2F..%2Fsettings.py", "/static/"):
        assert client.get(bad).status_code == 404, bad


def test_bad_settings_and_models_fail_at_creation(toy_model):
    from dancekit.web import WebSettings, create_app

    with pytest.raises(WebSettingsError, match="max upload size"):
        WebSettings(max_upload_mb=0)
    with pytest.raises(WebSettingsError, match="workers"):
        WebSettings(workers=0)
    with pytest.raises(ModelError, match="no model named or found"):
        create_app(WebSettings(model="/nonexistent/model", warm_up=False))


def test_the_builtin_genre_model_is_served_by_default(make_app):
    from dancekit.models.files import builtin_models

    if "genre" not in builtin_models():
        pytest.skip("no built-in genre model in this checkout")
    with TestClient(make_app(genre_model=None)) as genre_client:
        body = post(genre_client, wav_bytes(1, 12.0), path="/api/genre").json()
        assert body["model"]["name"] == "genre" and body["label"] in GTZAN_GENRES
