"""The written-out ResNet-18 is torchvision's: same initial weights for a seed, same names, same output.

It replaces torchvision's at inference and in training (``build_dance_cnn("resnet18")``), so a
trained model loads into either, and retraining with the same seed starts from the same weights.
"""

import subprocess
import sys

import torch
from torchvision import models as tvm

from dancekit.models.dance_cnn import _one_channel_conv, build_dance_cnn
from dancekit.models.resnet import resnet18


def test_a_seed_gives_torchvisions_initial_weights_under_the_same_names():
    torch.manual_seed(3)
    ours = resnet18(num_classes=10).state_dict()
    torch.manual_seed(3)
    theirs = tvm.resnet18(weights=None, num_classes=10).state_dict()
    assert list(ours) == list(theirs)
    for name, tensor in theirs.items():
        assert torch.equal(ours[name], tensor), name


def test_the_dance_classifier_starts_where_torchvisions_did():
    """build_dance_cnn swaps in a one-channel first convolution after building, as before."""
    torch.manual_seed(5)
    ours = build_dance_cnn("resnet18", 10).backbone.state_dict()
    torch.manual_seed(5)
    theirs = tvm.resnet18(weights=None, num_classes=10)
    theirs.conv1 = _one_channel_conv(theirs.conv1)
    for name, tensor in theirs.state_dict().items():
        assert torch.equal(ours[name], tensor), name


def test_same_weights_give_the_same_logits():
    torch.manual_seed(0)
    theirs = tvm.resnet18(weights=None, num_classes=7)
    with torch.no_grad():  # trained-looking batch norm statistics, not the identity of a fresh network
        for m in theirs.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    ours = resnet18(num_classes=7)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(3, 3, 96, 128)
    for mode in ("eval", "train"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        with torch.no_grad():
            assert torch.equal(ours(x), theirs(x)), mode


def test_pretrained_weights_are_refused():
    try:
        resnet18(weights="IMAGENET1K_V1")
    except ValueError as err:
        assert "local checkpoint" in str(err)
    else:
        raise AssertionError("weights were accepted")


def test_loading_the_shipped_dance_model_imports_no_torchvision():
    code = ("import sys; from dancekit.models.files import load_model; load_model('ballroom'); "
            "print('torchvision' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip() == "False"
