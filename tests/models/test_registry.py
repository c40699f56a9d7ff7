"""One table of (task, architecture) -> constructor, one default model per task, networks free of cards."""

import ast
from pathlib import Path

import pytest
import torch

from dancekit.errors import ModelError
from dancekit.models.card import ModelCard, builtin_models, read_card
from dancekit.models.dance_cnn import BACKBONES, build_dance_cnn
from dancekit.models.files import load_model, save_model
from dancekit.models.registry import (BUILDERS, DEFAULT_MODELS, SEGMENT_ARCHITECTURES, TASKS, architectures,
                                      build_network)
from dancekit.models.video_cnn_network import VIDEO_ARCHITECTURES

MODELS = Path(__file__).resolve().parents[2] / "src" / "dancekit" / "models"
NETWORKS = ["bbnn.py", "dance_cnn.py", "prcnn.py", "pose_classifier.py",
            *sorted(p.name for p in MODELS.glob("*_network.py"))]


def test_the_table_names_every_network_its_modules_define():
    assert set(BACKBONES) <= set(SEGMENT_ARCHITECTURES)
    assert architectures("video") == list(VIDEO_ARCHITECTURES)
    assert architectures("steps") == ["dance_rnn"]
    assert {task for task, _ in BUILDERS} == set(TASKS)


@pytest.mark.parametrize("key", sorted(BUILDERS), ids="/".join)
def test_every_entry_builds_a_network(key):
    task, architecture = key
    args = {"width": 4} if architecture == "small_cnn" else {}
    if architecture == "svm_rbf":
        args = {"n_support": [2, 2, 2]}
    if architecture == "dance_rnn":
        args = {"motion_dim": 6, "hidden": 8, "encoder_layers": 1, "decoder_layers": 1, "code_dim": 4,
                "conv_channels": [2, 2, 2, 2], "n_dances": 3, "dances": ["a", "b", "c"]}
    card = ModelCard(name="t", task=task, architecture=architecture, classes=["a", "b", "c"], frontend={},
                     architecture_args=args)
    assert isinstance(build_network(card), torch.nn.Module)


def test_an_architecture_of_another_task_is_refused():
    card = ModelCard(name="t", task="steps", architecture="resnet18", classes=["a", "b"], frontend={})
    with pytest.raises(ModelError, match="unknown architecture 'resnet18' for task 'steps'"):
        build_network(card)
    with pytest.raises(ModelError, match="for task 'juggling'.*tasks are"):
        build_network(ModelCard(name="t", task="juggling", architecture="resnet18", classes=["a"], frontend={}))


def test_load_model_with_a_task_refuses_a_model_of_another(tmp_path):
    card = ModelCard(name="toy", task="dance", architecture="small_cnn", classes=["a", "b"], frontend={},
                     architecture_args={"width": 4})
    save_model(build_dance_cnn("small_cnn", 2, width=4), card, tmp_path / "toy")
    assert load_model(tmp_path / "toy", task="dance").card.name == "toy"
    with pytest.raises(ModelError, match=r"model toy \(dance, small_cnn\) is not a genre classifier"):
        load_model(tmp_path / "toy", task="genre")
    with pytest.raises(ModelError, match="unknown task 'dancing'"):
        load_model(tmp_path / "toy", task="dancing")


def test_each_default_model_is_a_builtin_of_its_task():
    installed = builtin_models()
    for task, name in DEFAULT_MODELS.items():
        assert task in TASKS
        if name in installed:
            assert read_card(name).task == task
            assert load_model(name, task=task).card.name == name


@pytest.mark.parametrize("module", NETWORKS)
def test_network_modules_know_nothing_of_cards_or_files(module):
    tree = ast.parse((MODELS / module).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    forbidden = {"dancekit.models.card", "dancekit.models.files", "dancekit.models.registry", "safetensors.torch",
                 "dancekit.fileio", "dancekit.models"}
    assert not imported & forbidden
