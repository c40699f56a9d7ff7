"""Uploads built to make the server read other files or URLs, or to hold a worker for hours."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import soundfile as sf

from conftest import wav_bytes


@pytest.fixture()
def internal_service(http_service):
    """A local HTTP service that only the server itself could reach; counts the requests it gets."""
    return http_service(wav_bytes(0, 8.0))


@pytest.mark.parametrize("name", ["x.m3u8", "x.m3u", "x.mp3"])
def test_a_playlist_upload_is_415_and_fetches_nothing(client, internal_service, tmp_path, name):
    base, hits = internal_service
    local = tmp_path / "private.wav"
    local.write_bytes(wav_bytes(1, 8.0))
    for target in (f"{base}/internal-only.mp3", str(local)):
        playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}\n#EXT-X-ENDLIST\n".encode()
        response = client.post("/api/identify", files={"file": (name, playlist)})
        assert response.status_code == 415, response.text
        assert "playlist" in response.json()["error"]
    assert hits == []


def test_sample_rate_bomb_is_415_at_once(client):
    buf = io.BytesIO()
    sf.write(buf, np.zeros(65536), 1, format="FLAC")  # 18 hours at 1 Hz in a few hundred bytes
    response = client.post("/api/identify", files={"file": ("b.flac", buf.getvalue())})
    assert response.status_code == 415
    assert "implausible sample rate 1 Hz" in response.json()["error"]


def test_a_recording_over_the_duration_limit_is_413(make_app):
    from fastapi.testclient import TestClient

    silence = io.BytesIO()
    sf.write(silence, np.zeros(22050 * 40, np.int16), 22050, format="FLAC")
    with TestClient(make_app(max_duration_s=30)) as client:
        response = client.post("/api/identify", files={"file": ("long.flac", silence.getvalue())})
        assert response.status_code == 413
        assert "limit 0:30" in response.json()["error"]
        assert client.get("/api/config").json()["limits"]["max_duration_s"] == 30


def test_nan_samples_give_finite_json(client):
    from toy_audio import toy_recording

    y = toy_recording(0, 12.0, seed=7)
    y[100:200] = np.nan
    y[300] = np.inf
    buf = io.BytesIO()
    sf.write(buf, y, 22050, format="WAV", subtype="FLOAT")
    response = client.post("/api/identify", files={"file": ("nan.wav", buf.getvalue())})
    assert response.status_code == 200
    json.loads(response.text, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))


@pytest.mark.parametrize("tag", [0x0000, 0x1234])
def test_wav_with_an_unknown_codec_is_415_not_500(client, tag):
    import struct

    data = bytearray(wav_bytes(0, 2.0))
    at = data.find(b"fmt ")
    struct.pack_into("<H", data, at + 8, tag)
    response = client.post("/api/identify", files={"file": ("odd.wav", bytes(data))})
    assert response.status_code == 415
    assert "codec" in response.json()["error"]
