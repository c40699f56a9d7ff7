"""The numpy tempograms equal librosa's, bit for bit, in value and in memory layout."""

import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.signal

from dancekit.rhythm import tempograms
from dancekit.rhythm.tempograms import (
    _next_fast_len_real,
    autocorrelation_tempogram,
    fourier_tempo_frequencies,
    fourier_tempogram,
    hann_window,
    tempo_frequencies,
)
from real_envelopes import CLIPS, real_mel_and_envelope


@pytest.mark.parametrize("n", [1, 2, 5, 383, 384, 385, 1024])
def test_hann_window_is_scipys_periodic_one(n):
    assert np.array_equal(hann_window(n), scipy.signal.get_window("hann", n, fftbins=True))


@pytest.mark.parametrize("n", [1, 2, 97, 767, 768, 1000, 1537, 4097])
def test_fft_length_is_scipys(n):
    assert _next_fast_len_real(n) == scipy.fft.next_fast_len(n, real=True)


@pytest.mark.parametrize("clip", CLIPS)
def test_tempograms_are_librosas(shared_data, clip):
    _, env = real_mel_and_envelope(shared_data / clip)
    for x, win in ((env, 384), (env.astype(np.float32), 384), (env[:300], 300), (env, 97)):
        acf = autocorrelation_tempogram(x, win_length=win)
        assert np.array_equal(acf, librosa.feature.tempogram(onset_envelope=x, sr=22050, win_length=win))
        dft = fourier_tempogram(x, win_length=win)
        ref = librosa.feature.fourier_tempogram(onset_envelope=x, sr=22050, win_length=win)
        assert dft.dtype == ref.dtype and np.array_equal(dft, ref)
        # the same layout, so that the time average (what the tempo reads) is the same too
        assert np.array_equal(np.abs(dft).mean(axis=1), np.abs(ref).mean(axis=1))


def test_tempo_axes_are_librosas():
    assert np.array_equal(tempo_frequencies(384), librosa.tempo_frequencies(384))
    assert np.array_equal(tempo_frequencies(100, sr=16000, hop_length=256),
                          librosa.tempo_frequencies(100, sr=16000, hop_length=256))
    assert np.array_equal(fourier_tempo_frequencies(), librosa.fourier_tempo_frequencies())
    assert np.array_equal(fourier_tempo_frequencies(sr=16000, win_length=200, hop_length=256),
                          librosa.fourier_tempo_frequencies(sr=16000, win_length=200, hop_length=256))


def test_a_click_every_20_frames_peaks_at_lag_20():
    env = np.zeros(2000)
    env[::20] = 1.0
    acf = autocorrelation_tempogram(env).mean(axis=1)
    assert int(np.argmax(acf[5:60])) + 5 == 20


@pytest.mark.parametrize("n", [1, 255, 256, 257, 1000])
def test_the_block_size_changes_no_bit(monkeypatch, n):
    env = np.abs(np.random.default_rng(n).standard_normal(n))
    win = min(384, n)
    acf, dft = autocorrelation_tempogram(env, win_length=win), fourier_tempogram(env, win_length=win)
    monkeypatch.setattr(tempograms, "BLOCK_FRAMES", 7)
    assert np.array_equal(autocorrelation_tempogram(env, win_length=win), acf)
    assert np.array_equal(fourier_tempogram(env, win_length=win), dft)
    assert acf.flags.c_contiguous and dft.T.flags.c_contiguous  # librosa's layouts
