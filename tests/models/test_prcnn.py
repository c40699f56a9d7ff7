"""PRCNN (paper 3) and its Table 2 variants: sizes, parameter counts, learnability, round trip."""

import pytest
import torch
from toy_spectrograms import losses_of_a_few_steps

from dancekit.errors import DancekitError, ModelError
from dancekit.features.config import PRCNN_STFT
from dancekit.models.files import ModelCard, load_model, save_model
from dancekit.models.errors import InputShapeError
from dancekit.models.prcnn import PRCNN, PRCNNConvBlock, build_prcnn
from dancekit.models.registry import build_network

BINS = PRCNN_STFT.n_bins


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _params(module):
    return sum(p.numel() for p in module.parameters())


def test_a_3_second_clip_of_the_front_end_fits_the_cnn_block():
    assert BINS == 513
    # The paper's 128 frames (uncentred frames of a 3 s clip) and the front end's centred 130.
    for frames in (128, PRCNN_STFT.n_frames(3 * PRCNN_STFT.sr)):
        assert PRCNNConvBlock.output_size(frames, BINS) == 256
    block = PRCNNConvBlock().eval()
    with torch.inference_mode():
        assert block(torch.randn(2, 1, 128, BINS)).shape == (2, 256)


@pytest.mark.parametrize("rnn, fusion", [(True, "add"), (True, "concat"), (False, "add")])
def test_prcnn_shapes_and_parameter_counts(rnn, fusion):
    net = build_prcnn(10, rnn=rnn, fusion=fusion).eval()
    with torch.inference_mode():
        assert net(torch.randn(1, BINS, 128)).shape == (1, 10)
    convs = sum(3 * c_in * c_out + c_out for c_in, c_out in zip((1, 16, 32, 64, 128), (16, 32, 64, 128, 64)))
    assert _params(net.cnn) == convs == 57_184
    embedding = 256 * 128 + 128
    bigru = 2 * 3 * (128 * 128 + 128 * 128 + 2 * 128)  # directions x gates x (input, recurrent, 2 biases)
    fused = 512 if (rnn and fusion == "concat") else 256
    expected = convs + (embedding + bigru if rnn else 0) + fused * 10 + 10
    assert _params(net) == expected == {("add", True): 290_794, ("concat", True): 293_354, ("add", False): 59_754}[
        (fusion, rnn)]


# Branch sizes: torchvision's AlexNet (61,100,840) and VGG11 (132,863,336) less the RGB first-conv
# weights (2 of 3 input channels) and with a 256-way instead of a 1000-way last layer.
BRANCH_PARAMS = {
    "alexnet": 61_100_840 - 2 * 11 * 11 * 64 - 744 * 4097,
    "vgg11": 132_863_336 - 2 * 3 * 3 * 64 - 744 * 4097,
    "resnet11": 5_030_848,
}


@pytest.mark.parametrize("cnn", ["alexnet", "vgg11", "resnet11"])
def test_table_2_variants_with_and_without_the_parallel_rnn(cnn):
    torch.manual_seed(0)
    with_rnn = build_prcnn(5, cnn=cnn, rnn=True, fusion="add").eval()
    assert _params(with_rnn.cnn) == BRANCH_PARAMS[cnn]
    x = torch.randn(1, BINS, 128)
    with torch.inference_mode():
        assert with_rnn(x).shape == (1, 5)
    with torch.device("meta"):  # counted without allocating (VGG11 alone is 130 M weights)
        without = build_prcnn(5, cnn=cnn, rnn=False)
    assert without.rnn is None and _params(without) == BRANCH_PARAMS[cnn] + 256 * 5 + 5


def _toy_batch(n=4, frames=128, seed=0):
    """Two separable classes of STFT magnitudes: a low or a high partial, with noise."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    x = torch.rand(n, BINS, frames, generator=g)
    for i, label in enumerate(labels):
        x[i, 40 if label == 0 else 300] += 20.0
    return x, labels


def test_a_few_steps_reduce_the_loss_on_a_separable_batch():
    torch.manual_seed(0)
    net = build_prcnn(2, fusion="add").train()
    x, y = _toy_batch()
    losses = losses_of_a_few_steps(net, x, y, lr=1e-3, steps=4)
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("args", [{"fusion": "concat"}, {"cnn": "resnet11", "rnn": False}])
def test_model_file_round_trip(tmp_path, args):
    torch.manual_seed(2)
    net = build_prcnn(3, **args).eval()
    card = ModelCard(name="prcnn-toy", task="genre", architecture="prcnn", classes=["a", "b", "c"],
                     frontend=PRCNN_STFT.to_dict(), architecture_args=args, segment_frames=128, default_stride=64)
    save_model(net, card, tmp_path / "prcnn")
    loaded = load_model(tmp_path / "prcnn")
    assert isinstance(loaded.network, PRCNN)
    x = torch.rand(1, BINS, 128)
    with torch.inference_mode():
        assert torch.equal(net(x), loaded.network(x))
        assert torch.equal(net(x), loaded.network(x.unsqueeze(1)))  # the inference pipeline's [B, 1, bins, frames]


def test_output_does_not_depend_on_playback_level():
    net = build_prcnn(3).eval()
    x = torch.rand(1, BINS, 128)
    with torch.inference_mode():
        assert torch.allclose(net(x), net(10.0 * x), atol=1e-4)  # linear magnitude, 20 dB louder


def test_wrong_sizes_and_arguments_are_clear_errors():
    net = build_prcnn(3).eval()
    for shape in [(1, BINS, 100), (1, 257, 128), (1, BINS, 128, 2)]:
        with pytest.raises(InputShapeError) as err:
            net(torch.randn(*shape))
        assert isinstance(err.value, DancekitError) and "\n" not in str(err.value)
    for args in [{"fusion": "multiply"}, {"cnn": "resnet50"}]:
        card = ModelCard(name="x", task="genre", architecture="prcnn", classes=["a", "b"],
                         frontend=PRCNN_STFT.to_dict(), architecture_args=args)
        with pytest.raises(ModelError, match="unknown"):
            build_network(card)
