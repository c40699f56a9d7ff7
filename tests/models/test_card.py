"""The card API: read by name or path, change through ``update_card`` only, and always tied to the weights."""

import json
from pathlib import Path

import pytest
import torch

from dancekit.errors import ModelError
from dancekit.models.card import BUILTIN_DIR, ModelCard, builtin_models, read_card, update_card
from dancekit.models.dance_cnn import build_dance_cnn
from dancekit.models.files import load_model, save_model


def _saved(folder: Path) -> Path:
    torch.manual_seed(0)
    card = ModelCard(name="toy", task="dance", architecture="small_cnn", classes=["a", "b", "c"],
                     frontend={"kind": "mel"}, architecture_args={"width": 4}, summary="toy; first figures")
    return save_model(build_dance_cnn("small_cnn", 3, width=4), card, folder)


def _rewrite(folder: Path, **fields) -> None:
    data = json.loads((folder / "model.json").read_text())
    (folder / "model.json").write_text(json.dumps({**data, **fields}))


def test_read_card_takes_a_folder_its_card_file_or_a_builtin_name(tmp_path):
    folder = _saved(tmp_path / "toy")
    assert read_card(folder) == read_card(folder / "model.json") == read_card(str(folder))
    assert read_card(folder).classes == ["a", "b", "c"]
    for name, path in builtin_models().items():
        assert read_card(name) == read_card(path) and path.parent == BUILTIN_DIR


def test_update_card_changes_fields_atomically_and_the_model_still_loads(tmp_path):
    folder = _saved(tmp_path / "toy")
    before = read_card(folder)
    weights = (folder / "model.safetensors").read_bytes()
    written = update_card(folder, metrics={**before.metrics, "held_out": {"top1": 0.75}}, summary="toy; better")
    after = read_card(folder)
    assert written == after and after.metrics == {"held_out": {"top1": 0.75}} and after.summary == "toy; better"
    assert after.sha256 == before.sha256 and after.dancekit_version == before.dancekit_version
    assert (folder / "model.safetensors").read_bytes() == weights
    assert sorted(p.name for p in folder.iterdir()) == ["model.json", "model.safetensors"]  # no temporaries
    assert load_model(folder).card == after


def test_update_card_refuses_the_hash_unknown_fields_and_an_invalid_card(tmp_path):
    folder = _saved(tmp_path / "toy")
    text = (folder / "model.json").read_text()
    with pytest.raises(ModelError, match="sha256 is the weights' own"):
        update_card(folder, sha256="0" * 64)
    with pytest.raises(ModelError, match="no card field accuracy"):
        update_card(folder, accuracy=0.9)
    with pytest.raises(ModelError, match="cannot write"):
        update_card(folder, metrics={"bad": object()})
    assert (folder / "model.json").read_text() == text  # nothing written by a refused change


@pytest.mark.parametrize("sha256", ["", "0" * 64], ids=["no sha256", "wrong sha256"])
def test_a_card_without_or_with_a_wrong_sha256_is_refused(tmp_path, sha256):
    folder = _saved(tmp_path / "toy")
    _rewrite(folder, sha256=sha256)
    message = "card has no sha256" if not sha256 else "do not match the card's sha256"
    with pytest.raises(ModelError, match=message):
        load_model(folder)
    with pytest.raises(ModelError, match=message):  # nor can a metric bless it
        update_card(folder, summary="trust me")
    _rewrite(folder, sha256=None)
    with pytest.raises(ModelError, match="card has no sha256"):
        load_model(folder)
    data = json.loads((folder / "model.json").read_text())
    del data["sha256"]
    (folder / "model.json").write_text(json.dumps(data))
    with pytest.raises(ModelError, match="card has no sha256"):
        load_model(folder)


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("name", sorted(builtin_models()))
def test_shipped_cards_name_their_data_not_the_trainers_folders(name):
    card = read_card(name)
    local = [s for s in _strings(card.training) if s.startswith(("/", "~")) or "PosixPath" in s or ":\\" in s]
    assert not local, f"{name}: the card holds local paths {local[:3]}"
    load_model(name)  # the weights still match the card


def test_the_ballroom_card_records_its_data_by_name_and_hash():
    if "ballroom" not in builtin_models():
        pytest.skip("the ballroom model is not installed")
    data = read_card("ballroom").training["datasets"]
    assert data["tang"]["name"] == "tang_dance" and len(data["tang"]["sha256"]) == 64
    assert [corpus["name"] for corpus in data["corpus"]] == ["c1", "c2"]
