"""Models are files, not pickles: ``model.safetensors`` plus a ``model.json`` card.

Saving writes both; loading reads the card (:mod:`dancekit.models.card`), checks the weights'
sha256 against it, builds the network the card names (:mod:`dancekit.models.registry`) and fills
it with the weights through safetensors, which never runs code from the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from dancekit.data.fingerprint import file_sha256
from dancekit.errors import ModelError
from dancekit.fileio import atomic_write, make_folder
from dancekit.models.card import (  # noqa: F401  CARD_FORMAT, CARD_NAME, ModelCard, builtin_models, read_card, resolve_model: importable from here too
    CARD_FORMAT,
    CARD_NAME,
    WEIGHTS_NAME,
    ModelCard,
    builtin_models,
    read_card,
    resolve_model,
    verify_weights,
    write_card,
)
from dancekit.models.registry import build_network, check_task
from dancekit.version import __version__


@dataclass
class LoadedModel:
    """A network in eval mode with its card and folder.

    Parameters
    ----------
    network : torch.nn.Module
        The network, weights loaded, in eval mode.
    card : ModelCard
        Its card.
    path : Path
        The model folder.
    """

    network: torch.nn.Module
    card: ModelCard
    path: Path


def save_model(network: torch.nn.Module, card: ModelCard, directory: str | os.PathLike,
               weights_dtype: torch.dtype | None = None) -> Path:
    """Write ``model.safetensors`` and ``model.json`` (with the weights' sha256) into ``directory``.

    Parameters
    ----------
    network : torch.nn.Module
        The trained network.
    card : ModelCard
        Its card; ``sha256`` and ``dancekit_version`` are set here.
    directory : str or os.PathLike
        The model folder (made if missing).
    weights_dtype : torch.dtype, optional
        Store floating-point weights in this type (e.g. ``torch.float16``: half the file for a
        shipped model); loading casts them back to the network's own type.

    Returns
    -------
    Path
        The model folder.
    """
    directory = make_folder(directory)
    state = {k: v.detach().cpu().contiguous() for k, v in network.state_dict().items()}
    if weights_dtype is not None:
        state = {k: v.to(weights_dtype) if v.is_floating_point() else v for k, v in state.items()}
    weights = atomic_write(directory / WEIGHTS_NAME, lambda tmp: save_file(state, tmp, metadata={"name": card.name}))
    card.sha256 = file_sha256(weights)
    card.dancekit_version = __version__
    write_card(directory, card)
    return directory


def load_model(name_or_path: str | os.PathLike, device: str | torch.device = "cpu",
               task: str | None = None) -> LoadedModel:
    """The one loader: a built-in model or model folder, hash-checked, in eval mode; never unpickles.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A built-in model name (``dancekit models``), a model folder or its ``model.json``.
    device : str or torch.device
        Where the network goes.
    task : str, optional
        Refuse a model of any other task (``"dance"``, ``"genre"``, ``"video"``, ``"steps"``...).

    Returns
    -------
    LoadedModel

    Raises
    ------
    ModelError
        No such model, a card of another task, weights without or against the card's sha256, or
        weights that do not fit the architecture.
    """
    directory = resolve_model(name_or_path)
    card = read_card(directory)
    check_task(card, task)
    weights = verify_weights(directory, card)
    network = build_network(card)
    try:
        network.load_state_dict(load_file(str(weights), device="cpu"))
    except Exception as err:  # safetensors/torch raise many types; the message is what matters
        raise ModelError(f"model {card.name}: weights do not fit {card.architecture}: {str(err).splitlines()[0]}") from None
    network.eval().to(device)
    return LoadedModel(network=network, card=card, path=directory)
