"""The command line's parser is built without the heavy libraries: ``dancekit --help`` answers at once.

Not a timed test: it asserts which modules a fresh process holds after building the whole parser.
"""

import subprocess
import sys

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


def _modules_loaded(args: list[str], cwd=None) -> set[str]:
    """Top-level packages a fresh ``python -m dancekit ARGS`` imported (from ``-X importtime``)."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "dancekit", *args], capture_output=True,
                         text=True, timeout=300, cwd=cwd)
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
    """torchvision and torch._dynamo, sympy, librosa and numba, scipy.signal: ~5 s of a 2-core start, all unused."""
    import numpy as np
    import soundfile as sf

    t = np.arange(22050 * 8) / 22050
    sf.write(tmp_path / "clicks.wav", (0.3 * np.sin(2 * np.pi * 440 * t) * (t % 0.5 < 0.05)).astype(np.float32), 22050)
    loaded = _modules_loaded(["identify", str(tmp_path / "clicks.wav")])
    assert "torch" in loaded  # the network does need torch
    unused = {"torchvision", "torch._dynamo", "sympy", "librosa", "numba", "scipy.signal", "scipy.stats", "sklearn",
              "matplotlib"}
    assert not unused & loaded, unused & loaded
