"""Streaming gives exactly the offline frames, whatever the chunk sizes."""

import numpy as np
import pytest
import torch

from dancekit.errors import AudioError
from dancekit.features import BBNN_MEL, DANCE_CNN_MEL, PRCNN_STFT, FrameStream, FrontEndConfig, build_frontend
from features_signals import music_like

UNCENTRED = FrontEndConfig(kind="mel", n_fft=1024, hop_length=300, n_mels=64, center=False)


def random_chunks(y, rng, max_size):
    """Split ``y`` into chunks of random size, empty and single-sample ones included."""
    chunks, start = [], 0
    while start < y.size:
        size = int(rng.choice([0, 1, 2, 7, 511, rng.integers(1, max_size)]))
        chunks.append(y[start : start + size])
        start += size
    return chunks


def stream_all(stream, chunks):
    out = [stream.push(chunk) for chunk in chunks]
    out.append(stream.flush())
    for part in out:
        assert part.ndim == 2 and part.shape[0] == stream.config.n_bins and part.dtype == torch.float32
    return torch.cat(out, dim=-1)


@pytest.mark.parametrize(
    "config", [DANCE_CNN_MEL, BBNN_MEL, PRCNN_STFT, UNCENTRED], ids=["dance_cnn", "bbnn", "prcnn", "uncentred"]
)
@pytest.mark.parametrize("seed", [0, 1])
def test_random_chunks_equal_offline(config, seed):
    rng = np.random.default_rng(seed)
    y = music_like(3.0, seed=seed)
    frontend = build_frontend(config)
    with torch.inference_mode():
        offline = frontend(torch.from_numpy(y))
    streamed = stream_all(FrameStream(frontend, config), random_chunks(y, rng, max_size=3 * config.n_fft))
    assert streamed.shape == offline.shape
    tol = 1e-4 if config.log == "db" else 1e-4 * float(offline.abs().max())
    assert float((streamed - offline).abs().max()) <= tol


def test_one_sample_at_a_time_equals_offline():
    y = music_like(0.25)
    frontend = build_frontend(DANCE_CNN_MEL)
    stream = FrameStream(frontend)
    streamed = stream_all(stream, [y[i : i + 1] for i in range(y.size)])
    with torch.inference_mode():
        offline = frontend(torch.from_numpy(y))
    assert streamed.shape == offline.shape
    assert float((streamed - offline).abs().max()) <= 1e-4


def test_frames_come_out_as_soon_as_they_are_complete():
    stream = FrameStream(build_frontend(DANCE_CNN_MEL))
    assert stream.push(np.zeros(1023, np.float32)).shape[-1] == 0  # 1024 pad + 1023 < n_fft
    assert stream.push(np.zeros(1, np.float32)).shape[-1] == 1  # first frame complete
    assert stream.push(np.zeros(511, np.float32)).shape[-1] == 0
    assert stream.push(np.zeros(1, np.float32)).shape[-1] == 1


def test_buffer_stays_bounded():
    config = DANCE_CNN_MEL
    stream = FrameStream(build_frontend(config))
    y = music_like(5.0)
    for start in range(0, y.size, 4096):
        stream.push(y[start : start + 4096])
        assert stream._buffer.size < config.n_fft
    assert stream.samples_received == y.size


def test_flush_resets_for_the_next_signal():
    frontend = build_frontend(BBNN_MEL)
    stream = FrameStream(frontend)
    a, b = music_like(1.0, seed=3), music_like(1.5, seed=4)
    first = stream_all(stream, [a])
    second = stream_all(stream, [b[:5000], b[5000:]])
    with torch.inference_mode():
        assert first.shape == frontend(torch.from_numpy(a)).shape
        torch.testing.assert_close(second, frontend(torch.from_numpy(b)), rtol=0, atol=1e-4)
    assert stream.samples_received == 0


def test_flush_without_samples_gives_zero_frames():
    stream = FrameStream(build_frontend(DANCE_CNN_MEL))
    assert stream.flush().shape == (224, 0)


def test_top_db_cannot_be_streamed():
    config = FrontEndConfig(kind="mel", top_db=80.0)
    with pytest.raises(ValueError, match="top_db"):
        FrameStream(build_frontend(config))


def test_mismatched_config_is_refused():
    with pytest.raises(ValueError, match="config"):
        FrameStream(build_frontend(DANCE_CNN_MEL), BBNN_MEL)


@pytest.mark.parametrize("bad", [np.zeros((2, 100), np.float32), np.zeros(100, np.int16)], ids=["stereo", "int"])
def test_bad_chunks_are_audio_errors(bad):
    with pytest.raises(AudioError):
        FrameStream(build_frontend(DANCE_CNN_MEL)).push(bad)
