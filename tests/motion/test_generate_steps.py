"""Generating dance steps from music: chunked = one pass = live, dance names, seeds, the CLI."""

import numpy as np
import pytest
import soundfile as sf
import torch

from dancekit.features import step_audio
from dancekit.features.step_phase import PHASE_DIM, music_grid
from dancekit.models.dance_rnn import build_dance_rnn, load_dance_rnn, make_card
from dancekit.models.files import save_model
from dancekit.cli import main as cli_main
from dancekit.models.lstm_precision import packed_supported
from dancekit.motion.generate import (
    StepGenerationError,
    StepGenerator,
    check_precision,
    default_precision,
    generate_features,
    resolve_dance,
)

D = 5
DANCES = ["Cha Cha Cha", "Rumba", "Slow Waltz", "Tango"]
TINY = dict(conv_channels=(4, 4, 4, 6), hidden=10, encoder_layers=1, decoder_layers=2, code_dim=6, dance_dim=3)
MEAN_POSE = [0.2, -0.1, 0.0, 0.4, -0.3]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    torch.manual_seed(0)
    net = build_dance_rnn(D, n_dances=4, dances=DANCES, **TINY).eval()
    frontend = {"kind": "step_audio", "motion": {"mean_pose": MEAN_POSE, "normaliser": None}}
    folder = tmp_path_factory.mktemp("steps") / "model"
    save_model(net, make_card("tiny_steps", net, frontend), folder)
    return folder


def song(seconds=2.5, sr=16000, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    y = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(len(t))
    for k in range(int(seconds * 2)):
        s = int(k * 0.5 * sr)
        y[s:s + 200] += rng.standard_normal(200) * 0.8
    return y.astype(np.float32)


def test_dance_names_are_forgiving_and_unknown_ones_are_clear():
    assert resolve_dance("waltz", DANCES) == 2 and resolve_dance("Slow Waltz", DANCES) == 2
    assert resolve_dance("cha-cha", DANCES) == 0 and resolve_dance("CHACHA", DANCES) == 0
    assert resolve_dance("RUMBA", DANCES) == 1 and resolve_dance("tango", DANCES) == 3
    with pytest.raises(StepGenerationError, match='knows Cha Cha Cha, Rumba, Slow Waltz and Tango .*"jive" is not one'):
        resolve_dance("jive", DANCES)
    with pytest.raises(StepGenerationError, match='"moonwalk" is not a dance name; the step model knows Cha Cha Cha'):
        resolve_dance("moonwalk", DANCES)
    assert resolve_dance("Hustle", ["Hustle"]) == 0  # a custom model's own dance
    with pytest.raises(StepGenerationError, match="not dance-conditioned"):
        resolve_dance("waltz", [])


def test_chunked_generation_equals_one_pass_from_the_mean_pose(model_dir):
    y = song()
    calls = []
    features, gen = generate_features(y, model_dir, "waltz", chunk_seconds=0.37, precision="fp32",
                                      progress=lambda done, total: calls.append((done, total)))
    n = step_audio.frames_for_samples(len(y))
    assert features.shape == (n, D)
    assert calls[-1] == (n, n) and all(a[0] <= b[0] for a, b in zip(calls, calls[1:])) and len(calls) > 5
    net = load_dance_rnn(model_dir).network
    x = step_audio.step_audio_features(y / np.abs(y).max())[None]
    with torch.no_grad():
        whole, _ = net(x, torch.tensor([MEAN_POSE]), 2)
    assert np.allclose(features, whole[0].numpy(), atol=1e-5)
    assert gen.dance == "Slow Waltz"


def test_with_two_threads_the_encoder_halves_run_ahead_in_their_own_threads_same_steps(model_dir, monkeypatch):
    import threading

    y = song(seconds=2.0, seed=4)
    one, _ = generate_features(y, model_dir, "rumba", chunk_seconds=0.3, precision="fp32")
    where = []
    for name in ("_patches", "_sequence"):
        method = getattr(StepGenerator, name)

        def recording(self, x, method=method, name=name):
            where.append((name, threading.current_thread().name.rsplit("_", 1)[0], torch.get_num_threads()))
            return method(self, x)

        monkeypatch.setattr(StepGenerator, name, recording)
    torch.set_num_threads(2)  # the fixture puts 1 back afterwards
    calls = []
    two, _ = generate_features(y, model_dir, "rumba", chunk_seconds=0.3, precision="fp32",
                               progress=lambda done, total: calls.append((done, total)))
    assert np.allclose(two, one, atol=1e-6)
    assert sorted(set(where)) == [("_patches", "step-encoder-conv", 1), ("_sequence", "step-encoder-lstm", 1)]
    assert len(where) == 2 * 8  # 7 chunks and the end, each through both halves
    assert torch.get_num_threads() == 2  # put back afterwards
    assert calls[-1] == (len(one), len(one)) and all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))


def test_live_pushes_give_the_same_steps(model_dir):
    y = song(seed=1)
    y = y / np.abs(y).max()
    offline, _ = generate_features(y, model_dir, "rumba")
    live = StepGenerator(model_dir, "rumba")
    parts = [live.push(y[i:i + 534]) for i in range(0, len(y), 534)] + [live.finish()]
    assert np.allclose(np.concatenate(parts), offline, atol=1e-5)


@pytest.mark.skipif(not packed_supported(), reason="no fbgemm (not an x86 build of torch)")
@pytest.mark.parametrize("precision", ["fp16", "int8"])
def test_live_pushes_give_the_same_steps_at_each_cpu_precision(model_dir, precision):
    y = song(seed=2)
    y = y / np.abs(y).max()
    offline, gen = generate_features(y, model_dir, "tango", chunk_seconds=0.41, precision=precision)
    live = StepGenerator(model_dir, "tango", precision=precision)
    parts = [live.push(y[i:i + 534]) for i in range(0, len(y), 534)] + [live.finish()]
    fp32, _ = generate_features(y, model_dir, "tango", precision="fp32")
    assert gen.precision == live.precision == precision
    assert np.allclose(np.concatenate(parts), offline, atol=1e-5)
    assert np.allclose(offline, fp32, atol=0.1)  # float32 weights rounded: close, not equal


def test_cpu_default_precision_and_refused_ones():
    assert default_precision("cuda") == "fp32"
    assert default_precision("cpu") == ("fp16" if packed_supported() else "fp32")
    assert check_precision(None, "cpu") == default_precision("cpu") and check_precision("fp32", "cuda:1") == "fp32"
    with pytest.raises(StepGenerationError, match="int8 runs on the CPU only, not on cuda; use fp32 there"):
        check_precision("int8", "cuda")
    with pytest.raises(StepGenerationError, match="precision must be one of fp32, fp16, int8, not 'bf16'"):
        check_precision("bf16", "cpu")


def test_dance_and_seed_change_the_steps_reproducibly(model_dir):
    y = song(seconds=1.0)
    waltz, _ = generate_features(y, model_dir, "waltz")
    tango, _ = generate_features(y, model_dir, "tango")
    s1, _ = generate_features(y, model_dir, "waltz", seed=1)
    s1b, _ = generate_features(y, model_dir, "waltz", seed=1)
    assert not np.allclose(waltz, tango) and not np.allclose(waltz, s1)
    assert np.array_equal(s1, s1b)


def test_resampling_and_seconds(model_dir):
    y22 = song(seconds=2.0, sr=22050)
    features, _ = generate_features(y22, model_dir, "waltz", seconds=1.0, sample_rate=22050)
    assert features.shape == (30, D)


def test_generate_steps_returns_a_motion_clip(tmp_path):
    from dancekit.motion import MotionClip
    from dancekit.motion.features import FEATURE_DIM, MotionNormalizer
    from dancekit.motion.generate import generate_steps

    torch.manual_seed(0)
    net = build_dance_rnn(FEATURE_DIM, n_dances=4, dances=DANCES, **TINY).eval()
    rng = np.random.default_rng(0)
    normaliser = MotionNormalizer.fit(rng.standard_normal((50, FEATURE_DIM)).astype(np.float32))
    frontend = {"kind": "step_audio", "motion": {"mean_pose": [0.0] * FEATURE_DIM, "normaliser": normaliser.to_dict()}}
    save_model(net, make_card("tiny", net, frontend), tmp_path / "m")
    clip = generate_steps(song(seconds=1.0), tmp_path / "m", "tango")
    assert isinstance(clip, MotionClip) and len(clip) == 30 and clip.fps == 30
    assert clip.meta["dance"] == "Tango"


def test_cli_errors_are_one_line_with_exit_codes(model_dir, tmp_path, capsys):
    wav = tmp_path / "song.wav"
    sf.write(wav, song(seconds=1.0), 16000)
    assert cli_main(["generate", str(wav), "--dance", "jive", "--model", str(model_dir), "-o", str(tmp_path / "x.bvh")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ('error: the step model knows Cha Cha Cha, Rumba, Slow Waltz and Tango (the dances it has '
                   'motion capture of); "jive" is not one of them')
    assert cli_main(["generate", str(tmp_path / "missing.mp3"), "--model", str(model_dir)]) == 3
    assert "not found" in capsys.readouterr().err
    assert cli_main(["generate", str(wav), "--model", str(tmp_path / "no_model")]) == 4
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as bad:
        cli_main(["generate", str(wav), "--precision", "half"])
    assert bad.value.code == 2 and "invalid choice: 'half'" in capsys.readouterr().err
    assert not (tmp_path / "x.bvh").exists()


@pytest.fixture
def pose_model(tmp_path):
    """A tiny untrained generator of the Tang motion vector (with a normaliser), saved as ``tmp_path / "m"``."""
    from dancekit.motion.features import FEATURE_DIM, MotionNormalizer

    torch.manual_seed(0)
    net = build_dance_rnn(FEATURE_DIM, n_dances=4, dances=DANCES, **TINY).eval()
    normaliser = MotionNormalizer.fit(np.random.default_rng(0).standard_normal((50, FEATURE_DIM)).astype(np.float32))
    frontend = {"kind": "step_audio", "motion": {"mean_pose": [0.0] * FEATURE_DIM, "normaliser": normaliser.to_dict()}}
    save_model(net, make_card("tiny", net, frontend), tmp_path / "m")
    return tmp_path / "m"


def test_cli_writes_a_bvh(tmp_path, capsys, pose_model):
    wav = tmp_path / "song.wav"
    sf.write(wav, song(seconds=1.0), 16000)
    out = tmp_path / "steps.bvh"
    assert cli_main(["generate", str(wav), "--dance", "Waltz", "--model", str(tmp_path / "m"), "-o", str(out)]) == 0
    assert out.read_text().startswith("HIERARCHY") and "Frames: 30" in out.read_text()


def test_cli_video_carries_the_song(tmp_path, capsys, pose_model):
    """The MP4 of ``--video`` has the music muxed in: an AAC stream as long as the steps."""
    import av

    wav = tmp_path / "song.wav"
    sf.write(wav, song(seconds=3.0), 16000)
    video = tmp_path / "steps.mp4"
    assert cli_main(["generate", str(wav), "--dance", "tango", "--model", str(tmp_path / "m"),
                     "-o", str(tmp_path / "s.bvh"), "--video", str(video), "--seconds", "2"]) == 0
    with av.open(str(video)) as container:
        kinds = sorted(s.type for s in container.streams)
        sound = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio=0)])
        rate = container.streams.audio[0].sample_rate
    assert kinds == ["audio", "video"]
    assert abs(len(sound) / rate - 2.0) < 0.05
    assert np.sqrt(np.mean(sound ** 2)) > 0.05  # the song, not silence


@pytest.fixture(scope="module")
def phase_model_dir(tmp_path_factory):
    torch.manual_seed(3)
    net = build_dance_rnn(D, n_dances=4, dances=DANCES, phase_dim=PHASE_DIM, **TINY).eval()
    frontend = {"kind": "step_audio", "motion": {"mean_pose": MEAN_POSE, "normaliser": None}}
    folder = tmp_path_factory.mktemp("steps") / "phase_model"
    save_model(net, make_card("tiny_phase_steps", net, frontend), folder)
    return folder


def test_a_phase_model_hears_the_beats_of_the_whole_song_and_streams_live_with_them(phase_model_dir, monkeypatch):
    y = song(seconds=6, seed=4)
    y = y / np.abs(y).max()
    grid = music_grid(y, 16000)
    assert grid.usable
    offline, gen = generate_features(y, phase_model_dir, "waltz", chunk_seconds=1.0)
    assert gen.phase_aware and np.allclose(gen.beat_grid.beats, grid.beats)
    live = StepGenerator(phase_model_dir, "waltz", beat_grid=grid)
    parts = [live.push(y[i:i + 534]) for i in range(0, len(y), 534)] + [live.finish()]
    assert np.allclose(np.concatenate(parts), offline, atol=1e-5)
    # the phase is an input: other beats, other steps
    moved = StepGenerator(phase_model_dir, "waltz", beat_grid=grid.stretched(1.3))
    other = np.concatenate([moved.push(y), moved.finish()])
    assert not np.allclose(other, offline, atol=1e-3)
    with pytest.raises(StepGenerationError, match="follows the beat"):
        StepGenerator(phase_model_dir, "waltz")
