"""The numpy front end against the torch module it stands in for on CPUs (and so against librosa)."""

import numpy as np
import pytest
import torch

from dancekit.errors import AudioError, EmptyAudioError
from dancekit.features import DANCE_CNN_MEL, PRESETS, FrameStream, FrontEndConfig, NumpyFrontEnd, build_frontend
from features_signals import load_clip, music_like

#: dB: float32 rounding in the mel sums and the log (measured 1.5e-5 on real music)
DB_TOL = 1e-4
REL_TOL = 1e-5


def torch_frames(config, y):
    with torch.inference_mode():
        return build_frontend(config)(torch.from_numpy(y)).numpy()


def assert_same_numbers(config, got, want):
    assert got.shape == want.shape and got.dtype == np.float32
    if config.log == "db":
        assert np.abs(got - want).max() <= DB_TOL
    else:
        assert (np.abs(got - want) / np.maximum(np.abs(want), 1e-12)).max() <= REL_TOL


@pytest.mark.parametrize("config", list(PRESETS.values()), ids=list(PRESETS))
def test_presets_equal_the_torch_module(config):
    y = music_like(3.0)
    assert_same_numbers(config, NumpyFrontEnd(config)(y), torch_frames(config, y))


def test_equal_on_real_music(shared_data):
    rels = ["gtzan_mini/genres/classical/classical.00000.flac", "gtzan_mini/genres/metal/metal.00000.flac"]
    paths = [shared_data / rel for rel in rels if (shared_data / rel).is_file()]
    paths += sorted(shared_data.glob("tang_dance/DANCE_*_1/audio.mp3"))[:2]
    if not paths:
        pytest.skip(f"no gtzan_mini or tang_dance audio under {shared_data}")
    frontend = NumpyFrontEnd(DANCE_CNN_MEL)
    for path in paths:
        y = load_clip(path, seconds=30.0) if path.suffix == ".flac" else _decoded(path)
        assert_same_numbers(DANCE_CNN_MEL, frontend(y), torch_frames(DANCE_CNN_MEL, y))


def _decoded(path):
    from dancekit import audio

    return audio.load(path, sr=DANCE_CNN_MEL.sr)[:30 * DANCE_CNN_MEL.sr]


def test_batch_and_block_size_do_not_change_the_result():
    y = np.stack([music_like(2.0, seed=1), music_like(2.0, seed=2)])
    whole = NumpyFrontEnd(DANCE_CNN_MEL)(y)
    for i in range(2):
        np.testing.assert_array_equal(whole[i], NumpyFrontEnd(DANCE_CNN_MEL, block_frames=7)(y[i]))


def test_digital_silence_is_the_floor_without_an_fft():
    out = NumpyFrontEnd(DANCE_CNN_MEL)(np.zeros(22050, np.float32))
    np.testing.assert_allclose(out, -100.0, atol=1e-4)


def test_top_db_clips_below_the_peak():
    config = FrontEndConfig(**{**DANCE_CNN_MEL.to_dict(), "top_db": 40.0})
    out = NumpyFrontEnd(config)(music_like(2.0))
    assert out.min() >= out.max() - 40.0 - 1e-4
    assert_same_numbers(config, out, torch_frames(config, music_like(2.0)))


def test_float32_fft_is_close():
    y = music_like(3.0)
    want = torch_frames(DANCE_CNN_MEL, y)
    assert np.abs(NumpyFrontEnd(DANCE_CNN_MEL, precision="float32")(y) - want).max() < 0.5


def test_streams_frame_exactly_as_offline():
    y = music_like(3.0)
    frontend = NumpyFrontEnd(DANCE_CNN_MEL)
    stream = FrameStream(frontend)
    parts = [stream.push(y[i : i + 5000]) for i in range(0, y.size, 5000)] + [stream.flush()]
    assert all(isinstance(p, np.ndarray) for p in parts)
    np.testing.assert_array_equal(np.concatenate(parts, axis=-1), frontend(y))


@pytest.mark.parametrize("bad, error", [(np.zeros(0, np.float32), EmptyAudioError),
                                        (np.zeros(100, np.int16), AudioError),
                                        (np.float32(0.5), AudioError)])
def test_bad_signals_are_audio_errors(bad, error):
    with pytest.raises(error):
        NumpyFrontEnd(DANCE_CNN_MEL)(bad)


def test_unknown_precision_and_config_are_refused():
    with pytest.raises(ValueError, match="precision"):
        NumpyFrontEnd(DANCE_CNN_MEL, precision="float16")
    with pytest.raises(TypeError, match="FrontEndConfig"):
        NumpyFrontEnd({"kind": "mel"})
