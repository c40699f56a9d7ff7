"""The dance-step generator of paper 5 as a model file: its card and its loading.

The network itself is :mod:`dancekit.models.dance_rnn_network`, which knows nothing of cards or
files; it is re-exported here, where its users have always imported it from.
"""

from __future__ import annotations

import os
from typing import Any

import torch

from dancekit.errors import ModelError
from dancekit.models.card import ModelCard, builtin_models
from dancekit.models.dance_rnn_network import (  # noqa: F401  re-exported for the step generator's users
    ARCHITECTURE,
    AudioEncoder,
    DanceRNN,
    DanceRNNConfig,
    build_dance_rnn,
    parameter_count,
    run_lstm,
)
from dancekit.models.files import LoadedModel, load_model
from dancekit.models.registry import DEFAULT_MODELS, STEPS

def make_card(name: str, network: DanceRNN, frontend: dict[str, Any], summary: str = "",
              training: dict[str, Any] | None = None, metrics: dict[str, Any] | None = None,
              sequence: int = 150) -> ModelCard:
    """The card of a step generator.

    Parameters
    ----------
    name : str
        The model's name.
    network : DanceRNN
        The network; its config becomes the card's ``architecture_args``, its dances the classes.
    frontend : dict
        The audio settings and, under ``motion``, the motion normaliser and mean pose that
        generation needs.
    summary : str
        One line for ``dancekit models``.
    training, metrics : dict, optional
        How it was trained (data by name and hash) and what was measured.
    sequence : int
        Training sequence length in frames (the card's segment length and stride).

    Returns
    -------
    ModelCard
    """
    return ModelCard(name=name, task=STEPS, architecture=ARCHITECTURE, classes=list(network.config.dances),
                     frontend=frontend, architecture_args=network.config.to_dict(), segment_frames=sequence,
                     default_stride=sequence, summary=summary, training=training or {}, metrics=metrics or {})


def load_dance_rnn(name_or_path: str | os.PathLike | None = None, device: str | torch.device = "cpu") -> LoadedModel:
    """``load_model(name_or_path, device, task="steps")``, the built-in step generator by default.

    Parameters
    ----------
    name_or_path : str or os.PathLike, optional
        A model folder or built-in name; ``DEFAULT_MODELS["steps"]`` when None.
    device : str or torch.device
        Where the network goes.

    Returns
    -------
    LoadedModel
    """
    if not name_or_path and DEFAULT_MODELS[STEPS] not in builtin_models():
        raise ModelError(f"no built-in step model '{DEFAULT_MODELS[STEPS]}' is installed; pass --model with a "
                         "model folder (train one with recipes/dance_steps.py)")
    return load_model(name_or_path or DEFAULT_MODELS[STEPS], device, task=STEPS)
