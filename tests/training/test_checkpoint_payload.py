"""Resuming training never runs code from the checkpoint file: a pickle payload is refused, not executed."""

import pytest

from dancekit.training.checkpoint import CheckpointError, load_checkpoint, resume_checkpoint, save_checkpoint
from pickle_payload import payload_is_live, write_payload, write_raw_pickle


@pytest.mark.parametrize("writer", [write_payload, write_raw_pickle])
@pytest.mark.parametrize("load", [load_checkpoint, resume_checkpoint])
def test_a_checkpoint_holding_a_pickle_payload_is_refused_and_not_run(tmp_path, writer, load):
    marker = tmp_path / "pwned"
    path = writer(tmp_path / "checkpoint.pt", marker)
    with pytest.raises(CheckpointError, match="cannot resume from") as err:
        load(path)
    assert "\n" not in str(err.value)
    assert not marker.exists()
    assert payload_is_live(path, marker)  # the same file, unpickled the unsafe way, does run code


def test_a_plain_checkpoint_still_round_trips(tmp_path):
    import torch

    state = {"step": 3, "weights": {"w": torch.arange(4.0)}, "history": [{"loss": 0.5}]}
    save_checkpoint(tmp_path / "checkpoint.pt", state)
    loaded = load_checkpoint(tmp_path / "checkpoint.pt")
    assert loaded["step"] == 3 and torch.equal(loaded["weights"]["w"], torch.arange(4.0))
    assert load_checkpoint(tmp_path / "none.pt") is None
