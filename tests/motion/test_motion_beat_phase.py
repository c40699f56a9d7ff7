"""Beat-phase locking: motion locked to the beat at an offset passes; other beats and random motion fail."""

import json

import numpy as np
import pytest

from dancekit.motion import MotionClip
from dancekit.motion.beat_phase import (BeatPhaseError, beat_phase, beat_phase_locking, circular_mean,
                                        capture_clock, clip_beat_phase, harmonic_coefficients, modulation_depth, rayleigh_p,
                                        stretched_grids, synchronous_profile)

FPS = 30.0
PERIOD = 0.69  # a slow waltz at 87 BPM


def music_grid(period=PERIOD, seconds=45.0, start=1.0, seed=0):
    """Beats with a slow tempo wave (+/- 1 %) and 10 ms jitter, like a tracked recording."""
    rng = np.random.default_rng(seed)
    k = np.arange(int(seconds / period) + 4)
    steps = period * (1 + 0.01 * np.sin(2 * np.pi * k / 40))
    return start + np.concatenate([[0], np.cumsum(steps[:-1])]) + rng.normal(0, 0.01, len(k))


def locked_clip(beats, offset=0.25, seconds=40.0, start_s=2.0, clock=1.0, beats_per_bar=3):
    """Joints that swing out and back, reversing (speed zero) at ``offset`` of every beat interval;
    the swing after each downbeat is wider, so speed also follows the bar. ``clock`` > 1: the capture ran
    slow, so played at FPS the motion runs that much fast (frame i is at song time start + clock * i / FPS)."""
    reversals = beats[:-1] + offset * np.diff(beats)
    width = np.where(np.arange(len(reversals)) % beats_per_bar == 0, 40.0, 20.0)
    position = np.where(np.arange(len(reversals)) % 2 == 0, 0.0, width)
    t = start_s + (np.arange(int(seconds * FPS)) / FPS) * clock
    k = np.clip(np.searchsorted(reversals, t, side="right") - 1, 0, len(reversals) - 2)
    u = (t - reversals[k]) / (reversals[k + 1] - reversals[k])
    x = position[k] + (position[k + 1] - position[k]) * (1 - np.cos(np.pi * u)) / 2
    joints = np.zeros((len(t), 4, 3))
    joints[:, :, 0] = x[:, None] * np.linspace(0.6, 1.4, 4)
    return MotionClip(joints, np.zeros((len(t), 3)), FPS, start_s=start_s)


def random_clip(seed, seconds=40.0, start_s=2.0):
    """Joints on smoothed random walks: moving, with dips, but to no beat."""
    from scipy.ndimage import gaussian_filter1d

    rng = np.random.default_rng(seed)
    n = int(seconds * FPS)
    steps = gaussian_filter1d(rng.normal(size=(n, 4, 3)), sigma=6, axis=0)
    return MotionClip(np.cumsum(steps, axis=0) * 3, np.zeros((n, 3)), FPS, start_s=start_s)


def test_circular_statistics():
    rng = np.random.default_rng(1)
    tight = (0.3 + rng.normal(0, 0.03, 200)) % 1
    r, mean = circular_mean(tight)
    assert r > 0.95 and mean == pytest.approx(0.3, abs=0.01)
    r_uniform, _ = circular_mean(rng.uniform(0, 1, 200))
    assert r_uniform < 0.2 and rayleigh_p(r, 200) < 1e-6 < rayleigh_p(0.05, 200)
    # turning every phase by one amount leaves R unchanged: why a shifted steady grid is no null
    assert circular_mean((tight + 0.37) % 1)[0] == pytest.approx(r)
    assert circular_mean([]) == (0.0, 0.0)


def test_phases_and_profiles_on_a_simple_grid():
    beats = np.arange(10.0)
    valid, phase, bar = beat_phase([-1.0, 0.25, 4.5, 9.5], beats, 3)
    assert valid.tolist() == [False, True, True, False]
    assert phase[1:3] == pytest.approx([0.25, 0.5]) and bar[1:3] == pytest.approx([0.25 / 3, (1 + 0.5) / 3])
    phases = np.linspace(0, 1, 600, endpoint=False)
    speed = 2 + np.cos(2 * np.pi * (phases - 0.1))
    coefficients = harmonic_coefficients(speed, phases, [1, 2])
    assert modulation_depth(coefficients) == pytest.approx(np.sqrt(0.5) / 2, rel=1e-6)  # rms of cos / mean
    profile = synchronous_profile(speed, phases, 10)
    assert np.nanargmax(profile) == 1 and np.nanmean(profile) == pytest.approx(1.0, abs=1e-6)


def test_locked_motion_passes_at_its_offset():
    beats = music_grid()
    result = clip_beat_phase(locked_clip(beats, offset=0.25), beats, 3, clock_tolerance=0.0, n_null=100)
    assert result.passed and result.stats["speed"].z > 5
    beat_r = result.stats["events_beat"]
    assert beat_r.passed and beat_r.value > 0.9 and beat_r.phase == pytest.approx(0.25, abs=0.05)
    assert result.stats["speed_beat"].phase == pytest.approx(0.25, abs=0.05)  # speed dips at the offset
    assert not result.stats["events_bar"].passed and result.motion_beats > 40  # a dip on every beat: no bar preference
    assert len(result.profile) == 12 and json.dumps(result.to_dict())


def test_motion_beats_on_one_and_three_show_a_bar_preference():
    beats = music_grid(period=0.6)
    on_one_and_three = beats[:-1:2] + 0.1 * 0.6  # every other beat of 4/4, a little after it
    times = np.arange(2.0, 40.0, 1 / FPS)
    speed = 1 + 0.1 * np.random.default_rng(2).random(len(times))
    result = beat_phase_locking(speed, times, beats, 4, on_one_and_three, clock_tolerance=0.0, n_null=60)
    # on 1 and 3: resultant 1 at bar harmonics 2 and 6, 0 at 1, 3, 5, 7: rms sqrt(2/6)
    assert result.stats["events_bar"].passed and result.stats["events_bar"].value > 0.5
    assert result.stats["events_beat"].phase == pytest.approx(0.1, abs=0.03)
    assert not result.stats["speed"].passed  # the speed here is noise


def test_a_start_up_snap_does_not_hide_the_locking():
    beats = music_grid()
    clip = locked_clip(beats)
    clip.joints[:2] += 300.0  # a generated figure snapping from its start pose: ~9000 cm/s for a frame
    result = clip_beat_phase(clip, beats, 3, clock_tolerance=0.0, n_null=60)
    assert result.passed and result.stats["speed"].z > 5


def test_the_same_motion_against_unrelated_beats_fails():
    beats = music_grid()
    other = music_grid(period=PERIOD * 1.17, seed=5)
    result = clip_beat_phase(locked_clip(beats), other, 3, clock_tolerance=0.0, n_null=100)
    assert not result.passed and not result.stats["events_beat"].passed
    assert result.stats["events_beat"].value < 0.3


def test_random_motion_fails():
    beats = music_grid()
    results = [clip_beat_phase(random_clip(seed), beats, 3, clock_tolerance=0.0, n_null=60) for seed in range(8)]
    assert sum(r.passed for r in results) <= 1
    assert np.mean([r.stats["speed"].z for r in results]) < 1.0
    assert all(r.stats["events_beat"].value < 0.4 for r in results)


def test_clock_tolerance_recovers_a_drifting_capture():
    beats = music_grid()
    drifting = locked_clip(beats, clock=1.025)  # played at FPS, the motion runs 2.5 % fast
    strict = clip_beat_phase(drifting, beats, 3, clock_tolerance=0.0, n_null=60)
    tolerant = clip_beat_phase(drifting, beats, 3, clock_tolerance=0.04, n_null=40)
    assert tolerant.passed and tolerant.stats["speed"].clock == pytest.approx(1.025, abs=0.005)
    assert tolerant.stats["events_beat"].value > 0.9
    assert strict.stats["events_beat"].value < 0.5 < tolerant.stats["events_beat"].value


def test_capture_clock_puts_a_drifting_capture_back_on_the_beat():
    beats = music_grid()
    drifting = locked_clip(beats, clock=1.025)
    clock = capture_clock(drifting, beats, 3, tolerance=0.04, n_null=40)
    assert clock == pytest.approx(1.025, abs=0.005)
    fixed = clip_beat_phase(drifting.retimed(clock).resampled(FPS), beats, 3, clock_tolerance=0.0, n_null=40)
    assert fixed.stats["events_beat"].value > 0.9  # on the beat without any clock search
    assert capture_clock(random_clip(3), beats, 3, tolerance=0.04, n_null=40) is None  # no locking, no clock


def test_null_grids_leave_the_clock_search_behind():
    beats = music_grid()
    grids = stretched_grids(beats, 2.0, 42.0, 50, np.random.default_rng(0), clock_tolerance=0.04)
    ratios = np.array([np.median(np.diff(g)) for g in grids]) / np.median(np.diff(beats))
    assert np.all(np.abs(ratios - 1) >= 0.099) and np.all(np.abs(ratios - 1) <= 0.301)
    assert all(g[0] <= 2.0 and g[-1] >= 42.0 * 1.04 for g in grids)  # every grid covers the motion


def test_bad_input_is_one_clear_error():
    speed, times = np.ones(100), np.arange(100) / 10
    with pytest.raises(BeatPhaseError, match="at least 8"):
        beat_phase_locking(speed, times, [1, 2, 3], 3)
    with pytest.raises(BeatPhaseError, match="increasing"):
        beat_phase_locking(speed, times, [1, 2, 3, 3, 4, 5, 6, 7, 8], 3)
    with pytest.raises(BeatPhaseError, match="under the motion"):
        beat_phase_locking(speed, times, np.arange(100, 120.0), 3)
    with pytest.raises(BeatPhaseError, match="clock tolerance"):
        beat_phase_locking(speed, times, np.arange(0, 10, 0.5), 3, clock_tolerance=0.7)
    with pytest.raises(BeatPhaseError, match="finite"):
        beat_phase_locking(np.full(100, np.nan), times, np.arange(0, 10, 0.5), 3)
    still = beat_phase_locking(np.zeros(100), times, np.arange(0, 10, 0.5), 3, clock_tolerance=0, n_null=20)
    assert not still.passed and still.stats["speed"].value == 0.0
