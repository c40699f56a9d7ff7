"""The command line lets torch's OpenMP threads sleep, unless the user chose otherwise."""

import os
import subprocess
import sys

CHECK = ("import os, sys; from dancekit.runtime import prefer_sleeping_threads; {before}"
         "print(prefer_sleeping_threads(), os.environ.get('OMP_WAIT_POLICY'))")


def _run(code: str, **env) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"} | env
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                          env=environ).stdout.strip()


def test_sets_passive_before_torch_loads():
    assert _run(CHECK.format(before="")) == "True PASSIVE"


def test_keeps_the_users_choice():
    assert _run(CHECK.format(before=""), OMP_WAIT_POLICY="ACTIVE") == "False ACTIVE"


def test_does_nothing_once_torch_is_loaded():
    assert _run(CHECK.format(before="import torch; ")) == "False None"


def test_the_command_sets_it_before_any_torch_import():
    code = ("import os, sys; from dancekit.cli import main; main(['models']); "
            "print(os.environ.get('OMP_WAIT_POLICY'), 'torch' in sys.modules)")
    assert _run(code).splitlines()[-1] == "PASSIVE False"


def test_onnx_runtime_gets_torchs_thread_count_or_one_per_usable_core():
    with_torch = "import torch; torch.set_num_threads(3); from dancekit.runtime import cpu_threads; print(cpu_threads())"
    assert _run(with_torch) == "3"
    without = ("import os, sys; from dancekit.runtime import cpu_threads; "
               "print(cpu_threads() == len(os.sched_getaffinity(0)), 'torch' in sys.modules)")
    assert _run(without) == "True False"
