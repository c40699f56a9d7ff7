"""The 72-d hand-crafted vector of the SVM baseline (paper 1, IV-B a)."""

import librosa
import numpy as np
import pytest

from dancekit.errors import AudioError, EmptyAudioError
from dancekit.features import FRAME_FEATURE_NAMES, HANDCRAFTED_NAMES, frame_features, handcrafted_features
from features_signals import SR, load_clip, music_like


def sine(seconds=2.0, freq=440.0):
    t = np.arange(int(seconds * SR)) / SR
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def noise(seconds=2.0, seed=0):
    return (0.3 * np.random.default_rng(seed).standard_normal(int(seconds * SR))).astype(np.float32)


def test_names_describe_72_distinct_values_means_first():
    assert len(FRAME_FEATURE_NAMES) == 36
    assert len(HANDCRAFTED_NAMES) == 72 == len(set(HANDCRAFTED_NAMES))
    assert HANDCRAFTED_NAMES[0] == "zcr.mean" and HANDCRAFTED_NAMES[36] == "zcr.std"
    assert HANDCRAFTED_NAMES[35] == "mfcc_19.mean" and HANDCRAFTED_NAMES[-1] == "mfcc_19.std"


@pytest.mark.parametrize(
    "y", [sine(), noise(), music_like(2.0), np.zeros(SR, np.float32), noise(0.01)],
    ids=["sine", "noise", "music", "silence", "shorter-than-a-frame"],
)
def test_shape_and_finiteness(y):
    vector = handcrafted_features(y)
    assert vector.shape == (72,) and vector.dtype == np.float32
    assert np.isfinite(vector).all()
    assert (vector[36:] >= 0).all()  # standard deviations


def test_sine_and_noise_differ_where_they_should():
    named_sine = dict(zip(HANDCRAFTED_NAMES, handcrafted_features(sine())))
    named_noise = dict(zip(HANDCRAFTED_NAMES, handcrafted_features(noise())))
    assert named_noise["zcr.mean"] > 10 * named_sine["zcr.mean"]
    assert named_noise["spectral_centroid.mean"] > 5 * named_sine["spectral_centroid.mean"]
    assert named_sine["chroma_A.mean"] == pytest.approx(1.0, abs=0.05)  # 440 Hz is an A
    assert named_noise["chroma_A.mean"] < 0.95


def test_equal_to_librosas_own_per_feature_calls():
    """Sharing one STFT between features must not change any value."""
    y = music_like(3.0, seed=5)
    want = np.concatenate(
        [
            librosa.feature.zero_crossing_rate(y),
            librosa.feature.chroma_stft(y=y, sr=SR),
            librosa.feature.spectral_centroid(y=y, sr=SR),
            librosa.feature.spectral_bandwidth(y=y, sr=SR),
            librosa.feature.spectral_rolloff(y=y, sr=SR),
            librosa.feature.mfcc(y=y, sr=SR, n_mfcc=20),
        ]
    )
    got = frame_features(y, sr=SR)
    assert got.shape == want.shape == (36, 1 + y.size // 512)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        handcrafted_features(y), np.concatenate([want.mean(1), want.std(1)]), rtol=1e-5, atol=1e-5
    )


def test_real_clip_features(shared_data):
    path = shared_data / "gtzan_mini/genres/disco/disco.00000.flac"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    vector = handcrafted_features(load_clip(path, seconds=10.0), sr=SR)
    assert np.isfinite(vector).all() and vector.shape == (72,)


@pytest.mark.parametrize(
    "bad, error",
    [
        (np.zeros(0, np.float32), EmptyAudioError),
        (np.zeros((2, 1000), np.float32), AudioError),
        (np.zeros(1000, np.int16), AudioError),
        (np.full(1000, np.nan, np.float32), AudioError),
    ],
    ids=["empty", "stereo", "int", "nan"],
)
def test_bad_input_is_an_audio_error(bad, error):
    with pytest.raises(error) as info:
        handcrafted_features(bad)
    assert "\n" not in str(info.value)
