"""Tempo augmentation of step-training windows: music, motion and phase stretched together and still aligned."""

import numpy as np
import pytest
import torch

from dancekit.features.step_audio import N_BINS, N_STFT, quantise_power, slice_power
from dancekit.features.step_phase import PHASE_DIM
from dancekit.models.dance_rnn import build_dance_rnn
from dancekit.training.step_tempo import (
    StepRhythm,
    draw_stretch,
    rate_zero,
    stretched_motion,
    window_positions,
    window_span,
)
from dancekit.training.steps import StepData, StepDataError, StepTrainConfig, sample_batch, train_steps

pytestmark = pytest.mark.usefixtures("one_torch_thread")
BEAT = 15  # frames a beat: 0.5 s at 30 fps
D = 4


def beat_song(n=400) -> StepData:
    """Clicks on every beat; the pose swings with the beat (component 1 = cos of the beat phase); root_dx = 0.5."""
    rng = np.random.default_rng(0)
    audio = rng.standard_normal(n * 534).astype(np.float32) * 0.001
    for k in range(0, n, BEAT):
        s = (k * 16000) // 30
        audio[s:s + 200] += rng.standard_normal(200).astype(np.float32)
    frames = np.arange(n)
    motion = np.stack([np.full(n, 0.5), np.cos(2 * np.pi * frames / BEAT), np.zeros(n), np.sin(frames / 50)], 1)
    rhythm = StepRhythm(frames / BEAT, np.full(n, 0.5), [3], [0])
    zero = rate_zero({"low": [-1.0] * D, "high": [1.0] * D})  # root_dx 0 is 0 in normalised units
    return StepData(quantise_power(slice_power(audio, n)), torch.as_tensor(motion, dtype=torch.float32), [0, n], [0],
                    [0.01], ["song"], rhythm, zero)


def test_a_stretched_window_keeps_music_motion_and_phase_on_one_beat():
    data, stretch = beat_song(), 1.12
    g = torch.Generator().manual_seed(0)
    b = sample_batch(data, 6, 60, (None,), g, tempo_range=(stretch, stretch), phase=True)
    assert b.phase.shape == (6, 60, PHASE_DIM) and torch.allclose(b.stretch, torch.full((6,), stretch, dtype=torch.float64))
    beat_cos = b.phase[..., 1]
    # the pose swings with the phase the window's music has (linear interpolation: 2 % at most)
    assert torch.allclose(b.target[..., 1], beat_cos, atol=0.03)
    # the clicks of the music fall on the beats of the phase: the loudest frames have phase ~0
    loudness = b.audio.mean(dim=(2, 3))
    for w in range(6):
        clicks = torch.nonzero(loudness[w] > loudness[w].mean() + 2 * loudness[w].std()).ravel()
        assert len(clicks) >= 3 and (beat_cos[w, clicks] > np.cos(2 * np.pi * 0.6 / (BEAT * stretch))).all()
        onsets = clicks.numpy()[np.diff(clicks.numpy(), prepend=-9) > 1]  # a repeated grain: one click
        assert set(np.diff(onsets)) <= {16, 17, 18}  # 15 frames a beat played 12 % slower: 16.8
    # a slower dance covers its floor in more frames; the tempo input says how much slower
    assert torch.allclose(b.target[..., 0], torch.full((6, 60), 0.5 / stretch), atol=1e-6)
    assert torch.allclose(b.phase[..., 4], torch.full((6, 60), float(np.log2(stretch))), atol=1e-5)


def test_no_stretch_reads_exactly_the_unstretched_window():
    data = beat_song()
    base = torch.tensor([5, 100])
    ones = torch.ones(2, dtype=torch.float64)
    where = window_positions(base, ones, 20)
    plain = data.motion[(base - 1)[:, None] + torch.arange(21)]
    assert torch.equal(stretched_motion(data.motion, where, ones, data.rate_zero), plain)
    g1, g2 = torch.Generator().manual_seed(4), torch.Generator().manual_seed(4)
    a, b = sample_batch(data, 3, 20, (None, 0.0), g1), sample_batch(data, 3, 20, (None, 0.0), g2)
    assert torch.equal(a.target, b.target) and a.phase is None and a.stretch is None


def test_stretches_are_log_uniform_in_the_range_and_windows_fit_the_song():
    g = torch.Generator().manual_seed(0)
    s = draw_stretch(20000, (0.85, 1.15), g, "cpu")
    assert 0.85 <= s.min() and s.max() <= 1.15
    assert abs(float(np.median(np.log(s.numpy()))) - np.log(0.85 * 1.15) / 2) < 0.01
    assert window_span(150, None) == 150 and window_span(150, (0.85, 1.15)) == 177
    short = beat_song(170)
    sample_batch(short, 50, 150, (None,), g)
    with pytest.raises(StepDataError, match="177"):
        sample_batch(short, 2, 150, (None,), g, tempo_range=(0.85, 1.15))


def test_phase_needs_a_beat_grid():
    data = beat_song()
    bare = StepData(data.power_codes, data.motion, data.offsets, data.dance, data.signal_power)
    with pytest.raises(StepDataError, match="beat grids"):
        sample_batch(bare, 2, 20, (None,), torch.Generator(), phase=True)


def test_a_phase_aware_network_trains_with_tempo_augmentation():
    data = beat_song()
    torch.manual_seed(0)
    net = build_dance_rnn(D, conv_channels=(4, 4, 4, 6), hidden=12, encoder_layers=1, decoder_layers=1, code_dim=6,
                          phase_dim=PHASE_DIM)
    cfg = StepTrainConfig(variant="s2s", sequence=20, batch_size=3, steps=3, val_every=2, checkpoint_every=2,
                          val_sequences=2, phase=True, tempo_range=(0.85, 1.15))
    result = train_steps(net, data, data, cfg)
    assert result.steps_done == 3 and np.isfinite(result.best_val_mse)
    assert cfg.to_dict()["tempo_range"] == [0.85, 1.15]
    with pytest.raises(ValueError, match="tempo_range"):
        StepTrainConfig(tempo_range=(1.2, 0.9))
