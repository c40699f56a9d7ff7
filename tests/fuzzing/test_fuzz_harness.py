"""The harness itself: deterministic cases, forged bytes that really say what they claim, fair judging,
a canary that notices a fetch, and a watcher that stops hangs and blow-ups."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.request

import numpy as np
import pytest
import soundfile as sf
from fuzz_support import ci_cases

from dancekit.fuzzing import filesystem, forge, media
from dancekit.fuzzing.canary import Canary
from dancekit.fuzzing.cases import FS_ODDITIES, Case, families, generate
from dancekit.fuzzing.command import _progress, _records
from dancekit.fuzzing.outcomes import (BAD, OUTCOMES, judge_close, judge_exception, judge_exit, judge_http,
                                       judge_record, nan_in_text)
from dancekit.fuzzing.watch import Watched

DIGEST = """
import hashlib, numpy as np
from dancekit.fuzzing.cases import generate
h = hashlib.sha256()
for c in generate("ci"):
    h.update(c.id.encode())
    h.update(c.data or b"")
    if isinstance(c.array, np.ndarray) and c.array.dtype != object:
        h.update(np.ascontiguousarray(c.array).tobytes())
    h.update(repr((c.sample_rate, c.messages, c.request, c.music, c.duration_s, c.fetch)).encode())
print(h.hexdigest())
"""


def test_ci_cases_are_the_same_bytes_in_every_process():
    first = subprocess.run([sys.executable, "-c", DIGEST], capture_output=True, text=True, check=True).stdout
    second = subprocess.run([sys.executable, "-c", DIGEST], capture_output=True, text=True, check=True).stdout
    assert first == second and len(first.strip()) == 64


def test_ci_subset_covers_every_family_with_a_few_hundred_cases():
    cases = ci_cases()
    assert 250 <= len(cases) <= 450
    assert {c.family for c in cases} == set(families())
    kinds = {c.kind for c in cases}
    assert kinds == {"file", "array", "fs", "ws", "http"}


@pytest.mark.slow
def test_full_set_has_at_least_500_cases():
    assert len(generate("full")) >= 500


def test_every_file_system_oddity_can_be_made(tmp_path):
    wav = media.base_file("wav", 1.0)
    for i, name in enumerate(FS_ODDITIES):
        if name == "sparse_8gb_wav":
            continue
        path = filesystem.materialise(Case("filesystem", name, data=wav, fs=name), tmp_path / str(i))
        assert isinstance(path, str) and path
    filesystem.cleanup()


def test_forged_flac_claims_what_it_was_told():
    flac = media.base_file("flac", 1.0)
    forged = forge.flac_streaminfo(flac, total_samples=2**36 - 1)
    assert sf.info(io.BytesIO(forged)).frames == 2**36 - 1
    assert sf.info(io.BytesIO(forge.flac_streaminfo(flac, sample_rate=8))).samplerate == 8


def test_ogg_pages_round_trip_and_extend():
    ogg = media.base_file("ogg", 6.5)
    assert forge.ogg_join(forge.ogg_pages(ogg)) == ogg  # CRCs recomputed identically
    longer = forge.ogg_extend(ogg, 20)
    assert sf.info(io.BytesIO(longer)).duration > sf.info(io.BytesIO(ogg)).duration + 1.0


def test_wav_builder_writes_what_libsndfile_reads():
    pcm = (np.linspace(-0.5, 0.5, 2205) * 32767).astype("<i2").tobytes()
    info = sf.info(io.BytesIO(forge.wav(pcm, rate=11025)))
    assert (info.samplerate, info.channels, info.frames) == (11025, 1, 2205)


def test_mp3_xing_header_is_put_in_a_frame_of_its_own():
    mp3 = media.base_file("mp3", 1.0)
    forged = forge.mp3_xing(mp3, 0x7FFFFFFF)
    pos, length = forge.mp3_first_frame(forged)
    assert b"Xing" in forged[pos : pos + length] and len(forged) == len(mp3) + length


MUSIC = Case("t", "music", data=b"x", music=True, duration_s=6.5)
NOISE = Case("t", "dc", data=b"x", music=False)
PLAYLIST = Case("t", "list", data=b"x", music=False, fetch=True)


def _record(**kw):
    record = {"file": "a.wav", "status": "ok", "label": "Tango", "confidence": 0.9,
              "probabilities": {"Tango": 0.9, "Rumba": 0.1}, "duration_s": 6.5}
    record.update(kw)
    return record


def test_records_are_judged_fairly():
    assert judge_record(MUSIC, _record()).outcome == "result"
    assert judge_record(NOISE, _record()).outcome == "not_sensible"
    assert judge_record(NOISE, _record(status="no_music", label=None, confidence=None)).outcome == "result"
    assert judge_record(MUSIC, _record(confidence=float("nan"))).outcome == "nan_output"
    assert judge_record(MUSIC, _record(duration_s=0.0)).outcome == "not_sensible"
    assert judge_record(PLAYLIST, _record()).outcome == "ssrf"
    assert judge_record(MUSIC, {"status": "error", "error": "not an audio file: a.wav"}).outcome == "clean_error"
    assert judge_record(MUSIC, {"status": "error", "error": "internal error: KeyError"}).outcome == "crash"
    assert judge_record(MUSIC, _record(), "Traceback (most recent call last)").outcome == "traceback"


def test_exceptions_responses_exits_and_closes_are_judged_fairly():
    arg = Case("t", "arg", array=np.zeros(3), sample_rate=0, argument=True)
    assert judge_exception(arg, "ValueError", "bad rate", False, True).outcome == "clean_error"
    assert judge_exception(MUSIC, "ValueError", "bad rate", False, True).outcome == "crash"
    assert judge_exception(MUSIC, "DecodeError", "could not decode", True, False).outcome == "clean_error"
    assert judge_http(MUSIC, 422, json.dumps({"status": "error", "error": "empty file"}), True).outcome == "clean_error"
    assert judge_http(MUSIC, 500, json.dumps({"status": "error", "error": "internal"}), True).outcome == "crash"
    assert judge_http(MUSIC, 400, "<html>", True).outcome == "crash"
    assert judge_http(MUSIC, 200, '{"status": "ok", "duration_s": NaN}', True).outcome == "nan_output"
    assert judge_exit(-11, "", "").detail.startswith("killed by SIGSEGV")
    assert judge_exit(3, "", "error: not an audio file: x\n").outcome == "clean_error"
    assert judge_exit(1, "", "internal error: OSError: x\n").outcome == "crash"
    error = json.dumps({"type": "error", "error": "bad start"})
    assert judge_close(NOISE, 1008, "", [error]).outcome == "clean_error"
    assert judge_close(NOISE, 1011, "", [error]).outcome == "crash"
    assert judge_close(NOISE, None, "", []).outcome == "hang"
    final = json.dumps({"type": "result", "final": True, "result": _record(status="no_music", label=None)})
    assert judge_close(NOISE, 1000, "", [final]).outcome == "result"
    assert not nan_in_text('{"error": "sample rate NaN"}') and nan_in_text('{"x": -Infinity}')
    assert set(BAD) | {"result", "clean_error"} == set(OUTCOMES)


def test_canary_counts_fetches_per_token(tmp_path):
    with Canary(tmp_path) as canary:
        data = canary.render(b"#EXTM3U\n@@canary-url@@/seg.mp3\n@@canary-dir@@/canary.mp3\n", "api.path.x")
        url = data.decode().splitlines()[1]
        assert str(tmp_path.resolve()) in data.decode()
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read().startswith((b"ID3", b"\xff"))
        assert canary.hits("api.path.x") == ["GET /api.path.x/seg.mp3"]
        assert canary.hits("other") == [] and canary.unattributed({"api.path.x"}) == []


def test_watcher_stops_a_hang_and_a_memory_blow_up():
    with Watched([sys.executable, "-c", "print('hi', flush=True); import time; time.sleep(60)"]) as w:
        assert w.next_event(w.started + 30, 2**40) == ("line", "hi")
        event, _ = w.next_event(w.started + 1.0, 2**40)
        assert event == "hang"
    hog = "import time; x = bytearray(400 * 2**20); x[::4096] = b'x' * len(x[::4096]); time.sleep(60)"
    with Watched([sys.executable, "-c", hog]) as w:
        event, rss = w.next_event(w.started + 30, 200 * 2**20)
        assert event == "memory" and rss > 200 * 2**20


def test_command_line_output_and_progress_are_read():
    assert _progress("\r  0%|  | 0/3 [00:00<?]\r 33%|# | 1/3 [00:01<00:02]", 3) == 1
    assert _progress("nothing", 3) is None
    assert _records('[{"status": "ok"}, {"status": "error"}]') == [{"status": "ok"}, {"status": "error"}]
    assert _records('{"a": 1}\n{"b": 2}') == [{"a": 1}, {"b": 2}]
    assert _records("internal error") is None
