"""The numpy onset strength equals librosa's, bit for bit, on real spectrograms."""

import librosa
import numpy as np
import pytest

from dancekit.rhythm.flux import onset_strength, onset_strength_multi
from real_envelopes import CLIPS, real_mel_and_envelope


@pytest.mark.parametrize("clip", CLIPS)
def test_onset_strength_is_librosas(shared_data, clip):
    S, _ = real_mel_and_envelope(shared_data / clip)
    clipped = np.maximum(S, S.max() - 80.0)
    assert np.array_equal(onset_strength(clipped), librosa.onset.onset_strength(S=clipped, sr=22050))
    assert np.array_equal(onset_strength(S, hop_length=256), librosa.onset.onset_strength(S=S, hop_length=256))


@pytest.mark.parametrize("channels", [[0, 20, 120, 224], [0, 224], [10, 50, 300], [-5, 30]])
def test_bands_are_librosas_including_bounds_out_of_range(shared_data, channels):
    S, _ = real_mel_and_envelope(shared_data / CLIPS[0])
    if min(channels) < 0:
        with pytest.raises(Exception):
            librosa.onset.onset_strength_multi(S=S, channels=channels)
        return
    assert np.array_equal(onset_strength_multi(S, channels=channels), librosa.onset.onset_strength_multi(S=S, channels=channels))


def test_a_rising_step_gives_one_onset_shifted_by_the_lag_and_half_a_frame():
    S = np.zeros((4, 12), dtype=np.float32)
    S[:, 5:] = 10.0
    env = onset_strength(S)
    assert env.shape == (12,)
    # the difference of frames 4 and 5 sits at 4, then shifts by lag 1 + n_fft // (2 * hop) = 3 frames
    assert np.flatnonzero(env).tolist() == [7]
    assert env[7] == pytest.approx(10.0)
    assert np.array_equal(env, librosa.onset.onset_strength(S=S))
