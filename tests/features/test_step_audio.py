"""The step generator's audio input (paper 5, IV-B): slices, power, normalisation, noise, streaming."""

import numpy as np
import pytest
import torch

from dancekit.errors import AudioError, EmptyAudioError
from dancekit.features import step_audio as sa

SR = sa.SAMPLE_RATE


def tone(freq, seconds=1.0, amp=1.0):
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def music(seconds=4.0, seed=0):
    """Chords with a click every half second: structure in both time and frequency."""
    rng = np.random.default_rng(seed)
    y = sum(tone(f, seconds, 0.2) for f in (220, 330, 550, 1250))
    for k in range(int(seconds * 2)):
        s = int(k * 0.5 * SR)
        y[s:s + 300] += rng.standard_normal(300).astype(np.float32) * np.exp(-np.arange(300) / 60)
    return y


def test_geometry_is_the_papers():
    assert (sa.SLICE_SAMPLES, sa.WIN, sa.HOP) == (534, 160, 80)
    assert (sa.N_BINS, sa.N_STFT) == (129, 5) and sa.SPAN <= sa.SLICE_SAMPLES
    assert sa.frames_for_samples(SR) == 30 and sa.frames_for_samples(SR + 1) == 31
    starts = sa.frame_starts(0, 31)
    assert starts[1] == 533 and starts[30] == SR and np.all(np.diff(starts) >= 533)


def test_a_full_scale_sine_peaks_at_minus_6_db_in_its_bin():
    power = sa.slice_power(tone(1000.0))  # 1000 Hz = bin 16 of a 256-point FFT at 16 kHz
    assert power.shape == (30, 129, 5)
    db = 10 * torch.log10(power.mean(dim=(0, 2)))
    assert int(db.argmax()) == 16 and float(db.max()) == pytest.approx(-6.0, abs=0.2)


def test_each_motion_frame_hears_its_own_33_ms():
    y = np.zeros(SR, dtype=np.float32)
    start = int(sa.frame_starts(12, 1)[0])
    y[start + 100:start + 140] = 1.0  # a click inside frame 12's slice only
    energy = sa.slice_power(y).sum(dim=(1, 2))
    assert int(energy.argmax()) == 12
    assert float(energy[10]) == 0.0 and float(energy[14]) == 0.0
    # with an offset, the same song position lands in the same frame
    shifted = sa.slice_power(y[4000:], 30, first_frame=0, offset=4000)
    assert torch.allclose(shifted[12], sa.slice_power(y)[12])


def test_normalised_features_span_minus_one_to_one_per_stft_frame():
    f = sa.step_audio_features(music())
    assert f.shape == (sa.frames_for_samples(4 * SR), 129, 5)
    assert float(f.min()) >= -1.0 and float(f.max()) <= 1.0
    assert torch.allclose(f.amax(dim=1), torch.ones(f.shape[0], 5))  # loudest bin of every STFT frame
    # a level change does not change the features (above the silence floor)
    assert torch.allclose(sa.step_audio_features(0.25 * music()), f, atol=1e-4)


def test_digital_silence_stays_dark():
    f = sa.step_audio_features(np.zeros(SR, dtype=np.float32))
    assert torch.all(f == -1.0)


def test_white_noise_has_the_requested_snr():
    y = music(seconds=3.0)
    g = torch.Generator().manual_seed(0)
    for snr in (0.0, 5.0, 10.0):
        noisy = sa.add_white_noise(y, snr, g).numpy()
        noise = noisy - y
        assert 10 * np.log10(np.mean(y**2) / np.mean(noise**2)) == pytest.approx(snr, abs=0.1)
        assert abs(np.corrcoef(noise[:-1], noise[1:])[0, 1]) < 0.05  # white


@pytest.mark.parametrize("snr", [0.0, 5.0, 10.0])
def test_noise_drawn_on_stored_power_matches_noise_on_the_waveform(snr):
    y = music(seconds=6.0)
    g = torch.Generator().manual_seed(1)
    on_wave = sa.normalise_power(sa.slice_power(sa.add_white_noise(y, snr, g)))
    codes = sa.quantise_power(sa.slice_power(y))
    on_power = sa.normalise_power(sa.add_white_noise_power(sa.dequantise_power(codes), snr, sa.signal_power(y), g))
    clean = sa.normalise_power(sa.slice_power(y))
    # same mean spectrum per bin and spread as the real thing, and far from the clean features
    gap = (on_wave.mean(dim=(0, 2)) - on_power.mean(dim=(0, 2))).abs()
    assert float(gap.max()) < 0.05 and float(gap.mean()) < 0.015
    assert float(on_power.std()) == pytest.approx(float(on_wave.std()), rel=0.05)
    assert float((on_wave.mean(dim=(0, 2)) - clean.mean(dim=(0, 2))).abs().mean()) > 0.1


def test_power_noise_broadcasts_one_snr_per_batch_item():
    power = sa.slice_power(music(1.0)).expand(3, -1, -1, -1).contiguous()
    snr = torch.tensor([float("inf"), 0.0, 20.0])[:, None, None, None]
    out = sa.add_white_noise_power(power, snr, 0.05, torch.Generator().manual_seed(0))
    assert torch.allclose(out[0], power[0], rtol=1e-4, atol=1e-12)  # infinite SNR: clean
    assert float((out[1] - power[1]).abs().mean()) > float((out[2] - power[2]).abs().mean()) > 0


def test_quantised_power_is_within_a_quarter_db():
    power = sa.slice_power(music(1.0))
    back = sa.dequantise_power(sa.quantise_power(power))
    db, db_back = (10 * torch.log10(p.clamp_min(1e-12)) for p in (power, back))
    loud = db > sa.FLOOR_DB + 1
    assert float((db - db_back)[loud].abs().max()) <= 0.2501
    assert sa.quantise_power(power).dtype == torch.uint8


def test_streaming_gives_the_offline_frames_for_any_chunking():
    y = music(seconds=2.3, seed=3)
    offline = sa.step_audio_features(y)
    rng = np.random.default_rng(0)
    stream, parts, i = sa.StepAudioStream(), [], 0
    while i < len(y):
        n = int(rng.integers(1, 2000))
        parts.append(stream.push(y[i:i + n]))
        i += n
    parts.append(stream.flush())
    live = torch.cat(parts)
    assert live.shape == offline.shape and torch.equal(live, offline)
    assert stream.frames_emitted == len(offline)


def test_bad_input_is_a_clear_error():
    with pytest.raises(EmptyAudioError):
        sa.slice_power(np.zeros(0, dtype=np.float32))
    with pytest.raises(AudioError, match="mono"):
        sa.slice_power(np.zeros((2, 100), dtype=np.float32))
