"""The command line's parser is built without the heavy libraries: ``dancekit --help`` answers at once.

Not a timed test: it asserts which modules a fresh process holds after building the whole parser.
"""

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("torch", "torchvision", "librosa", "numba", "matplotlib", "sklearn")


def test_building_the_parser_imports_no_heavy_library():
    code = ("import sys, dancekit.cli; dancekit.cli.build_parser(); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert loaded.stdout.strip() == ""


def test_the_help_text_still_names_the_overlap_default():
    from dancekit.data.dedup import DEFAULT_THRESHOLD

    out = subprocess.run([sys.executable, "-m", "dancekit", "dedup", "--help"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert f"(default {DEFAULT_THRESHOLD})" in " ".join(out.split())


def _modules_loaded(args: list[str], cwd=None, env=None) -> set[str]:
    """Top-level packages a fresh ``python -m dancekit ARGS`` imported (from ``-X importtime``)."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "dancekit", *args], capture_output=True,
                         text=True, timeout=300, cwd=cwd, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    names = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def test_help_and_models_load_neither_torch_nor_numpy():
    for args in (["--help"], ["models"], ["identify", "--help"]):
        loaded = _modules_loaded(args)
        assert not {"torch", "numpy", "scipy"} & loaded, (args, {"torch", "numpy", "scipy"} & loaded)


def test_identify_loads_no_library_it_does_not_use(tmp_path):
    """torch (once the graph is compiled), torchvision, sympy, librosa and numba, scipy.signal: ~5 s of a 2-core start."""
    import numpy as np
    import pytest
    import soundfile as sf

    pytest.importorskip("onnxruntime", reason="onnxruntime not installed: identify runs in torch")
    t = np.arange(22050 * 8) / 22050
    sf.write(tmp_path / "clicks.wav", (0.3 * np.sin(2 * np.pi * 440 * t) * (t % 0.5 < 0.05)).astype(np.float32), 22050)
    env = {**os.environ, "DANCEKIT_CACHE": str(tmp_path / "cache")}
    first = _modules_loaded(["identify", str(tmp_path / "clicks.wav")], env=env)
    assert "torch" in first  # the first run compiles the network's graph from torch
    assert list((tmp_path / "cache" / "onnx").glob("*.onnx"))
    loaded = _modules_loaded(["identify", str(tmp_path / "clicks.wav")], env=env)
    assert "onnxruntime" in loaded
    unused = {"torch", "onnx", "torchvision", "torch._dynamo", "sympy", "librosa", "numba", "scipy.signal",
              "scipy.stats", "sklearn", "matplotlib"}
    assert not unused & loaded, unused & loaded


def test_models_compile_makes_the_graph_identify_then_runs(tmp_path):
    import pytest

    pytest.importorskip("onnxruntime", reason="onnxruntime not installed")
    env = {**os.environ, "DANCEKIT_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "dancekit", "models", "--compile", "ballroom"], capture_output=True,
                         text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    graph = Path(run.stdout.split(": ", 1)[1].strip())
    assert run.stdout.startswith("ballroom: ") and graph.is_file() and graph.parent == tmp_path / "cache" / "onnx"
