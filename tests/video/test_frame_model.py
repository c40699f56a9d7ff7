"""Frames from any supported layout, and the model card of paper 4's frame recipe."""

import numpy as np
from PIL import Image
from video_fixtures import EASY_RECIPE, easy_frameset

from dancekit.video.datasets import save_frameset, split_mask
from dancekit.video.frame_model import choose_shipped_architecture, frame_model_card
from dancekit.video.frame_sources import load_frame_data
from dancekit.video.photo_experiment import PHOTO_ARCH_LR, architecture_recipes
from dancekit.video.training import RunResult


def test_a_packed_frameset_brings_its_song_split_and_a_folder_none(tmp_path):
    data = easy_frameset(n_videos=4, frames_per_video=2, size=16)
    sides = {g: ("val" if i == 0 else "train") for i, g in enumerate(sorted(set(data.video_groups)))}
    save_frameset(data, tmp_path / "frames.npz", meta={"song_sides": sides, "left_out": []})
    loaded, found_sides, meta = load_frame_data(tmp_path / "frames.npz")
    assert len(loaded) == len(data) and found_sides == sides and meta["left_out"] == []
    for c, cls in enumerate(("top", "bottom")):
        (tmp_path / "photos" / cls).mkdir(parents=True)
        Image.fromarray(np.full((20, 30, 3), 80 * c, np.uint8)).save(tmp_path / "photos" / cls / "a.png")
    folder, no_sides, meta = load_frame_data(tmp_path / "photos", size=24)
    assert folder.images.shape == (2, 24, 24, 3) and no_sides is None and meta["layout"] == "image folder"


def _run(split, arch, video_accuracy):
    return RunResult(arch, split, ["a", "b"], [{"epoch": 1}], [0, 1], [[0.5, 0.5]] * 2, [0, 1], video_accuracy,
                     0.5, 10, 4, 2, 1.0)


def test_the_shipped_network_is_the_best_on_held_out_videos_but_never_a_heavy_one_if_another_ran():
    results = {("video", "alexnet"): _run("video", "alexnet", 0.9), ("video", "resnet18"): _run("video", "resnet18", 0.6),
               ("video", "squeezenet1_0"): _run("video", "squeezenet1_0", 0.7)}
    assert choose_shipped_architecture(results, ["alexnet", "resnet18", "squeezenet1_0"]) == "squeezenet1_0"
    assert choose_shipped_architecture(results, ["alexnet"]) == "alexnet"


def test_card_reports_both_splits_and_names_the_groups_of_each_side():
    data = easy_frameset(n_videos=6, frames_per_video=2, size=16)
    mask = split_mask(data, "video", 0.34, 0)
    results = {("video", "resnet18"): _run("video", "resnet18", 0.75), ("frame", "resnet18"): _run("frame", "resnet18", 1.0)}
    card = frame_model_card("resnet18", results, data, mask, EASY_RECIPE, {"source": "x", "song_sides": {}}, every=2)
    assert card.metrics["video"]["video_accuracy"] == 0.75 and card.metrics["frame"]["val_videos"] == 2
    train, val = set(card.training["train_groups"]), set(card.training["val_groups"])
    assert train and val and not train & val and train | val == set(data.video_groups)
    assert card.training["data"] == {"source": "x"} and card.training["frames_used"]["every"] == 2
    assert card.frontend["image_size"] == 16 and card.classes == list(data.classes)


def test_each_network_gets_its_own_learning_rate_where_one_is_known():
    recipes = architecture_recipes(EASY_RECIPE, ["resnet18", "squeezenet1_0"], {"resnet18": 5e-4})
    assert recipes["resnet18"].learning_rate == 5e-4
    assert recipes["squeezenet1_0"].learning_rate == PHOTO_ARCH_LR["squeezenet1_0"]
    assert recipes["squeezenet1_0"].epochs == EASY_RECIPE.epochs
    assert architecture_recipes(EASY_RECIPE, ["alexnet"])["alexnet"].learning_rate == EASY_RECIPE.learning_rate
