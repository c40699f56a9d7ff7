"""Folded batch norms compute what the network computed, and leave the loaded network as it was."""

import torch
from torch import nn

from dancekit.models.dance_cnn import build_dance_cnn
from dancekit.models.fold import fold_batch_norms, fold_conv_bn


def _trained_looking(net: nn.Module) -> nn.Module:
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                if m.affine:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
    return net.eval()


def test_a_folded_resnet18_gives_the_same_probabilities():
    torch.manual_seed(0)
    net = _trained_looking(build_dance_cnn("resnet18", 10))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    folded = fold_batch_norms(net)
    x = torch.randn(6, 224, 224) * 10 - 40
    with torch.no_grad():
        want, got = net(x), folded(x)
    assert torch.allclose(want, got, atol=1e-4, rtol=1e-5)
    assert (want.softmax(-1) - got.softmax(-1)).abs().max() < 1e-5
    assert not any(isinstance(m, nn.BatchNorm2d) for m in folded.modules())
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # the loaded network is untouched
    assert sum(isinstance(m, nn.BatchNorm2d) for m in net.modules()) == 20


def test_other_networks_are_returned_as_they_are():
    net = build_dance_cnn("small_cnn", 3).eval()
    assert fold_batch_norms(net) is net


def test_one_pair_with_and_without_conv_bias_or_affine():
    torch.manual_seed(1)
    x = torch.randn(2, 3, 17, 19)
    for bias in (False, True):
        for affine in (True, False):
            conv = nn.Conv2d(3, 5, 3, stride=2, padding=1, bias=bias)
            bn = _trained_looking(nn.Sequential(nn.BatchNorm2d(5, affine=affine)))[0]
            with torch.no_grad():
                assert torch.allclose(bn(conv(x)), fold_conv_bn(conv, bn)(x), atol=1e-5)
