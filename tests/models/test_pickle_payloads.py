"""Every way a weights file enters the models package refuses a pickle that would run code.

The payload (``tests/pickle_payload.py``) touches a marker file when unpickled; each test first
shows it is live (an unsafe load does touch the marker), then that the package's loader refuses
it with its one-line error and the marker is never written.
"""

import json

import pytest
import torch

from dancekit.data.fingerprint import file_sha256
from dancekit.errors import ModelError
from dancekit.models.dance_cnn import build_dance_cnn
from dancekit.models.files import ModelCard, load_model, save_model
from dancekit.models.video_cnn_network import build_video_cnn, load_backbone_weights
from dancekit.models.weights import read_weights
from pickle_payload import payload_is_live, write_payload, write_raw_pickle


@pytest.mark.parametrize("name", ["imagenet.pth", "imagenet.pt", "imagenet.bin"])
def test_backbone_weights_torch_load_refuses_a_pickle_payload(tmp_path, name):
    marker = tmp_path / "pwned"
    path = write_payload(tmp_path / name, marker)
    with pytest.raises(ModelError, match="cannot read weights") as err:
        build_video_cnn("resnet18", 3, weights_path=path)
    assert "\n" not in str(err.value)
    for load in (read_weights, lambda p: load_backbone_weights(torch.nn.Module(), "resnet18", p)):
        with pytest.raises(ModelError, match="cannot read weights"):
            load(path)
    assert not marker.exists()
    assert payload_is_live(path, marker)  # the same file, unpickled the unsafe way, does run code


def test_backbone_weights_named_safetensors_but_pickled_are_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = write_raw_pickle(tmp_path / "imagenet.safetensors", marker)
    for load in (read_weights, lambda p: build_video_cnn("alexnet", 3, weights_path=p)):
        with pytest.raises(ModelError, match="cannot read weights"):
            load(path)
    assert not marker.exists()
    assert payload_is_live(path, marker)


def test_model_folder_with_pickled_weights_and_a_matching_hash_is_refused(tmp_path):
    """Even a card whose sha256 names the payload (an attacker who rewrote both) cannot make it run."""
    folder = tmp_path / "toy"
    card = ModelCard(name="toy", task="dance", architecture="small_cnn", classes=["a", "b"],
                     frontend={"kind": "mel"}, architecture_args={"width": 4})
    save_model(build_dance_cnn("small_cnn", 2, width=4), card, folder)
    marker = tmp_path / "pwned"
    for writer in (write_payload, write_raw_pickle):
        weights = writer(folder / "model.safetensors", marker)
        data = json.loads((folder / "model.json").read_text())
        (folder / "model.json").write_text(json.dumps({**data, "sha256": file_sha256(weights)}))
        with pytest.raises(ModelError, match="weights do not fit"):
            load_model(folder)
        assert not marker.exists()
    assert payload_is_live(weights, marker)
