"""A model name, folder or loaded model -> its card and a network backend ready to classify segments.

On a CPU the compiled ONNX graph runs when onnxruntime is installed (made on first use, see
:mod:`dancekit.models.compiled`), and torch is never imported; torch runs the network on GPUs,
for a model already loaded in torch, and whenever the graph cannot be made or opened.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from dancekit.errors import ModelError
from dancekit.inference.backends import OnnxNetwork, TorchNetwork
from dancekit.models.card import ModelCard, read_card, resolve_model, verify_weights
from dancekit.models.compiled import compile_model, compiled_path, failure_path
from dancekit.models.registry import DEFAULT_MODELS, DANCE, check_task

#: ``auto``: the ONNX graph on a CPU when onnxruntime is installed, else torch; ``torch``; ``onnx`` (CPU only).
BACKENDS = ("auto", "torch", "onnx")


@dataclass
class ReadyModel:
    """A model's card and folder, its network backend, and the torch model if one was loaded.

    Parameters
    ----------
    card : ModelCard
        The model card.
    path : Path
        The model folder.
    network : TorchNetwork or OnnxNetwork
        What classifies segments.
    loaded : LoadedModel or None
        The torch model, when torch loaded it.
    """

    card: ModelCard
    path: Path
    network: Any
    loaded: Any = None


def is_loaded_model(model) -> bool:
    """Whether ``model`` is a :class:`~dancekit.models.files.LoadedModel`, without importing torch to ask.

    Parameters
    ----------
    model : object
        Anything a caller passed as a model.

    Returns
    -------
    bool
    """
    files = sys.modules.get("dancekit.models.files")  # not imported: nothing can be one yet
    return files is not None and isinstance(model, files.LoadedModel)


def open_model(model=None, device: str = "cpu", batch_size: int = 16, backend: str = "auto") -> ReadyModel:
    """Load a classifier for identification on the backend that ``backend`` and ``device`` call for.

    Parameters
    ----------
    model : LoadedModel, str, os.PathLike or None
        A loaded model (run in torch unless ``backend="onnx"``), a built-in name or a model folder;
        None for the built-in dance model.
    device : str
        ``cpu`` or a torch device; only torch runs on other devices.
    batch_size : int
        Segments per forward pass.
    backend : {"auto", "torch", "onnx"}
        ``auto`` prefers the compiled graph on a CPU and falls back to torch; ``onnx`` insists.

    Returns
    -------
    ReadyModel

    Raises
    ------
    ModelError
        No such model, weights against their card, or (``backend="onnx"``) no graph to be had.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    device = str(device)
    if backend == "onnx" and device != "cpu":
        raise ValueError(f"the onnx backend runs on the CPU only, not on {device}")
    loaded = model if is_loaded_model(model) else None
    directory = loaded.path if loaded is not None else resolve_model(model or DEFAULT_MODELS[DANCE])
    card = loaded.card if loaded is not None else read_card(directory)
    wants_graph = backend == "onnx" or (backend == "auto" and device == "cpu" and loaded is None
                                        and find_spec("onnxruntime") is not None)
    if wants_graph:
        network, loaded = _graph_network(card, directory, loaded, batch_size, insist=backend == "onnx")
        if network is not None:
            return ReadyModel(card, directory, network, loaded)
    if loaded is None:
        from dancekit.models.files import load_model  # torch

        loaded = load_model(directory, device)
    return ReadyModel(card, directory, TorchNetwork(loaded.network, device, batch_size), loaded)


def _graph_network(card, directory: Path, loaded, batch_size: int, insist: bool):
    """The compiled graph in a session (compiled now if missing or damaged), and the torch model if loaded.

    Without ``insist`` a graph that cannot be had gives None (torch runs the network), and a network
    that failed to compile before is not tried again; with it, that is a ``ModelError``.
    """
    check_task(card)
    if loaded is None:
        verify_weights(directory, card)  # the graph is named by this hash: it must be the file's
    graph = compiled_path(card.sha256)
    network = _open_graph(graph, batch_size) if graph.is_file() else None
    if network is not None or (not insist and failure_path(card.sha256).is_file()):
        return network, loaded
    if loaded is None:
        from dancekit.models.files import load_model  # torch: only to make the graph

        loaded = load_model(directory, "cpu")
    try:
        network = _open_graph(compile_model(loaded, force=True), batch_size)
    except ModelError:
        if insist:
            raise
    if network is None and insist:
        raise ModelError(f"model {card.name}: ONNX Runtime cannot open its compiled graph {graph}")
    return network, loaded


def _open_graph(path: str | os.PathLike, batch_size: int) -> OnnxNetwork | None:
    """An ONNX Runtime session of the graph, or None when it cannot be opened (damaged, or made by a newer exporter)."""
    try:
        return OnnxNetwork(path, batch_size)
    except Exception:  # onnxruntime raises its own types (InvalidProtobuf, Fail...), all meaning "not usable"
        return None
