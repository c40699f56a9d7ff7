"""Local maxima and onset picking equal librosa's numba kernels."""

import librosa
import numpy as np
import pytest

from dancekit.rhythm.peaks import local_maxima, onset_frames, peak_pick
from real_envelopes import CLIPS, real_mel_and_envelope


@pytest.mark.parametrize("clip", CLIPS)
def test_onsets_and_local_maxima_are_librosas(shared_data, clip):
    _, env = real_mel_and_envelope(shared_data / clip)
    assert np.array_equal(onset_frames(env), librosa.onset.onset_detect(onset_envelope=env, sr=22050))
    assert np.array_equal(onset_frames(env, sr=44100, hop_length=256),
                          librosa.onset.onset_detect(onset_envelope=env, sr=44100, hop_length=256))
    assert np.array_equal(local_maxima(env), librosa.util.localmax(env))


@pytest.mark.parametrize("seed", range(5))
def test_peak_pick_is_librosas_on_noise_with_plateaus(seed):
    x = np.round(np.random.default_rng(seed).random(500), 1)  # ties and plateaus
    for pre_max, post_max, pre_avg, post_avg, delta, wait in ((1, 1, 4, 5, 0.07, 1), (3, 2, 0, 1, 0.0, 0),
                                                              (0, 1, 10, 10, 0.2, 5)):
        ours = peak_pick(x, pre_max, post_max, pre_avg, post_avg, float(np.float32(delta)), wait)
        theirs = librosa.util.peak_pick(x, pre_max=pre_max, post_max=post_max, pre_avg=pre_avg, post_avg=post_avg,
                                        delta=delta, wait=wait)
        assert np.array_equal(ours, theirs)
    assert np.array_equal(local_maxima(x), librosa.util.localmax(x))


def test_flat_or_empty_envelopes_have_no_onsets():
    assert onset_frames(np.zeros(100)).size == 0
    assert onset_frames(np.full(100, 3.0)).size == 0
    assert peak_pick(np.zeros(0), 1, 1, 1, 1, 0.0, 0).size == 0
    assert local_maxima(np.array([1.0])).tolist() == [False]
