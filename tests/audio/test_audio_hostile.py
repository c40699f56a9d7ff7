"""Inputs built to hurt: playlists that name other files or URLs, sample-rate bombs, lying headers,
NaN samples, unknown codecs, odd arrays and file-system oddities. Each was a crash, a hang, a memory
blow-up or a file read on an upload's behalf before the audio layer checked for it."""

import io
import os
import socket
import struct
import threading
import tracemalloc

import numpy as np
import pytest
import soundfile as sf

from dancekit import audio
from dancekit.audio import decode
from dancekit.errors import AudioError, NotAudioError, TooLongError, UnsupportedAudioError

SR = 22050


def _tone(seconds=3.0, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


class _Named(io.BytesIO):
    """An upload as the web app hands it over: the client chose the name."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


@pytest.fixture()
def canary_mp3(tmp_path, ffmpeg):
    wav = tmp_path / "canary.wav"
    sf.write(wav, _tone(), SR)
    return ffmpeg(tmp_path / "canary.mp3", "-i", str(wav))


@pytest.fixture()
def http_hits(canary_mp3, http_service):
    """A local HTTP server that serves the canary and counts every request it gets."""
    return http_service(canary_mp3.read_bytes())


def _hls(target: str) -> bytes:
    return f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}\n#EXT-X-ENDLIST\n".encode()


@pytest.mark.parametrize("name", ["list.m3u8", "list.m3u", "list.mp3"])
def test_an_uploaded_playlist_never_fetches_what_it_names(http_hits, canary_mp3, name):
    base, hits = http_hits
    for target in (f"{base}/internal-only.mp3", str(canary_mp3), f"file://{canary_mp3}"):
        with pytest.raises(UnsupportedAudioError, match="playlist"):
            audio.load(_Named(_hls(target), name))
    assert hits == []


def test_ffconcat_script_is_refused(canary_mp3):
    script = f"ffconcat version 1.0\nfile '{canary_mp3}'\n".encode()
    with pytest.raises(AudioError):
        audio.load(_Named(script, "x.ffconcat"))


def test_a_local_playlist_path_is_read_only_when_asked(tmp_path, canary_mp3):
    playlist = tmp_path / "set.m3u8"
    playlist.write_bytes(_hls(str(canary_mp3)))
    with pytest.raises(UnsupportedAudioError, match="playlist"):
        audio.load(playlist)
    y = audio.load(playlist, playlists=True)
    assert abs(len(y) / SR - 3.0) < 0.1


def test_a_media_file_named_like_a_playlist_is_still_decoded(canary_mp3):
    y = audio.load(_Named(canary_mp3.read_bytes(), "song.m3u8"))
    assert abs(len(y) / SR - 3.0) < 0.1


@pytest.mark.parametrize("fmt, subtype, rate", [("FLAC", "PCM_16", 1), ("WAV", "FLOAT", 1), ("WAV", "FLOAT", 2),
                                                ("WAV", "PCM_16", 8), ("WAV", "PCM_16", 3999)])
def test_sample_rate_bombs_are_refused_before_decoding(fmt, subtype, rate):
    buf = io.BytesIO()
    sf.write(buf, np.zeros(65536, np.float32), rate, format=fmt, subtype=subtype)
    tracemalloc.start()
    try:
        with pytest.raises(UnsupportedAudioError, match=f"implausible sample rate {rate} Hz"):
            audio.load(buf.getvalue())
        assert tracemalloc.get_traced_memory()[1] < 50 * 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("rate", [1, True, 0, -22050, float("nan"), float("inf"), 1e9, 22050.5, "22050", None])
def test_arrays_with_implausible_rates_are_refused(rate):
    with pytest.raises(UnsupportedAudioError):
        audio.from_array(_tone(), rate, SR)


def test_plausible_rates_pass():
    assert audio.check_sample_rate(8000) == 8000
    assert audio.check_sample_rate(np.int64(44100)) == 44100
    assert audio.check_sample_rate(48000.0) == 48000


def _flac_claiming(total_samples: int) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, _tone(2.0), SR, format="FLAC")
    data = bytearray(buf.getvalue())
    # STREAMINFO starts at byte 8; total samples are the low 36 bits of bytes 21..26 (after rate/channels/bits)
    packed = int.from_bytes(data[21:26], "big")
    packed = (packed & ~((1 << 36) - 1)) | total_samples
    data[21:26] = packed.to_bytes(5, "big")
    return bytes(data)


def test_a_flac_header_claiming_years_costs_only_what_is_there():
    tracemalloc.start()
    try:
        y = audio.load(_flac_claiming(2**36 - 1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert abs(len(y) / SR - 2.0) < 0.05
    assert peak < (decode._PREALLOCATE_MAX_SECONDS * SR * 4) * 1.5  # ten minutes of float32 at most, not 256 GiB


def test_an_mp3_whose_xing_header_claims_billions_of_frames(canary_mp3):
    data = bytearray(canary_mp3.read_bytes())
    at = data.find(b"Xing")
    if at < 0:
        at = data.find(b"Info")
    assert at > 0, "ffmpeg wrote no Xing/Info header"
    flags = struct.unpack(">I", data[at + 4 : at + 8])[0]
    data[at + 4 : at + 8] = struct.pack(">I", flags | 1)
    data[at + 8 : at + 12] = struct.pack(">I", 0x7FFFFFFF)
    tracemalloc.start()
    try:
        y = audio.load(bytes(data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert abs(len(y) / SR - 3.0) < 0.2
    assert peak < 200 * 2**20


def test_max_duration_refuses_by_header_then_while_decoding(monkeypatch):
    data = io.BytesIO()
    sf.write(data, _tone(8.0), SR, format="FLAC")
    with pytest.raises(TooLongError, match=r"0:08 long \(limit 0:03\)"):
        audio.load(data.getvalue(), max_duration=3)
    # A header may lie: the decoded length is counted as well.
    monkeypatch.setattr(decode, "_check_header_duration", lambda reader, limit: None)
    with pytest.raises(TooLongError):
        audio.load(data.getvalue(), max_duration=3)
    with pytest.raises(TooLongError):
        list(audio.stream(data.getvalue(), max_duration=3, chunk_seconds=1))
    assert len(audio.load(data.getvalue(), max_duration=10)) == 8 * SR


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e30, -3e38])
def test_non_finite_and_huge_samples_are_made_finite(bad):
    y = _tone(2.0)
    y[1000] = bad
    buf = io.BytesIO()
    sf.write(buf, y, SR, format="WAV", subtype="FLOAT")
    out = audio.load(buf.getvalue())
    assert np.isfinite(out).all() and np.abs(out).max() <= audio.samples.SAMPLE_CEILING
    assert np.isfinite(audio.from_array(y.astype(np.float64), SR, SR)).all()


def _wav_with_format(tag: int, bits: int = 16) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, _tone(1.0), SR, format="WAV", subtype="PCM_16")
    data = bytearray(buf.getvalue())
    at = data.find(b"fmt ")
    struct.pack_into("<H", data, at + 8, tag)
    struct.pack_into("<H", data, at + 22, bits)
    return bytes(data)


@pytest.mark.parametrize("tag, bits", [(0x0000, 16), (0x1234, 16), (0xFFFE, 16), (1, 0), (1, 65535)])
def test_wav_with_an_unknown_format_is_a_one_line_error(tag, bits):
    with pytest.raises(AudioError) as err:
        audio.load(_wav_with_format(tag, bits))
    assert "\n" not in str(err.value)


def test_ogg_with_pages_out_of_order_is_decoded_or_refused_cleanly():
    buf = io.BytesIO()
    sf.write(buf, _tone(4.0), SR, format="OGG", subtype="VORBIS")
    data = buf.getvalue()
    starts = [i for i in range(len(data)) if data.startswith(b"OggS", i)]
    pages = [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]
    rng = np.random.default_rng(0)
    for _ in range(8):
        order = rng.permutation(len(pages))
        try:
            y = audio.load(b"".join(pages[i] for i in order))
        except AudioError:
            continue
        assert y.ndim == 1 and np.isfinite(y).all()


def test_stereo_arrays_are_mixed_along_the_channel_axis():
    left, right = _tone(1.0), np.zeros(SR, np.float32)
    frames_first = np.stack([left, right], axis=1)  # (n, 2), as soundfile returns
    channels_first = frames_first.T  # (2, n), as librosa returns
    expected = (left + right) / 2
    np.testing.assert_allclose(audio.to_mono(frames_first), expected, atol=1e-7)
    np.testing.assert_allclose(audio.to_mono(channels_first), expected, atol=1e-7)


@pytest.mark.parametrize("array, error", [
    (np.zeros((2, 3, 4)), ValueError), (np.zeros(()), ValueError), (np.zeros(0), AudioError),
    (np.zeros(10, dtype=complex), TypeError), (np.zeros(10, dtype=bool), TypeError),
    (np.array(["a", "b"], dtype=object), TypeError), (np.zeros((100, 100)), ValueError),
])
def test_arrays_that_are_not_signals_are_refused(array, error):
    with pytest.raises(error):
        audio.to_mono(array)


def test_integer_arrays_are_scaled_from_full_scale():
    np.testing.assert_allclose(audio.to_mono(np.array([0, 16384, -32768], np.int16)), [0, 0.5, -1])
    np.testing.assert_allclose(audio.to_mono(np.array([128, 192, 0], np.uint8)), [0, 0.5, -1])


def test_archives_and_pictures_are_not_audio(tmp_path, canary_mp3):
    import tarfile

    archive = tmp_path / "songs.mp3"
    with tarfile.open(archive, "w") as tar:
        tar.add(canary_mp3, arcname="canary.mp3")
    with pytest.raises(NotAudioError, match="a tar archive"):
        audio.load(archive)


def test_a_fifo_is_read_once(tmp_path):
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    buf = io.BytesIO()
    sf.write(buf, _tone(2.0), SR, format="WAV")

    def writer():
        with open(fifo, "wb") as f:
            f.write(buf.getvalue())

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    y = audio.load(fifo)
    thread.join(5)
    assert len(y) == 2 * SR


def test_sockets_and_devices_are_not_audio_files(tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(NotAudioError, match="a socket"):
            audio.load(path)
    finally:
        server.close()
    with pytest.raises(NotAudioError, match="a device"):
        audio.load("/dev/zero")


def test_a_pipe_nobody_writes_to_is_given_up(tmp_path, monkeypatch):
    import time

    from dancekit.audio import _source

    monkeypatch.setattr(_source, "PIPE_WAIT_SECONDS", 0.5)
    fifo = tmp_path / "idle.wav"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(AudioError, match="nothing wrote to the pipe"):
        audio.load(fifo)
    assert time.monotonic() - start < 5


def test_64_bit_integer_wav_is_refused_in_one_line():
    buf = io.BytesIO()
    sf.write(buf, _tone(1.0), SR, format="WAV", subtype="PCM_16")
    data = bytearray(buf.getvalue())
    at = data.find(b"fmt ")
    struct.pack_into("<HHIIHH", data, at + 8, 1, 1, SR, SR * 8, 8, 64)  # PCM, mono, 64-bit samples
    with pytest.raises(AudioError) as err:
        audio.load(bytes(data))
    assert "\n" not in str(err.value)
