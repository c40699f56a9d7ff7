import numpy as np
import pytest
import torch
from toy_audio import toy_recording

from dancekit.features import DANCE_CNN_MEL, build_frontend
from dancekit.models import build_dance_cnn
from dancekit.training import SegmentSampler
from dancekit.training.engine import fit
from dancekit.training.recipes import get_recipe
from dancekit.training.spectrograms import SpectrogramSet


def test_sampler_balances_classes_whatever_the_recording_counts():
    specs = [torch.zeros(4, 300)] * 9 + [torch.ones(4, 300)]  # 9 recordings of class 0, one of class 1
    sampler = SegmentSampler(specs, [0] * 9 + [1], segment_frames=224, seed=0)
    labels = torch.cat([sampler.batch(8)[1] for _ in range(200)]).numpy()
    assert 0.45 < labels.mean() < 0.55


def test_sampler_crops_random_segments_and_loops_short_ones():
    ramp = torch.arange(1000.0).repeat(2, 1)
    sampler = SegmentSampler([ramp, torch.arange(100.0).repeat(2, 1)], [0, 1], segment_frames=224, seed=1)
    starts = {int(sampler.crop(0)[0, 0]) for _ in range(50)}
    assert len(starts) > 20 and max(starts) <= 1000 - 224
    assert sampler.crop(1).shape == (2, 224)


def test_sampler_rejects_mismatched_labels():
    with pytest.raises(ValueError):
        SegmentSampler([torch.zeros(2, 300)], [0, 1])


def test_training_reduces_the_loss_on_toy_dances():
    torch.manual_seed(0)
    frontend = build_frontend(DANCE_CNN_MEL)
    with torch.inference_mode():
        specs = [frontend(torch.from_numpy(toy_recording(i % 2, 8.0, i))) for i in range(6)]
    data = SpectrogramSet(specs, np.asarray([i % 2 for i in range(6)]), [f"r{i}" for i in range(6)], ["a", "b"])
    network = build_dance_cnn("small_cnn", 2, width=8)
    recipe = get_recipe("dance_cnn", architecture="small_cnn", batches_per_epoch=8, max_epochs=5, learning_rate=2e-3)
    result = fit(network, recipe, data, data, seed=0, amp=False)
    losses = [record.train_loss for record in result.history]
    assert len(losses) == 5
    assert losses[-1] < 0.5 * losses[0]
    assert not network.training  # left in eval mode, ready for inference


def test_a_recording_shorter_than_one_segment_still_gives_one_looped_segment():
    """A 29.98 s GTZAN clip against BBNN's 30 s segment must be trained on and scored, not dropped."""
    short, long = torch.arange(640.0).repeat(2, 1), torch.zeros(2, 1400)
    data = SpectrogramSet([short, long], [0, 1], ["a", "b"], ["x", "y"])
    index = data.segment_index(647, 647)
    assert index == [(0, 0), (1, 0), (1, 647)]
    looped = data.segment(0, 0, 647)
    assert looped.shape == (2, 647) and torch.equal(looped[:, :640], short) and torch.equal(looped[:, 640:], short[:, :7])
