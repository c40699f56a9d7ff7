"""The numpy mel scale and filter bank equal librosa's, bit for bit."""

import librosa
import numpy as np
import pytest

from dancekit.features.mel_filters import hz_to_mel, mel_filter_bank, mel_frequencies, mel_to_hz


@pytest.mark.parametrize("sr, n_fft, n_mels, fmin, fmax, htk, norm", [
    (22050, 2048, 224, 0.0, 11025.0, False, "slaney"),  # the ballroom model's front end
    (22050, 2048, 128, 0.0, None, False, "slaney"),
    (16000, 512, 40, 20.0, 7600.0, True, None),
    (22050, 1024, 96, 0.0, 8000.0, False, 2.0),
    (44100, 4096, 64, 30.0, None, True, 1.0),
    (22050, 2048, 80, 0.0, 11025.0, False, np.inf),
])
def test_filter_bank_is_librosas(sr, n_fft, n_mels, fmin, fmax, htk, norm):
    ours = mel_filter_bank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    theirs = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)


@pytest.mark.parametrize("htk", [False, True])
def test_scale_is_librosas(htk):
    hz = np.array([0.0, 50.0, 999.9, 1000.0, 4000.0, 11025.0])
    assert np.array_equal(hz_to_mel(hz, htk=htk), librosa.hz_to_mel(hz, htk=htk))
    assert hz_to_mel(2000.0, htk=htk) == librosa.hz_to_mel(2000.0, htk=htk)
    mels = hz_to_mel(hz, htk=htk)
    assert np.array_equal(mel_to_hz(mels, htk=htk), librosa.mel_to_hz(mels, htk=htk))
    assert np.allclose(mel_to_hz(mels, htk=htk), hz)
    assert np.array_equal(mel_frequencies(226, fmax=11025.0, htk=htk), librosa.mel_frequencies(226, fmax=11025.0, htk=htk))


def test_too_many_bands_warn_as_librosa_does():
    with pytest.warns(UserWarning, match="Empty filters"):
        mel_filter_bank(sr=8000, n_fft=128, n_mels=128)
    with pytest.raises(ValueError):
        mel_filter_bank(sr=8000, n_fft=256, n_mels=16, norm="bad")
