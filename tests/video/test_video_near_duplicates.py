"""Near-duplicate groups and the group-aware evaluation built on them (cross-validation, held-out split)."""

import numpy as np
import pytest
from video_fixtures import easy_frameset

from dancekit.evaluation.metrics import balanced_accuracy
from dancekit.video.crossval import (choose_architecture, cross_validate, cv_summary,
                                     fold_sides, group_folds, holdout_sides, majority_baseline)
from dancekit.video.datasets import DatasetError, FrameSet, split_mask
from dancekit.video.frames import resize
from dancekit.video.near_duplicates import (group_near_duplicates, group_summary, hash_distances, merge_heights,
                                            regroup)
from dancekit.video.training import VideoRecipe


def _scene(seed, size=64):
    """A smooth random background (a stage, a room), different for every seed."""
    rng = np.random.default_rng(seed)
    return resize(rng.integers(0, 256, (4, 4, 3), dtype=np.uint8), size, size)


def _recording(seed, n, size=64):
    """``n`` frames of one fixed camera: the same background, a small dancer moving across it."""
    frames = []
    for k in range(n):
        img = _scene(seed, size).copy()
        x = 4 + 5 * k
        img[20:44, x:x + 8] = (240, 200, 40)
        frames.append(img)
    return frames


def _frameset(images, labels, classes=("a", "b")):
    names = [f"{classes[y]}/img{i}" for i, y in enumerate(labels)]
    return FrameSet(np.stack(images), np.asarray(labels), np.arange(len(images)), list(classes), names, list(names))


def test_frames_of_a_recording_and_copies_group_while_distinct_photos_stay_apart():
    photo = _scene(50, 128)
    copy = resize(resize(photo, 40, 40), 64, 64)  # the same photo, downscaled and blown up again
    images = _recording(1, 6) + [resize(photo, 64, 64), copy] + [_scene(100 + i) for i in range(4)]
    labels = [0] * len(images)
    found = group_near_duplicates(np.stack(images), labels)
    g = found.groups
    assert len(set(g[:6])) == 1  # one recording, one group
    assert g[6] == g[7] and g[6] != g[0]  # the copy joins its photo
    assert len(set(g[8:])) == 4 and not set(g[8:]) & set(g[:8])  # distinct photos: their own groups
    assert found.count == 6 and found.sizes().tolist() == [6, 2, 1, 1, 1, 1]
    assert hash_distances(np.stack([images[6], copy]))[0, 1] <= found.copy_bits
    heights = merge_heights(found.distances, np.asarray(labels))[0]
    assert heights[:6].max() <= found.scene_mad < heights[-4:].min()  # the gap the threshold sits in


def test_groups_never_span_classes_and_frames_of_one_video_stay_together():
    same = _scene(7)
    found = group_near_duplicates(np.stack([same, same, same, _scene(8)]), [0, 1, 1, 1])
    assert found.groups[0] != found.groups[1] and found.groups[1] == found.groups[2]
    # two unlike scenes that a video file says are one video
    linked = group_near_duplicates(np.stack([_scene(1), _scene(2)]), [0, 0], videos=np.array([0, 0]))
    assert linked.count == 1


def test_regrouped_frameset_keeps_groups_on_one_side_of_every_split():
    images = (_recording(1, 8) + [_scene(10 + i) for i in range(6)]
              + _recording(2, 8) + [_scene(30 + i) for i in range(6)])
    labels = [0] * 14 + [1] * 14
    data = _frameset(images, labels)
    found = group_near_duplicates(data.images, data.labels)
    grouped = regroup(data, found)
    assert len(set(grouped.video_groups)) == 14 and grouped.video_groups[0] == "a/img0+7"
    assert group_summary(grouped, found)["a"] == {"images": 14, "groups": 7, "largest": [8, 1, 1, 1],
                                                  "singletons": 6}
    folds = group_folds(grouped, k=3, seed=0)
    for fold in range(3):
        mask = split_mask(grouped, "video", sides=fold_sides(grouped, folds, fold))
        assert not set(grouped.groups[mask]) & set(grouped.groups[~mask])
    assert all(len(set(folds[grouped.groups == g])) == 1 for g in set(grouped.video_groups))
    sides = holdout_sides(grouped, 0.2, 0)
    assert sides["a/img0+7"] == "train" and sides["b/img14+7"] == "train"  # a recording always trains
    held = [g for g, s in sides.items() if s == "val"]
    assert len(held) == 4 and all("+" not in g for g in held)  # 2 of each class's 6 single photos
    with pytest.raises(DatasetError, match="at least 20 groups"):
        group_folds(grouped, k=20)


def test_baselines_and_the_choice_of_network():
    assert majority_baseline(np.array([0, 0, 1]), np.array([0, 1, 1, 1]), 2) == 0.25
    assert balanced_accuracy(np.array([0, 0, 1, 0]), np.array([0, 0, 1, 1])) == 0.75
    summary = {"alexnet": {"mean_accuracy": 0.80}, "resnet18": {"mean_accuracy": 0.79},
               "squeezenet1_0": {"mean_accuracy": 0.785}}
    assert choose_architecture(summary) == "squeezenet1_0"  # smallest within 2 points
    summary["resnet18"]["mean_accuracy"] = 0.9
    assert choose_architecture(summary) == "resnet18"


def test_cross_validation_tests_every_image_once_and_resumes(tmp_path):
    data = easy_frameset(n_videos=8, frames_per_video=3, size=24)
    recipe = VideoRecipe(epochs=1, batch_size=12)
    results, folds = cross_validate(data, tmp_path / "cv", ["squeezenet1_0"], recipe, k=2)
    tested = sorted(sum((results[(f, "squeezenet1_0")].val_frames for f in range(2)), []))
    assert tested == list(range(len(data)))
    summary = cv_summary(results, data)["squeezenet1_0"]
    assert len(summary["folds"]) == 2 and 0 <= summary["mean_accuracy"] <= 1
    assert summary["mean_majority_baseline"] == pytest.approx(0.5)
    again, _ = cross_validate(data, tmp_path / "cv", ["squeezenet1_0"], recipe, k=2)
    assert again[(1, "squeezenet1_0")].seconds == results[(1, "squeezenet1_0")].seconds  # read back
