"""Signals that are not music must not be given a dance, and bad samples must not reach the output."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import soundfile as sf
import torch
from toy_audio import CLASSES, SR, toy_recording

from dancekit.inference import Identifier
from dancekit.inference.recording import changes_in_time


@pytest.fixture(scope="module")
def identifier(toy_model):
    return Identifier(toy_model)


@pytest.mark.parametrize("name, signal", [
    ("dc", np.full(SR * 8, 0.5, np.float32)),
    ("5 Hz sine", np.sin(2 * np.pi * 5 * np.arange(SR * 8) / SR).astype(np.float32)),
    ("100 samples", toy_recording(1, 100 / SR, seed=3)),
    ("half a second", toy_recording(1, 0.5, seed=3)),
])
def test_signals_without_music_are_no_music(identifier, name, signal):
    result = identifier.identify(signal, sample_rate=SR)
    assert result.status == "no_music", name
    assert result.label is None and result.to_dict()["top"] == []


def test_music_with_a_dc_offset_is_still_music(identifier):
    y = toy_recording(0, 20.0, seed=21) + 0.3
    result = identifier.identify(y, sample_rate=SR)
    assert result.status == "ok" and result.label == CLASSES[0]


@pytest.mark.parametrize("bad", [np.nan, np.inf, 1e30])
def test_bad_samples_never_reach_the_json(identifier, bad):
    y = toy_recording(0, 20.0, seed=22)
    y[5000:5010] = bad
    buf = io.BytesIO()
    sf.write(buf, y, SR, format="WAV", subtype="FLOAT")
    for result in (identifier.identify(buf.getvalue()), identifier.identify(y, sample_rate=SR)):
        text = json.dumps(result.to_dict(), allow_nan=False)  # raises on NaN or Infinity
        assert result.label == CLASSES[0], text[:200]
    live = identifier.session()
    live.push(np.full(SR * 6, bad, np.float32))
    json.dumps(live.result().to_dict(), allow_nan=False)


def test_channels_first_arrays_are_identified_like_mono(identifier):
    y = toy_recording(1, 20.0, seed=23)
    stereo = np.stack([y, y])  # (2, n)
    mono = identifier.identify(y, sample_rate=SR)
    both = identifier.identify(stereo, sample_rate=SR)
    assert both.status == "ok" and both.duration_s == pytest.approx(20.0, abs=0.01)
    np.testing.assert_allclose(both.probabilities, mono.probabilities, atol=1e-5)


def test_still_segments_are_left_out(identifier):
    music = toy_recording(1, 20.0, seed=24)
    with_silence = np.concatenate([np.zeros(SR * 30, np.float32), music])
    result = identifier.identify(with_silence, sample_rate=SR)
    assert result.label == CLASSES[1]
    assert result.segment_starts_s.min() > 20.0  # the silent half minute has no segment in the timeline
    assert any("left out" in w for w in result.warnings)
    silent = identifier.identify(np.zeros(SR * 60, np.float32), sample_rate=SR)
    assert silent.status == "no_music" and len(silent.segment_starts_s) == 0


def test_changes_in_time_tells_still_from_moving_segments():
    still = torch.full((2, 8, 16), -100.0)
    still[1] += torch.arange(8.0)[:, None]  # a constant spectrum (a steady offset) is still too
    moving = torch.randn(1, 8, 16)
    assert changes_in_time(torch.cat([still, moving])).tolist() == [False, False, True]


def test_recordings_over_four_hours_are_refused_by_default(identifier, tmp_path):
    from dancekit.errors import TooLongError
    from dancekit.inference.limits import MAX_DURATION_S

    assert MAX_DURATION_S == 4 * 3600
    path = tmp_path / "set.flac"
    with sf.SoundFile(path, "w", 4000, 1, subtype="PCM_16") as f:  # 4 h 10 min of silence, a few hundred KB
        block = np.zeros(4000 * 600, np.int16)
        for _ in range(25):
            f.write(block)
    with pytest.raises(TooLongError, match="4:10:00 long"):
        identifier.identify(path)
    assert identifier.identify(path, max_duration=None).status == "no_music"
