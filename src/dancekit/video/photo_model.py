"""The shipped ``video_dance`` model folder: a frame classifier trained on real dance photos.

The card carries what a user needs to judge it: which few dances it knows (and nothing else),
the data and its near-duplicate groups, the held-out photos (by name, so a test can re-measure
them), the held-out accuracy beside the majority-class baseline, and the cross-validated
accuracy of all three networks. Weights are stored in float16: a shipped file half the size,
no measurable change in the answers (the test re-measures the held-out photos).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import torch

from dancekit.models.files import ModelCard, save_model
from dancekit.models.video_cnn import VIDEO_TASK

#: name of the built-in model ``dancekit video`` uses by default
PHOTO_MODEL_NAME = "video_dance"


def save_photo_model(network: torch.nn.Module, results: dict, directory: str | os.PathLike,
                     held_out: Sequence[str], name: str = PHOTO_MODEL_NAME) -> Path:
    """Write the model folder from the recipe's ``results`` (see ``recipes/video_classification.py photos``).

    Parameters
    ----------
    network : torch.nn.Module
        The trained network to ship.
    results : dict
        The recipe's results: ``ship`` (the shipped run and its held-out scores), ``data``, ``cv_summary``
        and ``grouping``.
    directory : str or os.PathLike
        The model folder to write (weights in float16, card beside them).
    held_out : sequence of str
        Names of the held-out photos, recorded in the card.
    name : str
        The model's name.

    Returns
    -------
    Path
    """
    ship = results["ship"]
    arch = ship["architecture"]
    data = results["data"]
    classes = list(ship["result"]["classes"])
    cv = results["cv_summary"]
    held = ship["scores"]
    n_train = data["frames"] - held["val_images"]
    dances = ", ".join(classes)
    card = ModelCard(
        name=name, task=VIDEO_TASK, architecture=arch, classes=classes,
        frontend={"kind": "rgb_frames", "image_size": int(data["image_size"]), "resize": "squash", "fps": 1.0,
                  "normalise": "imagenet mean/std inside the network"},
        segment_frames=1, default_stride=1,
        summary=(f"knows only {len(classes)} dances ({dances}); any other dance is forced into one of them. "
                 f"{arch} from scratch on {n_train} photos"),
        training={
            "recipe": "recipes/video_classification.py photos", "paper_recipe": ship["result"]["extra"]["recipe"],
            "data": (f"{'/'.join(Path(data['source']).parts[-2:])}: {data['frames']} photos of {len(classes)} "
                     f"dances {data['frames_per_class']}, squashed to {data['image_size']} px; single photos and "
                     "frames, not videos"),
            "near_duplicate_groups": {k: results["grouping"][k] for k in ("scene_mad", "copy_bits", "groups",
                                                                          "per_class")},
            "split": ("held out: about 20 % of each class's near-duplicate groups, chosen by "
                      "dancekit.video.crossval.holdout_sides (groups holding over 10 % of a class, i.e. whole "
                      "recordings, always train); the last (10th) epoch is kept, the held-out photos picked nothing"),
            "train_images": int(n_train), "held_out": list(held_out),
            "history": ship["result"]["history"]},
        metrics={
            "held_out": {k: held[k] for k in ("accuracy", "balanced_accuracy", "majority_baseline",
                                              "largest_class_share", "val_images", "val_per_class")},
            "cross_validation": {
                "how": f"{max(results['folds']) + 1}-fold stratified group k-fold over all photos, same recipe",
                **{a: {k: s[k] for k in ("mean_accuracy", "std_accuracy", "mean_balanced_accuracy",
                                         "std_balanced_accuracy", "mean_majority_baseline",
                                         "mean_largest_class_share", "pooled_accuracy")}
                   for a, s in cv.items()}},
            "paper_random_split": {a: results["paper_scores"][a]["accuracy"] for a in results["paper_scores"]}})
    return save_model(network, card, directory, weights_dtype=torch.float16)
