"""The dance-step generator of paper 5 as a model file: its card and its loading.

The network itself is :mod:`dancekit.models.dance_rnn_network`, which the registry builds from a
card; it is re-exported here, where its users have always imported it from. Kept apart because
loading a model goes through the registry: a network module that loaded files would import itself
in a circle. Like the network, this module needs torch alone until a model file is made or loaded.
"""

from __future__ import annotations

from typing import Any

import torch

from dancekit.models.dance_rnn_network import (  # noqa: F401  re-exported for the step generator's users
    ARCHITECTURE,
    AudioEncoder,
    DanceRNN,
    DanceRNNConfig,
    build_dance_rnn,
    parameter_count,
    run_lstm,
)

#: ``ModelCard.task`` of step generators.
TASK = "steps"
#: The built-in step generator ``dancekit generate`` uses when no --model is given.
DEFAULT_STEP_MODEL = "dance_steps"


def make_card(name: str, network: DanceRNN, frontend: dict[str, Any], summary: str = "",
              training: dict[str, Any] | None = None, metrics: dict[str, Any] | None = None,
              sequence: int = 150):
    """The card of a step generator: ``frontend`` holds the audio settings and, under ``motion``,
    the motion normaliser and mean pose that generation needs."""
    from dancekit.models.card import ModelCard

    return ModelCard(name=name, task=TASK, architecture=ARCHITECTURE, classes=list(network.config.dances),
                     frontend=frontend, architecture_args=network.config.to_dict(), segment_frames=sequence,
                     default_stride=sequence, summary=summary, training=training or {}, metrics=metrics or {})


def load_dance_rnn(name_or_path=None, device: str | torch.device = "cpu"):
    """A step-generator folder (or built-in name) -> ``LoadedModel`` in eval mode; weights' sha256 checked."""
    from dancekit.errors import ModelError
    from dancekit.models.files import load_model, read_card, resolve_model

    try:
        directory = resolve_model(name_or_path or DEFAULT_STEP_MODEL)
    except ModelError:
        if name_or_path:
            raise
        raise ModelError(f"no built-in step model '{DEFAULT_STEP_MODEL}' is installed; pass --model with a "
                         "model folder (train one with recipes/dance_steps.py)") from None
    card = read_card(directory)
    if card.architecture != ARCHITECTURE:
        raise ModelError(f"model {card.name} is a {card.architecture} model, not a dance-step generator")
    return load_model(directory, device)
