"""The model card (``model.json``): what a model is, where cards live, and the one way to change one.

A model folder is ``model.safetensors`` plus this card. The card says everything needed to
rebuild and trust the network (task, architecture and its arguments, classes, front end,
segmenting), what it was trained on and shown to do, and the sha256 of the weights. Reading and
changing cards needs no torch: listing models, or recording a benchmark's figures in a card,
stays light. Benchmarks write their figures with :func:`update_card`, never as raw JSON, so a
card stays valid and its weights' hash stays checked.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dancekit.data.fingerprint import file_sha256
from dancekit.errors import ModelError
from dancekit.fileio import atomic_write_text

CARD_FORMAT = 1
CARD_NAME = "model.json"
WEIGHTS_NAME = "model.safetensors"
BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
_REQUIRED = ("name", "task", "architecture", "classes", "frontend")


@dataclass
class ModelCard:
    """What a model is, how to feed it, and what it was shown to do.

    Parameters
    ----------
    name : str
        The model's name (a built-in model's folder name).
    task : str
        One of ``dancekit.models.registry.TASKS`` ("dance", "genre", "video", "steps", ...).
    architecture : str
        A constructor of that task in ``dancekit.models.registry.BUILDERS``.
    classes : list of str
        Output names, in the network's order.
    frontend : dict
        How audio (or frames) becomes the network's input.
    architecture_args : dict
        Further constructor arguments.
    segment_frames, default_stride : int
        Input length and default hop, in front-end frames.
    summary : str
        One line for ``dancekit models``.
    training, metrics : dict
        How it was trained (data by name and hash, see ``dancekit.data.fingerprint.describe_data``)
        and what was measured.
    calibration : dict
        ``temperature`` and ``sure_from`` fitted on real held-out songs (see
        :class:`dancekit.inference.calibration.Calibration`); empty: temperature 1, default threshold.
    sha256 : str
        Hash of ``model.safetensors``, checked on every load.
    version, dancekit_version : str
        The model's version and the dancekit that wrote its weights.
    card_format : int
        Version of this layout.
    """

    name: str
    task: str
    architecture: str
    classes: list[str]
    frontend: dict[str, Any]
    architecture_args: dict[str, Any] = field(default_factory=dict)
    segment_frames: int = 224
    default_stride: int = 200
    summary: str = ""
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    version: str = "1"
    dancekit_version: str = ""
    card_format: int = CARD_FORMAT

    def to_dict(self) -> dict[str, Any]:
        """The card as plain JSON-ready data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelCard":
        """A card from parsed JSON; unknown keys are ignored, so newer cards still load.

        Parameters
        ----------
        data : dict of str to Any
            The parsed ``model.json``.

        Returns
        -------
        ModelCard
            The card, with defaults for the optional fields it lacks.

        Raises
        ------
        ModelError
            When a required field is missing.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        missing = [n for n in _REQUIRED if n not in data]
        if missing:
            raise ModelError(f"model card lacks {', '.join(missing)}")
        return cls(**{k: v for k, v in data.items() if k in known})


def builtin_models() -> dict[str, Path]:
    """Names and folders of the models shipped inside the package.

    Returns
    -------
    dict of str to Path
        In name order; empty when none is installed.
    """
    if not BUILTIN_DIR.is_dir():
        return {}
    return {p.name: p for p in sorted(BUILTIN_DIR.iterdir()) if (p / CARD_NAME).is_file()}


def resolve_model(name_or_path: str | os.PathLike) -> Path:
    """The folder of a built-in model name, or of a path to a model folder (or to its model.json).

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A built-in name (``dancekit models`` lists them) or a path.

    Returns
    -------
    Path
        The model folder.

    Raises
    ------
    ModelError
        When it names neither.
    """
    builtin = builtin_models()
    if str(name_or_path) in builtin:
        return builtin[str(name_or_path)]
    path = Path(name_or_path)
    if path.is_file() and path.name in (CARD_NAME, WEIGHTS_NAME):
        path = path.parent
    if path.is_dir():
        return path
    known = ", ".join(builtin) or "none installed"
    raise ModelError(f"no model named or found at {name_or_path!s} (built-in models: {known})")


def read_card(name_or_path: str | os.PathLike) -> ModelCard:
    """The card of a built-in model or model folder.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        As for :func:`resolve_model`.

    Returns
    -------
    ModelCard

    Raises
    ------
    ModelError
        No such model, no card, or a card that is not valid JSON with the required fields.
    """
    directory = resolve_model(name_or_path)
    path = directory / CARD_NAME
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ModelError(f"not a model folder (no {CARD_NAME}): {directory}") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelError(f"unreadable model card {path}: {err}") from None
    if not isinstance(data, dict):
        raise ModelError(f"unreadable model card {path}: not a JSON object")
    return ModelCard.from_dict(data)


def write_card(directory: str | os.PathLike, card: ModelCard) -> Path:
    """Write ``card`` as ``directory/model.json`` atomically (a reader never sees half a card).

    Parameters
    ----------
    directory : str or os.PathLike
        The model folder; it must exist.
    card : ModelCard
        The card, its ``sha256`` already that of the folder's weights.

    Returns
    -------
    Path
        The card file.
    """
    return atomic_write_text(Path(directory) / CARD_NAME, json.dumps(card.to_dict(), indent=2) + "\n")


def verify_weights(directory: str | os.PathLike, card: ModelCard) -> Path:
    """The weights file of a model folder, once its sha256 is known to be the card's.

    Parameters
    ----------
    directory : str or os.PathLike
        The model folder.
    card : ModelCard
        Its card.

    Returns
    -------
    Path
        ``directory/model.safetensors``.

    Raises
    ------
    ModelError
        No weights, a card without a sha256, or weights whose hash differs (corrupt or replaced).
    """
    weights = Path(directory) / WEIGHTS_NAME
    if not weights.is_file():
        raise ModelError(f"model {card.name} has no {WEIGHTS_NAME} in {directory}")
    if not card.sha256:
        raise ModelError(f"model {card.name}: card has no sha256; refusing unverified weights")
    if file_sha256(weights) != card.sha256:
        raise ModelError(f"model {card.name}: weights do not match the card's sha256 (corrupt or replaced file)")
    return weights


def update_card(name_or_path: str | os.PathLike, **changes: Any) -> ModelCard:
    """Change fields of a model's card and write it back atomically; the weights are not touched.

    The weights are checked against the card first, so a card is never re-blessed over weights
    that do not match it, and ``sha256`` itself cannot be changed here (only
    :func:`dancekit.models.files.save_model`, which writes the weights, sets it).

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A model folder, its ``model.json``, or a built-in name.
    **changes
        Card fields and their new values, e.g. ``metrics={**card.metrics, "tang_crossval": ...}``.

    Returns
    -------
    ModelCard
        The card as written.

    Raises
    ------
    ModelError
        Unknown or protected fields, a value that makes the card invalid, or weights that do not
        match the card.
    """
    directory = resolve_model(name_or_path)
    card = read_card(directory)
    fields = {f.name for f in dataclasses.fields(ModelCard)}
    unknown = sorted(set(changes) - fields)
    if unknown:
        raise ModelError(f"model {card.name}: no card field {', '.join(unknown)}")
    if "sha256" in changes:
        raise ModelError(f"model {card.name}: the sha256 is the weights' own; save the model to change it")
    verify_weights(directory, card)
    updated = ModelCard.from_dict({**card.to_dict(), **changes})
    try:
        write_card(directory, updated)
    except (TypeError, ValueError) as err:  # a value JSON cannot hold (NaN is allowed, objects are not)
        raise ModelError(f"model {card.name}: cannot write the card: {err}") from None
    return updated
