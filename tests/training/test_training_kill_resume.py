"""A training run killed with SIGKILL after a checkpoint, then resumed, ends exactly as an uninterrupted one.

The run is a separate process (``python -c`` on the library's :func:`~dancekit.training.engine.fit`)
so the kill is a real one: no ``finally``, no flush. Weights must match bit for bit on CPU and the
history field for field (except each epoch's wall-clock seconds).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from dancekit.training.checkpoint import load_checkpoint

TESTS = Path(__file__).resolve().parents[1]  # for toy_spectrograms
EPOCHS = 40
# A small network with what real ones have that resuming must get right: batch-norm running
# statistics and dropout (the torch generator). No torchvision: it takes seconds to import.
TRAIN = f"""
import sys
from pathlib import Path
import torch
from torch import nn
from dancekit.fileio import atomic_write
from dancekit.training.engine import fit
from dancekit.training.recipes import get_recipe
from toy_spectrograms import toy_spectrogram_set

out, sampling = Path(sys.argv[1]), sys.argv[2]
torch.set_num_threads(1)
torch.manual_seed(0)
net = nn.Sequential(nn.Unflatten(1, (1, 64)), nn.Conv2d(1, 6, 5, stride=2), nn.BatchNorm2d(6), nn.ReLU(),
                    nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Dropout(0.3), nn.Linear(96, 2))
recipe = get_recipe("dance_cnn", architecture="small_cnn", segment_frames=64, eval_stride=32, batches_per_epoch=6,
                    max_epochs={EPOCHS}, learning_rate=3e-3, sampling=sampling, plateau_patience=1,
                    select_by="val_loss")
result = fit(net, recipe, toy_spectrogram_set(4, 0), toy_spectrogram_set(2, 1), checkpoint=out / "checkpoint.pt",
             seed=7, amp=False)
atomic_write(out / "result.pt", lambda tmp: torch.save({{"weights": net.state_dict(), "result": result.to_dict()}}, tmp))
"""


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_run_left_behind():
    """A failing test must not leave a training process running behind it."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _start(out: Path, sampling: str) -> subprocess.Popen:
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-c", TRAIN, str(out), sampling], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    _STARTED.append(proc)
    return proc


def _finish(proc: subprocess.Popen) -> None:
    output, _ = proc.communicate(timeout=240)
    assert proc.returncode == 0, output


def _kill_after_a_checkpoint(proc: subprocess.Popen, checkpoint: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not checkpoint.exists():
        assert proc.poll() is None, f"training ended before a checkpoint was seen:\n{proc.stdout.read()}"
        assert time.monotonic() < deadline, "no checkpoint written in time"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()


def _result(out: Path) -> tuple[dict, dict]:
    saved = torch.load(out / "result.pt", weights_only=True)
    result = saved["result"]
    for epoch in result["history"]:
        epoch.pop("seconds")  # wall-clock time: the only thing allowed to differ
    return saved["weights"], result


@pytest.mark.slow
@pytest.mark.parametrize("sampling", ["balanced_crops", "all_segments"])
def test_killed_training_resumes_to_the_uninterrupted_result(tmp_path, sampling):
    straight = _start(tmp_path / "straight", sampling)  # the reference, alongside the interrupted run
    out = tmp_path / "killed"
    checkpoint = out / "checkpoint.pt"
    _kill_after_a_checkpoint(_start(out, sampling), checkpoint)

    # what the kill left: a whole checkpoint from before the end, no result; a half-written file is hidden
    state = load_checkpoint(checkpoint)
    assert 1 <= len(state["history"]) < EPOCHS, "the kill should land mid-training"
    assert not (out / "result.pt").exists()
    assert all(p.name.startswith(".") and p.name.endswith(".tmp") for p in out.iterdir() if p != checkpoint)
    (out / f".{checkpoint.name}.k1ll3d.tmp").write_bytes(b"half a checkpoint")  # as a kill mid-write leaves it

    _finish(_start(out, sampling))
    _finish(straight)
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.pt", "result.pt"]  # the stale temporary swept
    weights, result = _result(out)
    want_weights, want = _result(tmp_path / "straight")
    assert result["resumed_from_epoch"] == len(state["history"]) and want["resumed_from_epoch"] == 0
    result.pop("resumed_from_epoch"), want.pop("resumed_from_epoch")
    result.pop("segments_per_second"), want.pop("segments_per_second")  # timing
    assert len(result["history"]) == EPOCHS and result == want
    assert weights.keys() == want_weights.keys()
    for name, value in want_weights.items():
        assert torch.equal(weights[name], value), name
