"""BBNN (paper 2): Table 1's sizes and parameter count, learnability, model-file round trip."""

import pytest
import torch
from toy_spectrograms import losses_of_a_few_steps
from torch import nn

from dancekit.errors import ModelError
from dancekit.features.config import BBNN_MEL
from dancekit.models.bbnn import BBNN, PAPER_PARAMETERS, build_bbnn, paper_parameter_count
from dancekit.models.errors import InputShapeError
from dancekit.models.files import ModelCard, load_model, save_model
from dancekit.models.registry import build_network


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_parameter_count_is_table_1s():
    net = build_bbnn(10)
    assert paper_parameter_count(net) == PAPER_PARAMETERS == 180_458
    # Table 1 row by row: SL conv, Inception (a)/(b)/(c) top + bottom, TL conv, softmax dense.
    parts = [net.shallow, *net.broadcast.blocks, net.transition, net.classifier]
    assert [paper_parameter_count(p) for p in parts] == [320, 3_168 + 35_936, 15_456 + 40_032, 27_744 + 44_128,
                                                         13_344, 330]
    # What the paper leaves out: gamma and beta of the 2,560 BN channels (BN-ReLU-Conv everywhere).
    bn_channels = sum(m.num_features for m in net.modules() if isinstance(m, nn.BatchNorm2d))
    assert bn_channels == 2_560
    assert sum(p.numel() for p in net.parameters() if p.requires_grad) == 180_458 + 2 * bn_channels == 185_578


def test_30_second_mel_gives_table_1s_feature_map_sizes():
    frames = BBNN_MEL.n_frames(661_794)  # a GTZAN clip: 661,794 samples (30.01 s) at 22,050 Hz
    assert (BBNN_MEL.n_bins, frames) == (128, 647)  # the paper's 647 x 128 input
    net = build_bbnn(10).eval()
    sizes = {}

    def record(name):
        def hook(_module, _inputs, output):
            sizes[name] = tuple(output.shape[1:])
        return hook

    for name in ("shallow", "broadcast", "transition"):
        getattr(net, name).register_forward_hook(record(name))
    with torch.inference_mode():
        out = net(torch.randn(1, BBNN_MEL.n_bins, frames))
    assert out.shape == (1, 10)
    # channels x time x bands, Table 1: 161x128x32, 161x128x416, 80x64x32
    assert sizes == {"shallow": (32, 161, 128), "broadcast": (416, 161, 128), "transition": (32, 80, 64)}


def test_inputs_with_and_without_channel_axis_agree_and_level_does_not_matter():
    torch.manual_seed(0)
    net = build_bbnn(3).eval()
    x = torch.randn(2, 32, 24)
    with torch.inference_mode():
        ref = net(x)
        assert torch.allclose(ref, net(x.unsqueeze(1)), atol=1e-6)
        assert torch.allclose(ref, net(x + 20.0), atol=1e-4)  # +20 dB louder


def _toy_batch(n=4, bands=16, frames=16, seed=0):
    """Two separable classes: energy in the low or in the high half of the bands."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    x = torch.randn(n, bands, frames, generator=g)
    for i, label in enumerate(labels):
        half = slice(0, bands // 2) if label == 0 else slice(bands // 2, bands)
        x[i, half] += 3.0
    return x, labels


def test_a_few_steps_reduce_the_loss_on_a_separable_batch():
    torch.manual_seed(0)
    net = build_bbnn(2).train()
    x, y = _toy_batch()
    losses = losses_of_a_few_steps(net, x, y, lr=0.01, steps=6)  # the paper's learning rate
    assert losses[-1] < 0.5 * losses[0]


def test_model_file_round_trip(tmp_path):
    torch.manual_seed(1)
    net = build_bbnn(4)
    net.train()
    net(torch.randn(4, 32, 24))  # move the BN running statistics off their initial values
    net.eval()
    card = ModelCard(name="bbnn-toy", task="genre", architecture="bbnn", classes=list("abcd"),
                     frontend=BBNN_MEL.to_dict(), segment_frames=647, default_stride=647)
    save_model(net, card, tmp_path / "bbnn")
    loaded = load_model(tmp_path / "bbnn")
    assert isinstance(loaded.network, BBNN)
    x = torch.randn(2, 32, 24)
    with torch.inference_mode():
        assert torch.equal(net(x), loaded.network(x))


def test_bad_inputs_and_arguments_are_clear_errors():
    net = build_bbnn(3).eval()
    with pytest.raises(InputShapeError, match="frames"):
        net(torch.randn(1, 128, 4))
    with pytest.raises(InputShapeError, match="expects"):
        net(torch.randn(1, 2, 32, 24))
    card = ModelCard(name="x", task="genre", architecture="bbnn", classes=["a", "b"], frontend=BBNN_MEL.to_dict(),
                     architecture_args={"growth": 64})
    with pytest.raises(ModelError, match="architecture_args"):
        build_network(card)
