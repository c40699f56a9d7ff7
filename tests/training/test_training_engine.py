import dataclasses

import pytest
import torch

from dancekit.models.dance_cnn import build_dance_cnn
from dancekit.training.checkpoint import CheckpointError
from dancekit.training.engine import fit, predict
from dancekit.training.recipes import get_recipe
from toy_spectrograms import toy_spectrogram_set


def _recipe(**kw):
    base = dict(architecture="small_cnn", segment_frames=64, eval_stride=32, batches_per_epoch=6, max_epochs=4,
                learning_rate=3e-3)
    base.update(kw)
    return get_recipe("dance_cnn", **base)


def _net():
    torch.manual_seed(0)
    return build_dance_cnn("small_cnn", num_classes=2, width=4)


def test_training_learns_a_separable_toy_task():
    train, val = toy_spectrogram_set(6, 0), toy_spectrogram_set(3, 1)
    net = _net()
    before = predict(net, val, 64, 32).segment_accuracy()
    result = fit(net, _recipe(max_epochs=6), train, val, amp=False)
    after = predict(net, val, 64, 32)
    assert after.recording_accuracy() == 1.0 and after.segment_accuracy() > max(before, 0.9)
    assert len(result.history) == 6 and 1 <= result.best_epoch <= 6 and result.segments_per_second > 0
    # the network ends with the best epoch's weights
    assert after.segment_accuracy() == pytest.approx(result.history[result.best_epoch - 1].val_segment_accuracy)


@pytest.mark.parametrize("sampling", ["balanced_crops", "all_segments"])
def test_interrupted_training_resumes_to_the_same_weights(tmp_path, sampling):
    train, val = toy_spectrogram_set(4, 0), toy_spectrogram_set(2, 1)
    recipe = _recipe(sampling=sampling, plateau_patience=1, select_by="val_loss")
    straight = _net()
    fit(straight, recipe, train, val, checkpoint=tmp_path / "a.pt", amp=False)
    resumed = _net()
    first = fit(resumed, recipe, train, val, checkpoint=tmp_path / "b.pt", amp=False, max_epochs=2)
    assert len(first.history) == 2
    second = fit(resumed, recipe, train, val, checkpoint=tmp_path / "b.pt", amp=False)
    assert second.resumed_from_epoch == 2 and len(second.history) == 4
    for key, value in straight.state_dict().items():
        torch.testing.assert_close(resumed.state_dict()[key], value, rtol=0, atol=0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_interrupted_gpu_training_resumes_to_the_same_weights(tmp_path, monkeypatch):
    """On a GPU dropout draws from the CUDA generator, which a resume must restore as well."""
    monkeypatch.setattr(torch.backends.cudnn, "deterministic", True)
    monkeypatch.setattr(torch.backends.cudnn, "benchmark", False)
    train, val = toy_spectrogram_set(4, 0), toy_spectrogram_set(2, 1)
    recipe = _recipe(plateau_patience=1, select_by="val_loss")
    straight = _net()
    fit(straight, recipe, train, val, checkpoint=tmp_path / "a.pt", device="cuda", amp=False)
    resumed = _net()
    fit(resumed, recipe, train, val, checkpoint=tmp_path / "b.pt", device="cuda", amp=False, max_epochs=2)
    fit(resumed, recipe, train, val, checkpoint=tmp_path / "b.pt", device="cuda", amp=False)
    for key, value in straight.state_dict().items():
        torch.testing.assert_close(resumed.state_dict()[key], value, rtol=0, atol=0)


def test_early_stopping_ends_training_before_max_epochs():
    train, val = toy_spectrogram_set(4, 0), toy_spectrogram_set(2, 1)
    recipe = _recipe(max_epochs=30, early_stop_patience=2, learning_rate=0.0)  # nothing can improve
    result = fit(_net(), recipe, train, val, amp=False)
    assert result.stopped_early and len(result.history) == 3 and result.best_epoch == 1


def test_damaged_checkpoint_is_a_clear_error(tmp_path):
    (tmp_path / "c.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot resume"):
        fit(_net(), _recipe(), toy_spectrogram_set(2, 0), toy_spectrogram_set(1, 1), checkpoint=tmp_path / "c.pt", amp=False)


def test_recipes_carry_the_papers_settings():
    bbnn, prcnn, cnn = get_recipe("bbnn"), get_recipe("prcnn"), get_recipe("dance_cnn")
    assert (bbnn.learning_rate, bbnn.batch_size, bbnn.plateau_patience, bbnn.segment_frames) == (0.01, 8, 3, 647)
    assert (prcnn.segment_frames, prcnn.eval_stride) == (128, 64)  # 3 s clips, 50 % overlap
    assert (cnn.batch_size, cnn.learning_rate, cnn.batches_per_epoch) == (8, 5e-4, 20)
    assert dataclasses.replace(cnn, architecture="densenet161").frontend == "dance_cnn_mel"
    with pytest.raises(ValueError, match="unknown recipe"):
        get_recipe("nope")


def test_a_variant_can_be_renamed():
    variant = get_recipe("prcnn", name="prcnn_add", architecture_args={"fusion": "add"})
    assert variant.name == "prcnn_add" and variant.segment_frames == 128
