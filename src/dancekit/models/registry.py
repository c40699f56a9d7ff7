"""Architecture name -> network constructor, so a card alone can rebuild its network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from torch import nn

from dancekit.errors import ModelError

if TYPE_CHECKING:
    from dancekit.models.files import ModelCard


def build_network(card: "ModelCard") -> nn.Module:
    """A freshly initialised network of the card's architecture and class count."""
    from dancekit.models.dance_cnn import BACKBONES, build_dance_cnn

    if card.architecture in BACKBONES:
        return build_dance_cnn(card.architecture, num_classes=len(card.classes), **card.architecture_args)
    raise ModelError(f"model {card.name}: unknown architecture {card.architecture!r}")
