"""Paper 4's three networks: N outputs, uint8 frames in, local weights loaded strictly, model files."""

import json

import pytest
import torch
from torchvision import models as tvm

from dancekit.errors import ModelError
from dancekit.models.files import ModelCard, save_model
from dancekit.models.video_cnn import VIDEO_ARCHITECTURES, build_video_cnn, load_video_model


@pytest.mark.parametrize("arch", VIDEO_ARCHITECTURES)
def test_each_network_gives_n_outputs_for_uint8_frames(arch):
    net = build_video_cnn(arch, 5).eval()
    frames = torch.randint(0, 255, (2, 64, 64, 3), dtype=torch.uint8)
    with torch.no_grad():
        out = net(frames)
        same = net(frames.permute(0, 3, 1, 2).float() / 255)
    assert out.shape == (2, 5) and torch.allclose(out, same, atol=1e-5)


def test_local_weights_fill_the_backbone_and_the_head_is_new(tmp_path):
    reference = tvm.resnet18(weights=None)  # stands in for an ImageNet checkpoint a user has
    path = tmp_path / "resnet18-imagenet.pth"
    torch.save(reference.state_dict(), path)
    net = build_video_cnn("resnet18", 4, weights_path=path)
    assert torch.equal(net.backbone.conv1.weight, reference.conv1.weight)
    assert torch.equal(net.backbone.layer4[1].bn2.running_var, reference.layer4[1].bn2.running_var)
    assert net.backbone.fc.out_features == 4


def test_weights_of_another_network_are_refused(tmp_path):
    path = tmp_path / "squeeze.pth"
    torch.save(tvm.squeezenet1_0(weights=None).state_dict(), path)
    with pytest.raises(ModelError, match="does not fit resnet18"):
        build_video_cnn("resnet18", 3, weights_path=path)
    wrong = tvm.alexnet(weights=None).state_dict()
    wrong["features.0.weight"] = torch.zeros(64, 1, 11, 11)
    torch.save(wrong, path)
    with pytest.raises(ModelError, match="shape mismatch"):
        build_video_cnn("alexnet", 3, weights_path=path)
    with pytest.raises(ModelError, match="not found"):
        build_video_cnn("alexnet", 3, weights_path=tmp_path / "none.pth")
    with pytest.raises(ModelError, match="unknown video architecture"):
        build_video_cnn("vgg16", 3)


def test_model_folder_round_trip_and_tamper_check(tmp_path):
    net = build_video_cnn("squeezenet1_0", 3).eval()
    card = ModelCard(name="t", task="video", architecture="squeezenet1_0", classes=["a", "b", "c"],
                     frontend={"image_size": 32})
    save_model(net, card, tmp_path / "m")
    loaded = load_video_model(tmp_path / "m")
    x = torch.randint(0, 255, (1, 32, 32, 3), dtype=torch.uint8)
    with torch.no_grad():
        assert torch.allclose(loaded.network(x), net(x), atol=1e-6)
    card_path = tmp_path / "m" / "model.json"
    data = json.loads(card_path.read_text())
    card_path.write_text(json.dumps({**data, "task": "dance"}))
    with pytest.raises(ModelError, match="not a video frame model"):
        load_video_model(tmp_path / "m")
    card_path.write_text(json.dumps(data))
    weights = tmp_path / "m" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8] + b"xxxxxxxx")
    with pytest.raises(ModelError, match="sha256"):
        load_video_model(tmp_path / "m")
