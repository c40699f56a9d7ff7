"""Which backend runs the network, and that both give the same answers through one pipeline."""

import numpy as np
import pytest
from toy_audio import toy_recording

from dancekit.errors import ModelError
from dancekit.inference import Identifier
from dancekit.inference.backends import OnnxNetwork, TorchNetwork
from dancekit.models.compiled import compiled_path

pytest.importorskip("onnxruntime", reason="onnxruntime not installed")


def test_a_model_folder_runs_as_its_graph_on_the_cpu_and_answers_as_torch(toy_model):
    onnx = Identifier(toy_model.path)
    torch_ = Identifier(toy_model, backend="torch")
    assert isinstance(onnx.backend, OnnxNetwork) and isinstance(torch_.backend, TorchNetwork)
    assert compiled_path(toy_model.card.sha256).is_file()  # made on first use
    for seed in range(3):
        y = toy_recording(seed % 2, 12.0, seed=seed)
        a = onnx.identify(y, sample_rate=22050)
        b = torch_.identify(y, sample_rate=22050)
        assert a.label == b.label and a.status == b.status
        assert np.abs(a.segment_probabilities - b.segment_probabilities).max() < 1e-4
        np.testing.assert_array_equal(a.segment_starts_s, b.segment_starts_s)
        assert a.rhythm.tempo_bpm == b.rhythm.tempo_bpm


def test_a_loaded_model_runs_in_torch_unless_onnx_is_asked_for(toy_model):
    assert isinstance(Identifier(toy_model).backend, TorchNetwork)
    assert isinstance(Identifier(toy_model, backend="onnx").backend, OnnxNetwork)


def test_a_damaged_graph_is_made_again(toy_model):
    graph = compiled_path(toy_model.card.sha256)
    Identifier(toy_model.path)
    graph.write_bytes(b"not a graph")
    identifier = Identifier(toy_model.path)
    assert isinstance(identifier.backend, OnnxNetwork)
    assert graph.stat().st_size > 1000


def test_without_a_graph_to_be_had_auto_falls_back_to_torch(toy_model, monkeypatch):
    import dancekit.inference.loading as loading

    def no_exporter(*args, **kwargs):
        raise ModelError("compiling needs the onnx package")

    compiled_path(toy_model.card.sha256).unlink(missing_ok=True)
    monkeypatch.setattr(loading, "compile_model", no_exporter)
    assert isinstance(Identifier(toy_model.path).backend, TorchNetwork)
    with pytest.raises(ModelError, match="onnx package"):
        Identifier(toy_model.path, backend="onnx")


def test_a_network_that_failed_to_compile_is_not_tried_again_on_every_start(toy_model, monkeypatch):
    import dancekit.inference.loading as loading
    from dancekit.models.compiled import failure_path

    def must_not_run(*args, **kwargs):
        raise AssertionError("compiled again")

    compiled_path(toy_model.card.sha256).unlink(missing_ok=True)
    failure_path(toy_model.card.sha256).parent.mkdir(parents=True, exist_ok=True)
    failure_path(toy_model.card.sha256).write_text("cannot export to ONNX: unsupported operator\n")
    monkeypatch.setattr(loading, "compile_model", must_not_run)
    try:
        assert isinstance(Identifier(toy_model.path).backend, TorchNetwork)
    finally:
        failure_path(toy_model.card.sha256).unlink()


def test_without_onnxruntime_auto_uses_torch(toy_model, monkeypatch):
    import dancekit.inference.loading as loading

    monkeypatch.setattr(loading, "find_spec", lambda name: None)
    assert isinstance(Identifier(toy_model.path).backend, TorchNetwork)


def test_torch_model_is_still_there_for_callers_that_want_it(toy_model):
    identifier = Identifier(toy_model.path)
    assert identifier.model.card.sha256 == toy_model.card.sha256
    assert identifier.network is not None and identifier.card.name == toy_model.card.name


def test_bad_backend_choices_are_refused(toy_model):
    with pytest.raises(ValueError, match="backend must be one of"):
        Identifier(toy_model.path, backend="tensorrt")
    with pytest.raises(ValueError, match="CPU only"):
        Identifier(toy_model.path, backend="onnx", device="cuda")


def test_weights_against_their_card_are_refused_before_any_graph(toy_model, tmp_path):
    import shutil

    folder = shutil.copytree(toy_model.path, tmp_path / "copy")
    weights = folder / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(ModelError):
        Identifier(folder)


def test_an_unwritable_cache_leaves_the_network_to_torch(toy_model, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DANCEKIT_CACHE", str(blocked))
    with pytest.raises(ModelError, match="cannot write its compiled graph"):
        Identifier(toy_model.path, backend="onnx")
    assert isinstance(Identifier(toy_model.path).backend, TorchNetwork)  # answers without a graph
    assert blocked.read_text() == "a file where the cache folder should be"
