"""Training of the dance-step generator: losses, batches, determinism, interrupt and resume."""

import os
import signal

import numpy as np
import pytest
import torch
from recipe_loader import RECIPES, load_recipe

from dancekit.features.step_audio import N_BINS, N_STFT, quantise_power, slice_power
from dancekit.models.dance_rnn import build_dance_rnn
from dancekit.training.checkpoint import CheckpointError
from dancekit.training.steps import (
    StepData,
    StepDataError,
    StepTrainConfig,
    contrastive_loss,
    direction_labels,
    sample_batch,
    speed_loss,
    train_steps,
)

D = 6
TINY = dict(conv_channels=(4, 4, 4, 6), hidden=12, encoder_layers=1, decoder_layers=1, code_dim=6)


def toy_data(lengths=(120, 90, 150), seed=0) -> StepData:
    """Clicks every 15 frames in noise; the motion (an offset pose) swings with the clicks."""
    rng = np.random.default_rng(seed)
    codes, motion = [], []
    for n in lengths:
        audio = rng.standard_normal(n * 534).astype(np.float32) * 0.01
        for k in range(0, n, 15):
            s = (k * 16000) // 30
            audio[s:s + 200] += rng.standard_normal(200).astype(np.float32)
        codes.append(quantise_power(slice_power(audio, n)))
        phase = np.arange(n) * 2 * np.pi / 15
        pose = np.stack([0.5 * (-1) ** j + 0.3 * np.sin(phase + j) for j in range(D)], 1)
        pose += 0.01 * rng.standard_normal(pose.shape)  # every window unique
        motion.append(torch.as_tensor(pose, dtype=torch.float32))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return StepData(torch.cat(codes), torch.cat(motion), offsets, np.arange(len(lengths)) % 2,
                    np.full(len(lengths), 0.02), [f"song{i}" for i in range(len(lengths))])


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def data():
    return toy_data()


def tiny_model(seed=0, dances=0):
    torch.manual_seed(seed)
    return build_dance_rnn(D, n_dances=dances, dance_dim=3, dances=["a", "b"][:dances], **TINY)


def config(**kw):
    base = dict(variant="s2s-mc", sequence=12, batch_size=3, steps=6, val_every=2, checkpoint_every=2,
                val_sequences=3, seed=3)
    base.update(kw)
    return StepTrainConfig(**base)


def test_batches_are_windows_of_the_songs_with_the_frame_before(data):
    g = torch.Generator().manual_seed(0)
    b = sample_batch(data, 8, 10, (None, 0.0), g)
    assert b.audio.shape == (8, 10, N_BINS, N_STFT) and b.target.shape == (8, 10, D)
    assert float(b.audio.min()) >= -1.0 and float(b.audio.max()) <= 1.0
    motion = data.motion.numpy()
    for i in range(8):
        # the window is contiguous in one song and `first` is the frame just before it
        hits = [s for s in range(1, len(motion) - 9) if np.array_equal(motion[s:s + 10], b.target[i].numpy())]
        assert hits and np.array_equal(motion[hits[0] - 1], b.first[i].numpy())
        song = np.searchsorted(data.offsets, hits[0], side="right") - 1
        assert data.offsets[song] < hits[0] and hits[0] + 10 <= data.offsets[song + 1]
        assert int(b.dance[i]) == data.dance[song]


def test_noise_conditions_change_the_audio_and_clean_does_not(data):
    clean = sample_batch(data, 4, 10, (None,), torch.Generator().manual_seed(1))
    noisy = sample_batch(data, 4, 10, (0.0,), torch.Generator().manual_seed(1))
    assert torch.equal(clean.target, noisy.target)
    assert (noisy.audio - clean.audio).abs().mean() > 0.05
    again = sample_batch(data, 4, 10, (None,), torch.Generator().manual_seed(1))
    assert torch.equal(clean.audio, again.audio)


def test_too_short_songs_are_a_clear_error(data):
    with pytest.raises(StepDataError, match="longer than"):
        sample_batch(data, 2, 500, (None,), torch.Generator())


def test_direction_labels_mark_turns_of_the_pose_spread():
    spread = torch.tensor([1.0, 2.0, 3.0, 2.0, 1.0, 2.0])  # rises, rises, falls, falls, rises
    frames = torch.stack([torch.tensor([-s, s]) for s in spread])[None]  # std grows with s
    labels = direction_labels(frames[:, 0], frames[:, 1:])
    assert labels.tolist() == [[1.0, 0.0, 1.0, 0.0]]


def test_contrastive_loss_pulls_same_and_pushes_different():
    codes = torch.tensor([[[0.0, 0.0], [0.5, 0.0], [0.5, 0.0]]])
    same = contrastive_loss(codes, torch.tensor([[1.0, 1.0]]), margin=3.0)
    assert same == pytest.approx(0.5 * (0.25 + 0.0) / 2)
    different = contrastive_loss(codes, torch.tensor([[0.0, 0.0]]), margin=3.0)
    assert different == pytest.approx(0.5 * ((3 - 0.5) ** 2 + 9.0) / 2)


def test_training_lowers_the_error_and_keeps_the_best_validation_weights(data):
    model = tiny_model()
    train, val = data.subset([0, 2]), data.subset([1])
    result = train_steps(model, train, val, config(steps=30, val_every=10, learning_rate=1e-2, batch_size=6))
    first = np.mean([h.mse for h in result.history[:3]])
    last = np.mean([h.mse for h in result.history[-3:]])
    assert last < 0.5 * first
    vals = {h.step: h.val_mse for h in result.history if h.val_mse is not None}
    assert set(vals) == {10, 20, 30}
    assert result.best_step == min(vals, key=vals.get) and result.best_val_mse == min(vals.values())
    assert not model.training


def test_s2s_has_no_contrastive_term_and_mc_has_one(data):
    r1 = train_steps(tiny_model(), data, None, config(variant="s2s", steps=2))
    r2 = train_steps(tiny_model(), data, None, config(variant="s2s-mc", steps=2))
    assert all(h.contrastive == 0 for h in r1.history) and all(h.contrastive > 0 for h in r2.history)
    assert r2.history[0].loss == pytest.approx(r2.history[0].mse + r2.history[0].contrastive / 12, rel=1e-5)


def test_speed_loss_ignores_phase_and_punishes_a_frozen_figure():
    t = torch.arange(40.0)
    dancer = torch.stack([torch.sin(t / 3), torch.cos(t / 5)], dim=-1)[None]  # [1, 40, 2]
    late = torch.stack([torch.sin((t + 7) / 3), torch.cos((t + 7) / 5)], dim=-1)[None]  # the same steps, later
    frozen = dancer.mean(dim=1, keepdim=True).expand_as(dancer)
    assert speed_loss(dancer, dancer) == 0
    assert speed_loss(late, dancer) < 0.01 * speed_loss(frozen, dancer)
    assert speed_loss(frozen, dancer) > 0.02


def test_speed_loss_is_not_met_by_jitter():
    t = torch.arange(60.0)
    dancer = torch.sin(t / 4)[None, :, None]  # [1, 60, 1]: smooth swings
    frame_speed = dancer.diff(dim=1).abs().mean()
    shaking = (0.5 * frame_speed * (-1) ** t)[None, :, None]  # the dancer's frame-to-frame speed, all jitter
    assert (shaking.diff(dim=1).abs().mean() - frame_speed).abs() < 1e-6  # a lag-1 match...
    frozen = torch.zeros_like(dancer)
    assert speed_loss(shaking, dancer) > 0.5 * speed_loss(frozen, dancer)  # ...is no better than standing still
    assert speed_loss(shaking, dancer) > 20 * speed_loss(0.9 * dancer, dancer)


def test_speed_term_enters_the_loss_only_when_asked(data):
    plain = train_steps(tiny_model(), data, None, config(variant="s2s", steps=1))
    lively = train_steps(tiny_model(), data, None, config(variant="s2s", steps=1, speed_weight=5.0))
    assert plain.history[0].loss == pytest.approx(plain.history[0].mse, rel=1e-6)
    assert lively.history[0].mse == pytest.approx(plain.history[0].mse, rel=1e-6)  # same model, same batch
    assert lively.history[0].loss > lively.history[0].mse


def test_dance_conditioned_model_trains(data):
    model = tiny_model(dances=2)
    result = train_steps(model, data, None, config(steps=2))
    assert result.steps_done == 2 and model.dance_embedding.weight.grad is not None


def _weights(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def test_interrupt_and_resume_ends_with_the_same_weights(data, tmp_path):
    train, val = data.subset([0, 2]), data.subset([1])
    whole = tiny_model()
    train_steps(whole, train, val, config(), checkpoint=tmp_path / "whole.pt")

    # Ctrl-C after update 3 (between checkpoints): a checkpoint is written at once, then it stops.
    def press_ctrl_c(step, record):
        if step == 3:
            os.kill(os.getpid(), signal.SIGINT)

    ck = tmp_path / "parts.pt"
    with pytest.raises(KeyboardInterrupt):
        train_steps(tiny_model(), train, val, config(), checkpoint=ck, on_step=press_ctrl_c)
    # a crash after update 5: only the periodic checkpoint of update 4 survives
    def crash(step, record):
        if step == 5:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        train_steps(tiny_model(seed=9), train, val, config(), checkpoint=ck, on_step=crash)
    resumed = tiny_model(seed=5)  # different init: everything must come from the checkpoint
    result = train_steps(resumed, train, val, config(), checkpoint=ck)
    assert result.resumed_from == 4 and result.steps_done == 6
    expected, got = _weights(whole), _weights(resumed)
    assert all(torch.equal(expected[k], got[k]) for k in expected)
    assert [h.step for h in result.history] == list(range(1, 7))


def test_checkpoint_of_another_recipe_is_refused(data, tmp_path):
    ck = tmp_path / "ck.pt"
    train_steps(tiny_model(), data, None, config(steps=2), checkpoint=ck)
    with pytest.raises(CheckpointError, match="another recipe"):
        train_steps(tiny_model(), data, None, config(steps=4, variant="s2s"), checkpoint=ck)
    # a longer run of the same recipe continues
    result = train_steps(tiny_model(), data, None, config(steps=4), checkpoint=ck)
    assert result.resumed_from == 2 and result.steps_done == 4


# --- the recipe's train step on a machine with torch and numpy only ------------------------------

RECIPE = str(RECIPES / "dance_steps.py")
AUDIO_LIBS = ("librosa", "soundfile", "av", "soxr", "mir_eval", "scipy", "matplotlib", "torchvision", "sklearn")


def _recipe():
    return load_recipe("dance_steps")


def test_recipe_trains_without_audio_libraries_and_writes_a_loadable_model(data, tmp_path):
    import json
    import subprocess
    import sys

    from dancekit.models.dance_rnn import load_dance_rnn

    recipe = _recipe()
    sides = ["train", "val", "train"]
    songs = [{"name": f"DANCE_W_{i}", "side": sides[i], "dance": int(data.dance[i]),
              "codes": data.power_codes[data.offsets[i]:data.offsets[i + 1]].numpy(),
              "motion": data.motion[data.offsets[i]:data.offsets[i + 1]].numpy(),
              "signal_power": float(data.signal_power[i])} for i in range(len(data))]
    meta = {"dances": recipe.TANG_ORDER, "split": dict(zip([s["name"] for s in songs], sides)),
            "normaliser": {"kind": "test"}, "mean_pose": [0.0] * D, "fps": 30}
    npz = recipe.write_dataset(tmp_path / "steps.npz", songs, meta)
    block = "import sys\nfor m in %r: sys.modules[m] = None\n" % (AUDIO_LIBS,)
    run = (block + "sys.argv = ['dance_steps.py', 'train', %r, '--out', %r, '--size', 'tiny', '--steps', '3', "
           "'--batch', '2', '--sequence', '10', '--val-every', '2', '--checkpoint-every', '2', '--device', 'cpu', "
           "'--quiet']\nimport runpy\nrunpy.run_path(%r, run_name='__main__')\n"
           "bad = sorted(m for m in %r if sys.modules.get(m) is not None)\nassert not bad, bad\n"
           % (str(npz), str(tmp_path / "model"), RECIPE, AUDIO_LIBS))
    done = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    model = load_dance_rnn(tmp_path / "model")
    card = json.loads((tmp_path / "model" / "model.json").read_text())
    assert model.network.conditioned and model.card.classes == recipe.TANG_ORDER
    assert card["frontend"]["motion"]["normaliser"] == {"kind": "test"}
    assert card["training"]["steps_done"] == 3 and card["training"]["trained_on"] == ["DANCE_W_0", "DANCE_W_2"]
    assert card["training"]["validated_on"] == ["DANCE_W_1"] and card["training"]["split"]["DANCE_W_1"] == "val"
    assert (tmp_path / "model" / "checkpoint.pt").is_file()

    # ship: the held-out scores go into the card of a float16 copy named after its folder
    row = {"song": "DANCE_W_9", "dance": "Slow Waltz", "trained": False, "condition": "clean", "f_score": 0.2,
           "f_chance": 0.1, "motion_beats": 30, "seconds": 60.0, "bas": 0.4}
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{**row, "method": "Dancer"}]))
    shipped = tmp_path / "dance_steps"
    argv = ["ship", "--model", str(tmp_path / "model"), "--results", str(results), "--out", str(shipped)]
    with pytest.raises(SystemExit, match="no rows of S2S-MC"):
        recipe.main(argv)
    results.write_text(json.dumps([{**row, "method": "Dancer"}, {**row, "method": "S2S-MC", "f_score": 0.15}]))
    assert recipe.main(argv) == 0
    card = json.loads((shipped / "model.json").read_text())
    assert card["name"] == "dance_steps" and card["metrics"]["evaluation"]["S2S-MC"]["clean"]["f_score"] == 0.15
    assert card["metrics"]["evaluation"]["Dancer"]["clean"]["motion_beats_per_min"] == 30
    assert load_dance_rnn(shipped).card.name == "dance_steps"
    assert recipe.main([*argv[:3], "--results", str(tmp_path / "missing.json"), "--out", str(shipped)]) == 2


def test_recipe_evaluation_measures_behave():
    recipe = _recipe()
    rng = np.random.default_rng(0)
    y = (0.3 * np.sin(2 * np.pi * 220 * np.arange(32000) / 16000)).astype(np.float32)
    for condition in ("white20", "claps20", "crowd20"):
        noise = recipe.condition_audio(y, condition, rng) - y
        assert 10 * np.log10(np.mean(y**2) / np.mean(noise**2)) == pytest.approx(20.0, abs=0.01)
    assert recipe.condition_audio(y, "clean", rng) is y
    music = np.arange(0.5, 60, 0.5)
    assert recipe.beat_alignment_score(music + 0.01, music) > 0.99
    assert recipe.beat_alignment_score(music + 0.25, music) == pytest.approx(np.exp(-0.25**2 / (2 * 0.1**2)))
    on_beat = recipe.chance_f_score(music[::2], music, 0.0, 60.0, rng)
    assert on_beat < 0.5  # half the beats, shifted off the grid, score far below a perfect 0.67
    real = rng.uniform(-1, 1, (500, 3))
    same = recipe.motion_histogram_cross_entropy(real, rng.uniform(-1, 1, (500, 3)))
    frozen = recipe.motion_histogram_cross_entropy(real, np.zeros((500, 3)))
    assert same < np.log(40) + 0.2 < frozen


def test_time_budget_stops_and_validates_the_last_weights(data):
    result = train_steps(tiny_model(), data.subset([0, 2]), data.subset([1]),
                         config(steps=1000, val_every=500, max_minutes=0.0))
    assert result.steps_done == 0
    result = train_steps(tiny_model(), data.subset([0, 2]), data.subset([1]),
                         config(steps=1000, val_every=500, max_minutes=1e-9))
    assert result.steps_done == 1 and result.history[-1].val_mse is not None and result.best_step == 1


def test_smooth_share_tells_dancing_from_shaking():
    from dancekit.motion import MotionClip

    movement = load_recipe("dance_steps")
    t = np.arange(300) / 30.0
    swing = np.sin(2 * np.pi * 0.8 * t)[:, None, None] * np.ones((1, 4, 3)) * 20  # a smooth step every 1.25 s
    shaking = np.random.default_rng(0).normal(0, 2, (300, 4, 3))
    smooth, shaky = (MotionClip(j, np.zeros((300, 3)), 30.0) for j in (swing, shaking))
    assert movement.smooth_share(smooth) > 0.9
    assert movement.smooth_share(shaky) < 0.3
    assert movement.smooth_share(MotionClip(np.zeros((30, 4, 3)), np.zeros((30, 3)), 30.0)) == 1.0
