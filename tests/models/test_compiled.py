"""Compiled ONNX graphs: named by the weights' hash in the cache, checked against torch, written whole."""

import numpy as np
import pytest
import torch

from dancekit.errors import ModelError
from dancekit.inference.backends import OnnxNetwork, softmax
from dancekit.models.compiled import GRAPH_FORMAT, compile_model, compiled_path, failure_path, segment_shape

pytest.importorskip("onnxruntime", reason="onnxruntime not installed")


def test_graph_is_named_by_the_weights_hash_in_the_cache(private_cache):
    path = compiled_path("ab" * 32)
    assert path == private_cache / "onnx" / f"{'ab' * 32}.v{GRAPH_FORMAT}.onnx"
    with pytest.raises(ModelError, match="weights hash"):
        compiled_path("../../etc/passwd")


def test_compiled_graph_gives_the_torch_networks_probabilities(toy_model):
    path = compile_model(toy_model, force=True)
    assert path == compiled_path(toy_model.card.sha256) and path.is_file()
    assert not list(path.parent.glob("*.tmp"))  # written through a temporary file, nothing left behind
    bins, frames = segment_shape(toy_model.card)
    segments = np.random.default_rng(1).standard_normal((5, bins, frames)).astype(np.float32) * 10 - 30
    with torch.no_grad():
        want = softmax(toy_model.network(torch.from_numpy(segments)).numpy())
    got = OnnxNetwork(path, batch_size=2).probabilities(segments)
    assert got.shape == want.shape
    assert np.abs(got - want).max() < 1e-5


def test_existing_graph_is_kept_unless_forced(toy_model):
    path = compile_model(toy_model)
    stamp = path.stat().st_mtime_ns
    assert compile_model(toy_model) == path and path.stat().st_mtime_ns == stamp
    compile_model(toy_model, force=True)
    assert path.stat().st_mtime_ns != stamp


def test_a_network_the_exporter_cannot_trace_is_a_model_error(toy_model, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("unsupported operator\nmore detail")

    monkeypatch.setattr(torch.onnx, "export", fail)
    with pytest.raises(ModelError, match="cannot export to ONNX: unsupported operator$"):
        compile_model(toy_model, force=True)
    note = failure_path(toy_model.card.sha256)
    assert note.read_text() == "cannot export to ONNX: unsupported operator\n"
    monkeypatch.undo()
    compile_model(toy_model, force=True)  # a later success takes the note away
    assert not note.exists()
