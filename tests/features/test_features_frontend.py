"""The torch front ends against librosa 0.11, the reference the papers used."""

import librosa
import numpy as np
import pytest
import torch

from dancekit.errors import AudioError, EmptyAudioError
from dancekit.features import BBNN_MEL, DANCE_CNN_MEL, PRCNN_STFT, PRESETS, FrontEndConfig, build_frontend
from features_signals import load_clip, music_like

DB_TOL = 1e-3  # dB, after log
REL_TOL = 1e-4  # relative, for linear outputs


def librosa_reference(config: FrontEndConfig, y: np.ndarray) -> np.ndarray:
    """What the papers' librosa code computes for ``config``."""
    if config.kind == "mel":
        spec = librosa.feature.melspectrogram(
            y=y, sr=config.sr, n_fft=config.n_fft, hop_length=config.hop_length, n_mels=config.n_mels,
            fmin=config.fmin, fmax=config.fmax, power=config.power, center=config.center,
        )
    else:
        spec = np.abs(librosa.stft(y, n_fft=config.n_fft, hop_length=config.hop_length, center=config.center))
        spec = spec**config.power
    if config.log == "db" and config.power == 2.0:
        return librosa.power_to_db(spec, ref=config.ref, amin=config.amin, top_db=config.top_db)
    if config.log == "db" and config.power == 1.0:
        return librosa.amplitude_to_db(spec, ref=config.ref, amin=config.amin, top_db=config.top_db)
    assert config.log == "none"
    return spec


def assert_matches_librosa(config, got, want):
    assert got.shape == want.shape
    assert np.isfinite(got).all()
    if config.log == "db":
        np.testing.assert_array_less(np.abs(got - want), DB_TOL)
    else:
        rel = np.abs(got - want) / np.maximum(np.abs(want), 1e-12)
        assert rel.max() <= REL_TOL, f"max relative error {rel.max():.2e}"


def run(config, y, **kwargs):
    with torch.inference_mode():
        return build_frontend(config, **kwargs)(torch.from_numpy(y)).numpy()


@pytest.mark.parametrize("config", list(PRESETS.values()), ids=list(PRESETS))
def test_presets_equal_librosa_on_generated_audio(config):
    y = music_like(4.0)
    assert_matches_librosa(config, run(config, y), librosa_reference(config, y))


@pytest.mark.parametrize(
    "config",
    [
        FrontEndConfig(kind="mel", n_fft=1024, hop_length=256, n_mels=64, fmin=30.0, fmax=8000.0, log="none"),
        FrontEndConfig(kind="mel", n_mels=96, log="db", ref=10.0, top_db=80.0),
        FrontEndConfig(kind="stft", n_fft=512, hop_length=160, n_mels=None, power=1.0, log="db", amin=1e-5),
        FrontEndConfig(kind="stft", n_fft=1023, hop_length=300, n_mels=None, power=2.0, log="none"),
        FrontEndConfig(kind="mel", n_mels=40, center=False, log="db"),
    ],
    ids=["mel-linear", "mel-ref-topdb", "stft-amplitude-db", "stft-odd-nfft-power", "mel-no-center"],
)
def test_other_settings_equal_librosa(config):
    y = music_like(2.0, seed=1)
    assert_matches_librosa(config, run(config, y), librosa_reference(config, y))


def _real_clips(root):
    clips = []
    for rel in ("gtzan_mini/genres/classical/classical.00000.flac", "gtzan_mini/genres/metal/metal.00000.flac"):
        if (root / rel).is_file():
            clips.append(load_clip(root / rel))
    waltz = sorted((root / "cc_music").glob("*waltz*.ogg"))
    if waltz:
        clips.append(load_clip(waltz[0]))
    if not clips:
        pytest.skip(f"no gtzan_mini / cc_music clips under {root}")
    return clips


@pytest.mark.parametrize("config", list(PRESETS.values()), ids=list(PRESETS))
def test_presets_equal_librosa_on_real_audio(shared_data, config):
    for y in _real_clips(shared_data):
        assert_matches_librosa(config, run(config, y), librosa_reference(config, y))


@pytest.mark.filterwarnings("ignore:n_fft=.*is too large:UserWarning")
@pytest.mark.parametrize("n_samples", [1, 100, 511, 512, 2047, 2048, 2049, 22050, 22050 + 511])
def test_frame_count_matches_librosa_for_any_length(n_samples):
    y = np.random.default_rng(n_samples).standard_normal(n_samples).astype(np.float32) * 0.1
    got = run(DANCE_CNN_MEL, y)
    assert got.shape == (224, 1 + n_samples // 512)
    assert_matches_librosa(DANCE_CNN_MEL, got, librosa_reference(DANCE_CNN_MEL, y))


@pytest.mark.parametrize("config", [DANCE_CNN_MEL, PRCNN_STFT], ids=["mel", "stft"])
def test_batch_equals_per_item(config):
    batch = np.stack([music_like(1.5, seed=s) for s in range(3)])
    frontend = build_frontend(config)
    with torch.inference_mode():
        together = frontend(torch.from_numpy(batch))
        alone = torch.stack([frontend(torch.from_numpy(item)) for item in batch])
        nested = frontend(torch.from_numpy(batch).reshape(3, 1, -1))
    assert together.shape == (3, config.n_bins, config.n_frames(batch.shape[-1]))
    torch.testing.assert_close(together, alone, rtol=1e-6, atol=1e-5)
    torch.testing.assert_close(nested[:, 0], together)


def test_block_size_does_not_change_the_result():
    y = torch.from_numpy(music_like(2.0))
    with torch.inference_mode():
        small = build_frontend(BBNN_MEL, block_frames=3)(y)
        large = build_frontend(BBNN_MEL, block_frames=10_000)(y)
    torch.testing.assert_close(small, large, rtol=1e-6, atol=1e-5)


def test_output_is_float32_for_float64_input():
    y = music_like(1.0).astype(np.float64)
    out = build_frontend(DANCE_CNN_MEL)(torch.from_numpy(y))
    assert out.dtype == torch.float32


def test_float32_precision_is_close_but_float64_is_exact():
    y = music_like(3.0)
    want = librosa_reference(DANCE_CNN_MEL, y)
    err64 = np.abs(run(DANCE_CNN_MEL, y) - want).max()
    err32 = np.abs(run(DANCE_CNN_MEL, y, precision="float32") - want).max()
    assert err64 < DB_TOL
    assert err32 < 0.5  # float32 FFT: fine for a CNN, not librosa-exact in quiet bands


def test_module_has_no_state_to_save_and_moves_with_to():
    frontend = build_frontend(DANCE_CNN_MEL)
    assert frontend.state_dict() == {}  # rebuilt from the config; nothing to store in checkpoints
    assert {name for name, _ in frontend.named_buffers()} == {"window", "mel_basis"}
    assert frontend.to("cpu").mel_basis.device.type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
@pytest.mark.parametrize("config", list(PRESETS.values()), ids=list(PRESETS))
def test_cuda_equals_cpu(config):
    y = torch.from_numpy(np.stack([music_like(2.0, seed=s) for s in range(2)]))
    frontend = build_frontend(config)
    with torch.inference_mode():
        cpu = frontend(y)
        gpu = frontend.to("cuda")(y.to("cuda"))
    assert gpu.device.type == "cuda"
    torch.testing.assert_close(gpu.cpu(), cpu, rtol=1e-4, atol=1e-3)


def test_empty_signal_is_an_empty_audio_error():
    with pytest.raises(EmptyAudioError):
        build_frontend(DANCE_CNN_MEL)(torch.zeros(0))


def test_integer_samples_are_refused():
    with pytest.raises(AudioError, match="floating-point"):
        build_frontend(DANCE_CNN_MEL)(torch.zeros(4096, dtype=torch.int16))


def test_uncentred_signal_shorter_than_a_frame_is_refused():
    config = FrontEndConfig(kind="stft", n_fft=1024, hop_length=512, n_mels=None, center=False)
    with pytest.raises(AudioError, match="shorter than one frame"):
        build_frontend(config)(torch.zeros(1000))


def test_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="precision"):
        build_frontend(DANCE_CNN_MEL, precision="float16")
