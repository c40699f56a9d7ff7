"""Training of the dance-step generator: losses, batches, determinism, interrupt and resume."""

import os
import signal

import numpy as np
import pytest
import torch

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


def test_time_budget_stops_and_validates_the_last_weights(data):
    result = train_steps(tiny_model(), data.subset([0, 2]), data.subset([1]),
                         config(steps=1000, val_every=500, max_minutes=0.0))
    assert result.steps_done == 0
    result = train_steps(tiny_model(), data.subset([0, 2]), data.subset([1]),
                         config(steps=1000, val_every=500, max_minutes=1e-9))
    assert result.steps_done == 1 and result.history[-1].val_mse is not None and result.best_step == 1

