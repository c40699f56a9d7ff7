"""A classifier's network compiled to an ONNX graph, so that identification runs without torch.

Where: ``<cache>/onnx/<weights sha256>.v<GRAPH_FORMAT>.onnx`` (:func:`dancekit.paths.cache_dir`).
Keyed by the weights' hash, a retrained model never meets a stale graph, and two folders holding
the same weights share one; kept in the cache, not in the model folder, because an installed
package's folder may be read-only and the graph can always be made again from the weights.

When: ``dancekit models --compile``, or the first identification that finds none (the export
takes a few seconds once). Every graph is checked against the torch network before it is put in
place (probabilities within :data:`MAX_PROBABILITY_ERROR`), and written atomically, so a graph in
the cache is whole and gives torch's answers. Only :func:`compile_model` imports torch.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from dancekit.errors import ModelError
from dancekit.features.config import FrontEndConfig
from dancekit.fileio import atomic_write, atomic_write_text, make_folder
from dancekit.paths import cache_dir

#: Raised whenever the export changes what a graph computes: older graphs are then ignored.
GRAPH_FORMAT = 1
#: ONNX operator set of the exported graphs.
OPSET = 17
#: A graph whose probabilities differ more than this from torch's, on random segments, is refused.
MAX_PROBABILITY_ERROR = 1e-4


def compiled_path(sha256: str) -> Path:
    """Where the graph of the weights with this sha256 lives (whether or not it exists yet).

    Parameters
    ----------
    sha256 : str
        The weights' hash, as the model card holds it.

    Returns
    -------
    Path
    """
    if not sha256 or not all(c in "0123456789abcdef" for c in sha256):
        raise ModelError(f"cannot name a compiled graph for weights hash {sha256!r}")
    return cache_dir() / "onnx" / f"{sha256}.v{GRAPH_FORMAT}.onnx"


def failure_path(sha256: str) -> Path:
    """The note left where the network of these weights could not be compiled: ``identify`` then runs
    torch without trying again on every start (``dancekit models --compile`` still tries).

    Parameters
    ----------
    sha256 : str
        The weights' hash.

    Returns
    -------
    Path
    """
    return compiled_path(sha256).with_suffix(".failed")


def segment_shape(card) -> tuple[int, int]:
    """``(bins, frames)`` of the segments the card's network reads.

    Parameters
    ----------
    card : ModelCard
        A spectrogram classifier's card.

    Returns
    -------
    tuple of int
    """
    return FrontEndConfig.from_dict(card.frontend).n_bins, int(card.segment_frames)


def compile_model(model, force: bool = False) -> Path:
    """Export a spectrogram classifier to its ONNX graph in the cache (torch, onnx and onnxruntime needed).

    Parameters
    ----------
    model : LoadedModel, str or os.PathLike
        A loaded model, a built-in name or a model folder.
    force : bool
        Export again even when the graph exists.

    Returns
    -------
    Path
        The graph file.

    Raises
    ------
    ModelError
        The model cannot be exported, the exporter is missing, the graph's answers differ from
        torch's, or the cache folder cannot be written.
    """
    import torch  # the one place that needs it: the graph is traced from the torch network

    from dancekit.models.files import LoadedModel, load_model
    from dancekit.models.fold import fold_batch_norms

    loaded = model if isinstance(model, LoadedModel) else load_model(model)
    target = compiled_path(loaded.card.sha256)
    if target.is_file() and not force:
        return target
    bins, frames = segment_shape(loaded.card)
    network = fold_batch_norms(loaded.network).eval().cpu()
    example = torch.zeros(2, 1, bins, frames)

    def export(tmp: str) -> None:
        try:
            with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
                warnings.simplefilter("ignore")  # tracer and deprecation notes mean nothing to a user
                # the TorchScript exporter: needs the onnx package alone (dynamo=True needs onnxscript too)
                torch.onnx.export(network, (example,), tmp, dynamo=False, input_names=["segments"],
                                  output_names=["logits"], dynamic_axes={"segments": {0: "batch"}, "logits": {0: "batch"}},
                                  opset_version=OPSET, do_constant_folding=True)
        except ImportError as err:  # not the network's fault: no failure note
            raise ModelError(f"model {loaded.card.name}: compiling needs the onnx package ({err})") from None
        except Exception as err:  # the exporter raises many types; the first line says what failed
            raise _failed(loaded.card, f"cannot export to ONNX: {str(err).splitlines()[0]}") from None
        try:
            check_graph(tmp, network, bins, frames, loaded.card.name)
        except ModelError as err:
            raise _failed(loaded.card, str(err).split(": ", 1)[1]) from None

    try:  # an unwritable cache is no fault of the network: no failure note, and torch can still run it
        make_folder(target.parent)
        graph = atomic_write(target, export)
        failure_path(loaded.card.sha256).unlink(missing_ok=True)
    except OSError as err:
        raise ModelError(f"model {loaded.card.name}: cannot write its compiled graph in {target.parent} "
                         f"({err.strerror or err})") from None
    return graph


def _failed(card, reason: str) -> ModelError:
    """Leave the failure note (see :func:`failure_path`) and return the error to raise."""
    atomic_write_text(failure_path(card.sha256), reason + "\n")
    return ModelError(f"model {card.name}: {reason}")


def check_graph(path: str | os.PathLike, network, bins: int, frames: int, name: str) -> float:
    """Refuse a graph whose probabilities on random segments differ from the torch network's.

    Parameters
    ----------
    path : str or os.PathLike
        The graph.
    network : torch.nn.Module
        The network it was exported from, in eval mode.
    bins, frames : int
        Segment shape.
    name : str
        The model's name, for the message.

    Returns
    -------
    float
        The largest probability difference found.
    """
    import torch

    from dancekit.inference.backends import OnnxNetwork, softmax

    rng = np.random.default_rng(0)
    segments = (rng.standard_normal((3, bins, frames)) * 20.0 - 40.0).astype(np.float32)
    with torch.no_grad():
        want = softmax(network(torch.from_numpy(segments[:, None])).float().numpy())
    got = OnnxNetwork(path, batch_size=len(segments)).probabilities(segments)
    error = float(np.abs(got - want).max())
    if not error <= MAX_PROBABILITY_ERROR:
        raise ModelError(f"model {name}: the compiled graph's probabilities differ from torch's by {error:.2g}")
    return error
