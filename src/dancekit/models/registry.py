"""Tasks, their default models, and the one table of (task, architecture) -> network constructor.

A card alone rebuilds its network: its ``task`` and ``architecture`` pick the constructor here,
its class count and ``architecture_args`` are the constructor's arguments. Constructors are named
by module, not imported, so that building one network imports only its own module (a step
generator needs torch alone, not torchvision).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from dancekit.errors import ModelError

if TYPE_CHECKING:
    from torch import nn

    from dancekit.models.card import ModelCard

DANCE, GENRE, CLASSIFY, VIDEO, STEPS = "dance", "genre", "classify", "video", "steps"

#: Every task a card may name, with what a model of it is (for messages).
TASKS = {
    DANCE: "dance classifier",
    GENRE: "genre classifier",
    CLASSIFY: "spectrogram classifier",  # any labels, e.g. a cross-validation fold of an evaluation table
    VIDEO: "video frame model",
    STEPS: "dance-step generator",
}

#: The built-in model each command uses when no --model is given; every caller reads it from here.
DEFAULT_MODELS = {DANCE: "ballroom", GENRE: "genre", VIDEO: "video_dance", STEPS: "dance_steps"}


@dataclass(frozen=True)
class Builder:
    """A network constructor, imported on first use, and how a card's fields reach it.

    Importing late keeps ``dancekit.models`` light: torchvision loads only for a network that needs it.

    Attributes
    ----------
    module : str
        Dotted module path of the constructor.
    function : str
        The constructor's name in that module.
    named : bool
        It takes the architecture name first (one constructor for several backbones).
    counted : bool
        It takes ``num_classes``; a step generator's classes are inside its own arguments.
    """

    module: str
    function: str
    #: it takes the architecture name first (one constructor for several backbones)
    named: bool = False
    #: it takes ``num_classes``; a step generator's classes are inside its own arguments
    counted: bool = True

    def __call__(self, architecture: str, num_classes: int, args: dict[str, Any]) -> "nn.Module":
        constructor = getattr(import_module(self.module), self.function)
        head = (architecture,) if self.named else ()
        counts = {"num_classes": num_classes} if self.counted else {}
        return constructor(*head, **counts, **args)


_SPECTROGRAM_CNN = Builder("dancekit.models.dance_cnn", "build_dance_cnn", named=True)
_FRAME_CNN = Builder("dancekit.models.video_cnn_network", "build_video_cnn", named=True)

#: Segment classifiers of spectrograms (or of hand-crafted features), whatever their labels.
SEGMENT_ARCHITECTURES = {
    **{name: _SPECTROGRAM_CNN for name in ("densenet161", "resnet18", "resnext50_32x4d", "vgg16", "small_cnn")},
    "bbnn": Builder("dancekit.models.bbnn", "build_bbnn"),
    "prcnn": Builder("dancekit.models.prcnn", "build_prcnn"),
    "svm_rbf": Builder("dancekit.models.svm_baseline_network", "build_svm"),
}

#: (task, architecture) -> constructor: the only place that says which networks serve which task.
BUILDERS: dict[tuple[str, str], Builder] = {
    **{(task, name): builder for task in (DANCE, GENRE, CLASSIFY) for name, builder in SEGMENT_ARCHITECTURES.items()},
    **{(VIDEO, name): _FRAME_CNN for name in ("alexnet", "resnet18", "squeezenet1_0")},
    (STEPS, "dance_rnn"): Builder("dancekit.models.dance_rnn_network", "build_dance_rnn", counted=False),
}


def architectures(task: str | None = None) -> list[str]:
    """Names a card's ``architecture`` may take.

    Parameters
    ----------
    task : str, optional
        Only the architectures of this task; all of them when None.

    Returns
    -------
    list of str
        Each name once, in table order.
    """
    return list(dict.fromkeys(arch for t, arch in BUILDERS if task is None or t == task))


def check_task(card: "ModelCard", task: str | None = None) -> None:
    """Refuse a card whose (task, architecture) is not in the table, or that is not of ``task``.

    Parameters
    ----------
    card : ModelCard
        The card to check.
    task : str, optional
        The task the caller needs (e.g. ``"steps"`` to generate steps); any task when None.

    Raises
    ------
    ModelError
        With a one-line message naming the model, its task and architecture.
    """
    if task is not None and task not in TASKS:
        raise ModelError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    if task is not None and (card.task != task or (task, card.architecture) not in BUILDERS):
        raise ModelError(f"model {card.name} ({card.task}, {card.architecture}) is not a {TASKS[task]}")
    if (card.task, card.architecture) not in BUILDERS:
        known = ", ".join(architectures(card.task)) or f"none: tasks are {', '.join(TASKS)}"
        raise ModelError(f"model {card.name}: unknown architecture {card.architecture!r} for task {card.task!r} "
                         f"(known: {known})")


def build_network(card: "ModelCard") -> "nn.Module":
    """A freshly initialised network of the card's task, architecture, class count and arguments.

    Parameters
    ----------
    card : ModelCard
        Says ``task``, ``architecture``, ``classes`` and ``architecture_args``.

    Returns
    -------
    torch.nn.Module
        The network, in training mode, with random weights.

    Raises
    ------
    ModelError
        For an architecture the task does not know, or arguments its constructor refuses.
    """
    check_task(card)
    try:
        return BUILDERS[card.task, card.architecture](card.architecture, len(card.classes), card.architecture_args)
    except (TypeError, ValueError, KeyError) as err:
        raise ModelError(f"model {card.name}: bad architecture_args for {card.architecture}: {err}") from None
