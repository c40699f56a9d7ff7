import json

import pytest
import torch

from dancekit.errors import ModelError
from dancekit.models.dance_cnn import build_dance_cnn
from dancekit.models.files import ModelCard, load_model, read_card, resolve_model, save_model

FRONTEND = {"kind": "mel", "sr": 22050, "n_fft": 2048, "hop_length": 512, "n_mels": 224}


def _card(**extra):
    return ModelCard(name="toy", task="dance", architecture="small_cnn", classes=["a", "b", "c"], frontend=FRONTEND,
                     architecture_args={"width": 4}, **extra)


def test_saved_model_loads_with_identical_outputs(tmp_path):
    torch.manual_seed(0)
    net = build_dance_cnn("small_cnn", 3, width=4).eval()
    save_model(net, _card(summary="toy model"), tmp_path / "toy")
    loaded = load_model(tmp_path / "toy")
    x = torch.randn(2, 224, 224)
    with torch.inference_mode():
        assert torch.allclose(net(x), loaded.network(x))
    card = json.loads((tmp_path / "toy" / "model.json").read_text())
    assert len(card["sha256"]) == 64 and card["classes"] == ["a", "b", "c"]
    assert not list((tmp_path / "toy").glob("*.tmp"))  # atomic writes leave no temporaries


def test_tampered_weights_are_refused(tmp_path):
    save_model(build_dance_cnn("small_cnn", 3, width=4), _card(), tmp_path / "toy")
    weights = tmp_path / "toy" / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        load_model(tmp_path / "toy")


def test_card_for_another_architecture_is_a_clear_error(tmp_path):
    save_model(build_dance_cnn("small_cnn", 3, width=4), _card(), tmp_path / "toy")
    card_path = tmp_path / "toy" / "model.json"
    card = json.loads(card_path.read_text())
    card["architecture_args"] = {"width": 8}
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelError, match="do not fit"):
        load_model(tmp_path / "toy")


def test_missing_and_broken_models_are_model_errors(tmp_path):
    with pytest.raises(ModelError, match="no model named"):
        resolve_model(tmp_path / "nowhere")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "model.json").write_text("{not json")
    with pytest.raises(ModelError, match="unreadable"):
        read_card(tmp_path / "bad")
    (tmp_path / "bad" / "model.json").write_text(json.dumps({"name": "x"}))
    with pytest.raises(ModelError, match="lacks"):
        read_card(tmp_path / "bad")


def test_loading_never_unpickles(tmp_path):
    """A pickle disguised as weights must not execute: safetensors refuses it."""
    import pickle

    save_model(build_dance_cnn("small_cnn", 3, width=4), _card(), tmp_path / "toy")

    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('pickle executed')",))

    weights = tmp_path / "toy" / "model.safetensors"
    weights.write_bytes(pickle.dumps(Boom()))
    card_path = tmp_path / "toy" / "model.json"
    card = json.loads(card_path.read_text())
    from dancekit.data.fingerprint import file_sha256

    card["sha256"] = file_sha256(weights)
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelError):
        load_model(tmp_path / "toy")


def test_float16_weights_halve_the_file_and_load_into_a_float32_network(tmp_path):
    torch.manual_seed(0)
    net = build_dance_cnn("small_cnn", 3, width=4).eval()
    save_model(net, _card(), tmp_path / "full")
    save_model(net, _card(), tmp_path / "half", weights_dtype=torch.float16)
    full, half = (tmp_path / d / "model.safetensors" for d in ("full", "half"))
    assert half.stat().st_size < 0.6 * full.stat().st_size
    loaded = load_model(tmp_path / "half").network
    for name, value in loaded.state_dict().items():
        original = net.state_dict()[name]
        assert value.dtype == original.dtype  # the network keeps its own types
        if original.is_floating_point():
            assert torch.equal(value, original.half().float())  # the stored values, rounded once
        else:
            assert torch.equal(value, original)
