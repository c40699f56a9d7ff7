"""Beat and bar phase of motion frames: positions between and beyond beats, the features, the downbeat, a real song."""

import numpy as np
import pytest
import torch

from dancekit.features.step_phase import (
    PHASE_DIM,
    BeatGrid,
    beat_positions,
    downbeat_offset,
    frame_phase,
    music_grid,
    phase_features,
)


def test_positions_run_linearly_between_beats_and_extend_at_the_edge_tempo():
    beats = np.array([1.0, 1.5, 2.5, 3.0])
    position, period = beat_positions([0.5, 1.0, 1.25, 2.0, 2.5, 3.5], beats)
    np.testing.assert_allclose(position, [-1.0, 0.0, 0.5, 1.5, 2.0, 4.0])
    np.testing.assert_allclose(period, [0.5, 0.5, 0.5, 1.0, 0.5, 0.5])


def test_features_are_sin_cos_of_beat_and_bar_phase_and_log_tempo():
    f = phase_features(np.array([0.0, 0.25, 1.5, 3.0]), np.full(4, 0.5), 3, downbeat=1)
    assert f.shape == (4, PHASE_DIM) and f.dtype == torch.float32
    beat = torch.atan2(f[:, 0], f[:, 1]) / (2 * np.pi) % 1
    bar = torch.atan2(f[:, 2], f[:, 3]) / (2 * np.pi) % 1
    np.testing.assert_allclose(beat, [0, 0.25, 0.5, 0], atol=1e-6)
    # beat 1 starts the bar: beat 0 is its third beat, beat 3 its first again
    np.testing.assert_allclose(bar, [2 / 3, 2 / 3 + 0.25 / 3, 0.5 / 3, 2 / 3], atol=1e-6)
    np.testing.assert_allclose(f[:, 4], 0.0, atol=1e-7)  # 0.5 s a beat is the reference tempo
    slower = phase_features(np.array([0.0]), np.array([0.5]), 3, stretch=2.0)
    assert slower[0, 4].item() == pytest.approx(1.0)  # twice as slow: one octave of tempo


def test_frames_without_a_steady_beat_get_zeros_and_streamed_frames_equal_one_pass():
    assert torch.equal(frame_phase(None, 4), torch.zeros(4, PHASE_DIM))
    assert torch.equal(frame_phase(BeatGrid([1.0], 4), 3), torch.zeros(3, PHASE_DIM))
    grid = BeatGrid(np.arange(0.2, 10, 0.6), 3, 2)
    whole = frame_phase(grid, 90)
    assert torch.allclose(torch.cat([frame_phase(grid, 40), frame_phase(grid, 50, first_frame=40)]), whole)
    # frame 24 is 0.8 s: beat 1, the last of a bar whose next one starts on beat 2
    third = 2 * np.pi * 2 / 3
    assert torch.allclose(whole[24, :4], torch.tensor([0.0, 1.0, np.sin(third), np.cos(third)], dtype=torch.float32),
                          atol=1e-5)


def test_a_stretched_grid_keeps_each_frames_phase_at_the_stretched_time():
    grid = BeatGrid(np.arange(0.3, 20, 0.69), 3, 1)
    slow = grid.stretched(1.08)
    t = np.array([2.0, 7.3])
    p, period = beat_positions(t, grid.beats)
    q, period_slow = beat_positions(t * 1.08, slow.beats)
    np.testing.assert_allclose(p, q)
    np.testing.assert_allclose(period_slow, period * 1.08)


def test_the_downbeat_is_the_bar_position_with_the_strongest_onsets():
    env = np.ones(400)
    frames = np.arange(10, 390, 20)
    env[frames[2::3]] = 5.0
    assert downbeat_offset(env, frames, 3) == 2
    assert downbeat_offset(env, frames[:2], 3) == 0  # fewer beats than a bar


def test_a_click_track_in_three_gets_its_beats_meter_and_accented_downbeat():
    sr, period = 22050, 0.6
    y = np.zeros(int(30 * sr), dtype=np.float32)
    rng = np.random.default_rng(0)
    for k, t in enumerate(np.arange(0.25, 29.5, period)):
        s = int(t * sr)
        y[s:s + 600] += rng.standard_normal(600).astype(np.float32) * (1.0 if k % 3 == 1 else 0.25)
    grid = music_grid(y, sr)
    assert grid.usable and grid.beats_per_bar == 3
    assert np.median(np.diff(grid.beats)) == pytest.approx(period, abs=0.02)
    loud = np.argmin(np.abs(grid.beats[:, None] - (0.25 + period * np.arange(1, 48, 3))[None]), axis=0)
    assert set(loud % 3) == {grid.downbeat}
    assert music_grid(np.zeros(100, dtype=np.float32), sr).usable is False
