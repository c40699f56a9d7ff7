"""Models are files, not pickles: ``model.safetensors`` plus a ``model.json`` card.

The card (:mod:`dancekit.models.card`) says everything needed to rebuild and trust the network:
architecture and its arguments, class names, front-end parameters, segmenting, what it was trained
on, what was measured, and the sha256 of the weights, which is checked on every load.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from dancekit.errors import ModelError
from dancekit.fileio import atomic_write, atomic_write_text
from dancekit.models.card import CARD_FORMAT, ModelCard  # noqa: F401  CARD_FORMAT: still importable from here
from dancekit.models.registry import build_network

CARD_NAME = "model.json"
WEIGHTS_NAME = "model.safetensors"
BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


@dataclass
class LoadedModel:
    """A network in eval mode with its card."""

    network: torch.nn.Module
    card: ModelCard
    path: Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(network: torch.nn.Module, card: ModelCard, directory: str | os.PathLike,
               weights_dtype: torch.dtype | None = None) -> Path:
    """Write ``model.safetensors`` and ``model.json`` (with the weights' sha256) into ``directory``.

    ``weights_dtype`` (e.g. ``torch.float16``) stores the floating-point weights in that type, half
    the file for a shipped model; loading casts them back to the network's own type.
    """
    from dancekit.version import __version__

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in network.state_dict().items()}
    if weights_dtype is not None:
        state = {k: v.to(weights_dtype) if v.is_floating_point() else v for k, v in state.items()}
    weights = directory / WEIGHTS_NAME
    atomic_write(weights, lambda tmp: save_file(state, tmp, metadata={"name": card.name}))
    card.sha256 = sha256_of(weights)
    card.dancekit_version = __version__
    text = json.dumps(card.to_dict(), indent=2, sort_keys=False) + "\n"
    atomic_write_text(directory / CARD_NAME, text)
    return directory


def read_card(directory: str | os.PathLike) -> ModelCard:
    path = Path(directory) / CARD_NAME
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ModelError(f"not a model folder (no {CARD_NAME}): {directory}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelError(f"unreadable model card {path}: {err}") from None
    if not isinstance(data, dict):
        raise ModelError(f"unreadable model card {path}: not a JSON object")
    return ModelCard.from_dict(data)


def builtin_models() -> dict[str, Path]:
    """Names and folders of the models shipped inside the package."""
    if not BUILTIN_DIR.is_dir():
        return {}
    return {p.name: p for p in sorted(BUILTIN_DIR.iterdir()) if (p / CARD_NAME).is_file()}


def resolve_model(name_or_path: str | os.PathLike) -> Path:
    """A built-in model name, or a path to a model folder (or to its model.json)."""
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


def load_model(name_or_path: str | os.PathLike, device: str | torch.device = "cpu") -> LoadedModel:
    """Load a model folder, checking the weights' hash against the card; never unpickles."""
    directory = resolve_model(name_or_path)
    card = read_card(directory)
    weights = directory / WEIGHTS_NAME
    if not weights.is_file():
        raise ModelError(f"model {card.name} has no {WEIGHTS_NAME} in {directory}")
    actual = sha256_of(weights)
    if card.sha256 and actual != card.sha256:
        raise ModelError(f"model {card.name}: weights do not match the card's sha256 (corrupt or replaced file)")
    if not card.sha256:
        raise ModelError(f"model {card.name}: card has no sha256; refusing unverified weights")
    network = build_network(card)
    try:
        state = load_file(str(weights), device="cpu")
        network.load_state_dict(state)
    except Exception as err:  # safetensors/torch raise many types; the message is what matters
        raise ModelError(f"model {card.name}: weights do not fit {card.architecture}: {str(err).splitlines()[0]}") from None
    network.eval().to(device)
    return LoadedModel(network=network, card=card, path=directory)
