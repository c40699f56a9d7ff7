import pytest
import torch

from dancekit.models.dance_cnn import BACKBONES, build_dance_cnn, load_rgb_backbone_weights


@pytest.mark.parametrize("arch", ["small_cnn", "resnet18"])
def test_backbones_take_one_channel_segments_and_give_class_logits(arch):
    net = build_dance_cnn(arch, 10).eval()
    with torch.inference_mode():
        assert net(torch.randn(2, 224, 224)).shape == (2, 10)


def test_densenet161_has_the_papers_configuration():
    net = build_dance_cnn("densenet161", 10)
    conv0 = net.backbone.features.conv0
    assert conv0.in_channels == 1 and conv0.out_channels == 96
    assert net.backbone.classifier.out_features == 10
    # torchvision's densenet161 has 26.5 M parameters with 1000 classes; the 10-class head removes ~2.2 M.
    assert 26.0e6 < sum(p.numel() for p in net.parameters()) < 27.0e6


def test_every_listed_backbone_builds():
    for arch in BACKBONES:
        assert isinstance(build_dance_cnn(arch, 4), torch.nn.Module)


def test_output_does_not_depend_on_playback_level():
    net = build_dance_cnn("small_cnn", 3).eval()
    x = torch.randn(2, 224, 224)
    with torch.inference_mode():
        assert torch.allclose(net(x), net(x + 20.0), atol=1e-4)  # +20 dB louder


def test_rgb_imagenet_weights_are_folded_into_one_channel():
    from torchvision.models import resnet18

    rgb = resnet18(weights=None).state_dict()
    net = build_dance_cnn("resnet18", 10)
    load_rgb_backbone_weights(net, rgb)
    assert torch.allclose(net.backbone.conv1.weight, rgb["conv1.weight"].sum(dim=1, keepdim=True))
    with pytest.raises(ValueError):
        load_rgb_backbone_weights(build_dance_cnn("small_cnn", 10), rgb)


def test_unknown_architecture_is_named():
    with pytest.raises(ValueError, match="unknown architecture"):
        build_dance_cnn("alexnet9000", 10)
