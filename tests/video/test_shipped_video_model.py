"""The shipped `video_dance` model: found by name, `dancekit video` runs on a clip, beats chance on real photos."""

import json

import numpy as np
import pytest
import torch
from video_fixtures import write_test_video

from dancekit.models import DEFAULT_MODELS, builtin_models

#: float16 weights and another Pillow/FFmpeg build may move a photo or two across a decision boundary
REMEASURE_MARGIN = 0.06
#: "beats chance clearly": held-out accuracy this far above always answering the majority class
CLEAR_MARGIN = 0.25


@pytest.fixture(scope="module")
def shipped():
    from dancekit.models.video_cnn import load_video_model

    return load_video_model(DEFAULT_MODELS["video"])


def test_the_default_video_model_is_built_in_small_and_knows_three_dances(shipped):
    assert DEFAULT_MODELS["video"] in builtin_models()
    card = shipped.card
    assert card.name == DEFAULT_MODELS["video"] and card.task == "video" and len(card.classes) == 3
    assert "only 3" in card.summary
    assert sum(p.stat().st_size for p in shipped.path.iterdir()) < 5e6
    cv = card.metrics["cross_validation"][card.architecture]
    assert 0 < cv["std_accuracy"] and 0 < cv["mean_accuracy"] <= 1
    side = card.frontend["image_size"]
    with torch.no_grad():
        logits = shipped.network(torch.zeros(2, side, side, 3, dtype=torch.uint8))
    assert logits.shape == (2, 3) and torch.isfinite(logits).all()


def test_dancekit_video_names_one_of_the_three_dances_for_a_clip(shipped, tmp_path, capsys):
    from dancekit.cli import main

    clip = write_test_video(tmp_path / "clip.mp4", seconds=3, fps=10, size=(96, 128))
    assert main(["video", str(clip), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert record["status"] == "ok" and record["model"]["name"] == DEFAULT_MODELS["video"]
    assert list(record["probabilities"]) == shipped.card.classes
    assert sum(record["probabilities"].values()) == pytest.approx(1, abs=1e-4)
    assert record["label"] in shipped.card.classes and record["frames"]["used"] == 3
    assert main(["video", str(clip)]) == 0
    text = capsys.readouterr().out
    assert all(name in text for name in shipped.card.classes) and "frames: 3 of 3 used" in text


def _photo(root, name, size):
    from PIL import Image

    from dancekit.video.frames import to_square

    cls, stem = name.split("/")
    matches = sorted((root / cls).glob(f"{stem}.*"))
    if not matches:
        pytest.skip(f"held-out photo {name} not in {root}")
    with Image.open(matches[0]) as im:
        return to_square(np.asarray(im.convert("RGB")), size)


def test_beats_the_majority_class_on_its_real_held_out_photos(shipped, shared_data):
    from dancekit.video.frame_scores import predict_frames

    root = shared_data / "video_smoke" / "photos"
    if not root.is_dir():
        pytest.skip(f"no photos at {root}")
    card = shipped.card
    names = card.training["held_out"]
    images = np.stack([_photo(root, n, card.frontend["image_size"]) for n in names])
    labels = np.array([card.classes.index(n.split("/")[0]) for n in names])
    accuracy = float((predict_frames(shipped.network, images).argmax(1) == labels).mean())
    held = card.metrics["held_out"]
    assert len(names) == held["val_images"]
    assert accuracy >= held["accuracy"] - REMEASURE_MARGIN
    assert accuracy >= held["majority_baseline"] + CLEAR_MARGIN


def test_the_real_photos_still_fall_into_the_groups_the_card_reports(shipped, shared_data):
    from dancekit.video.datasets import load_image_folder
    from dancekit.video.near_duplicates import group_near_duplicates, group_summary

    root = shared_data / "video_smoke" / "photos"
    if not root.is_dir():
        pytest.skip(f"no photos at {root}")
    told = shipped.card.training["near_duplicate_groups"]
    data = load_image_folder(root, shipped.card.frontend["image_size"])
    found = group_near_duplicates(data.images, data.labels, told["scene_mad"], told["copy_bits"], videos=data.videos)
    assert found.count == told["groups"]
    assert group_summary(data, found) == told["per_class"]
