"""Generated benchmark inputs and the timing helpers."""

import shutil

import numpy as np
import pytest

from dancekit import audio
from dancekit.evaluation.speed_inputs import tone_signal, write_test_song
from dancekit.evaluation.timing import best_of, cpu_name, min_and_median, run_times


def test_tone_signal_is_reproducible_and_clicks_normalise_it():
    y = tone_signal(1.0, 8000)
    assert y.dtype == np.float32 and len(y) == 8000 and np.array_equal(y, tone_signal(1.0, 8000))
    clicked = tone_signal(2.0, 8000, click_every_s=0.5)
    assert np.abs(clicked).max() == pytest.approx(1.0)
    assert not np.allclose(clicked[:200] / np.abs(clicked).max(), y[:200] / np.abs(y).max())


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
def test_write_test_song_makes_an_mp3_of_the_asked_length(tmp_path):
    path = write_test_song(tmp_path / "s.mp3", 2.0, f0=300, beat_s=0.4, rate=22050)
    y = audio.load(path, sr=22050)
    assert abs(len(y) / 22050 - 2.0) < 0.1 and np.abs(y).max() > 0.2


def test_timing_helpers_count_calls_and_take_the_fastest():
    calls = []
    times = run_times(lambda: calls.append(1), 3)
    assert len(times) == 3 and len(calls) == 3 and all(t >= 0 for t in times)
    assert best_of(lambda: None, 2) >= 0
    calls.clear()
    result = min_and_median(lambda: calls.append(1), 4)
    assert len(calls) == 5 and result["min_s"] <= result["median_s"]  # one warm-up call
    assert isinstance(cpu_name(), str) and cpu_name()
