"""Architecture name -> network constructor, so a card alone can rebuild its network."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from torch import nn

from dancekit.errors import ModelError

if TYPE_CHECKING:
    from dancekit.models.card import ModelCard


def _builders() -> dict[str, Callable[..., nn.Module]]:
    """Every architecture a card may name; each builder takes ``num_classes`` and the card's arguments."""
    from dancekit.models.bbnn import build_bbnn
    from dancekit.models.dance_cnn import BACKBONES, build_dance_cnn
    from dancekit.models.prcnn import build_prcnn
    from dancekit.models.svm_baseline_network import ARCHITECTURE as SVM, build_svm

    builders: dict[str, Callable[..., nn.Module]] = {
        name: (lambda num_classes, _name=name, **args: build_dance_cnn(_name, num_classes=num_classes, **args))
        for name in BACKBONES
    }
    builders.update({"bbnn": build_bbnn, "prcnn": build_prcnn, SVM: build_svm})
    return builders


def architectures() -> list[str]:
    """Names a model card's ``architecture`` may take."""
    return list(_builders())


def build_network(card: "ModelCard") -> nn.Module:
    """A freshly initialised network of the card's architecture and class count."""
    if card.task == "video":  # paper 4's image CNNs share names with the spectrogram backbones
        from dancekit.models.video_cnn_network import build_video_cnn

        return build_video_cnn(card.architecture, len(card.classes))
    if card.architecture == "dance_rnn":
        from dancekit.models.dance_rnn_network import DanceRNN, DanceRNNConfig

        try:
            return DanceRNN(DanceRNNConfig.from_dict(card.architecture_args))
        except (TypeError, ValueError, KeyError) as err:
            raise ModelError(f"model {card.name}: bad architecture_args for dance_rnn: {err}") from None
    builder = _builders().get(card.architecture)
    if builder is None:
        raise ModelError(f"model {card.name}: unknown architecture {card.architecture!r}")
    try:
        return builder(num_classes=len(card.classes), **card.architecture_args)
    except (TypeError, ValueError) as err:
        raise ModelError(f"model {card.name}: bad architecture_args for {card.architecture}: {err}") from None


#: The same function under the name the model-zoo recipes use.
build_model = build_network
