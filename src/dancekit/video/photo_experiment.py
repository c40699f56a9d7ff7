"""Paper 4's networks on a folder of dance photos: near-duplicate groups, the paper's split, group CV, the shipped model.

Photos of one performance (frames of one recording, re-posts of one picture) are near-duplicates:
split at random, as the paper does, they land on both sides and the accuracy measures recognising a
picture seen. So the photos are grouped first (:mod:`dancekit.video.near_duplicates`); the paper's
random split is still reported, beside a k-fold cross-validation by group that chooses the network,
and the shipped network is trained with about 20 % of each class's groups held out
(:func:`dancekit.video.crossval.holdout_sides`). Every run resumes from its own ``result.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Callable, Mapping, Sequence

from dancekit.fileio import atomic_write_text
from dancekit.models.video_cnn import build_video_cnn
from dancekit.training.checkpoint import load_checkpoint
from dancekit.video.crossval import choose_architecture, cross_validate, cv_summary, holdout_sides, run_scores
from dancekit.video.datasets import FrameSet, load_image_folder, split_mask
from dancekit.video.near_duplicates import (DuplicateGroups, group_near_duplicates, group_summary, merge_heights,
                                            regroup)
from dancekit.video.photo_model import save_photo_model
from dancekit.video.training import VideoRecipe, run_experiment

#: SqueezeNet 1.0 has no batch norm: from scratch at 1e-3 its training loss sticks at ln(3) after two
#: epochs (every output unit dead, one class for every photo); at 3e-4 it falls steadily
PHOTO_ARCH_LR = {"squeezenet1_0": 3e-4}


def architecture_recipes(recipe: VideoRecipe, architectures: Sequence[str],
                         learning_rates: Mapping[str, float] | None = None) -> dict[str, VideoRecipe]:
    """One recipe per network: ``recipe`` with the network's own learning rate where one is known.

    Parameters
    ----------
    recipe : VideoRecipe
        The shared recipe (its learning rate serves the networks without one of their own).
    architectures : sequence of str
    learning_rates : mapping, optional
        Network -> learning rate, over :data:`PHOTO_ARCH_LR`.

    Returns
    -------
    dict
        Network -> recipe.
    """
    rates = {**PHOTO_ARCH_LR, **(learning_rates or {})}
    return {a: dataclasses.replace(recipe, learning_rate=rates.get(a, recipe.learning_rate)) for a in architectures}


def grouping_facts(data: FrameSet, found: DuplicateGroups, scene_mad: float, copy_bits: int) -> dict:
    """How the photos were grouped and how close the nearest photos that were *not* grouped are.

    Parameters
    ----------
    data : FrameSet
        The photos, already regrouped by ``found``.
    found : DuplicateGroups
        :func:`~dancekit.video.near_duplicates.group_near_duplicates`'s answer.
    scene_mad, copy_bits : float, int
        The thresholds used.

    Returns
    -------
    dict
        Thresholds, group counts per class, merge heights, the closest distinct pairs of one class
        and of two classes, and same-looking pairs of two classes (``conflicts``).
    """
    same = data.labels[:, None] == data.labels[None, :]
    apart = same & (found.groups[:, None] != found.groups[None, :])
    return {"scene_mad": scene_mad, "copy_bits": copy_bits, "groups": found.count,
            "per_class": group_summary(data, found),
            "merge_heights": {data.classes[y]: [round(float(v), 2) for v in h]
                              for y, h in merge_heights(found.distances, data.labels).items()},
            "closest_distinct_same_class_mad": float(found.distances[apart].min()),
            "closest_other_class_mad": float(found.distances[~same].min()),
            "closest_other_class_bits": int(found.hash_bits[~same & (found.hash_bits > copy_bits)].min()),
            "conflicts": [[data.video_names[data.videos[i]], data.video_names[data.videos[j]]]
                          for i, j in found.conflicts],
            "closest_distinct_same_class_bits": int(found.hash_bits[apart].min())}


def load_grouped_photos(folder: str | os.PathLike, size: int, scene_mad: float,
                        copy_bits: int) -> tuple[FrameSet, dict]:
    """The photos of ``<class>/<photo>`` files, each near-duplicate group one "video".

    Parameters
    ----------
    folder : str or os.PathLike
    size : int
        Side the photos are squashed to.
    scene_mad, copy_bits : float, int
        Near-duplicate thresholds (thumbnail grey levels, perceptual-hash bits).

    Returns
    -------
    (FrameSet, dict)
        The regrouped photos and :func:`grouping_facts`.
    """
    data = load_image_folder(folder, size)
    found = group_near_duplicates(data.images, data.labels, scene_mad, copy_bits, videos=data.videos)
    data = regroup(data, found)
    return data, grouping_facts(data, found, scene_mad, copy_bits)


def run_photo_experiment(data: FrameSet, grouping: dict, out_dir: str | os.PathLike, recipe: VideoRecipe,
                         architectures: Sequence[str], learning_rates: Mapping[str, float] | None = None,
                         folds: int = 5, device: str = "cpu",
                         ship_architecture: str | None = None, model_out: str | os.PathLike | None = None,
                         source: str = "", size: int = 128, threads: int = 0,
                         log: Callable[[str], None] = lambda line: None) -> dict:
    """The paper's random split and group CV of every network, then the shipped network on a group hold-out.

    Parameters
    ----------
    data : FrameSet
        Photos grouped by :func:`load_grouped_photos`.
    grouping : dict
        Its :func:`grouping_facts`.
    out_dir : str or os.PathLike
        Runs in ``paper/``, ``cv/`` and ``ship/`` (each resumes); ``results.json`` at the end.
    recipe : VideoRecipe
        The shared recipe; its seed and validation share also fix the folds and the hold-out.
    architectures : sequence of str
        The networks to train.
    learning_rates : mapping, optional
        Network -> its own learning rate (see :func:`architecture_recipes`).
    folds : int
    device : str
    ship_architecture : str, optional
        The network to ship; default the one cross-validation prefers (:func:`choose_architecture`).
    model_out : str or os.PathLike, optional
        Write the model folder here (:func:`~dancekit.video.photo_model.save_photo_model`).
    source : str
        The photo folder, for the results and the card.
    size : int
        Side the photos were squashed to.
    threads : int
        Torch CPU threads of the run (recorded only).
    log : callable
        Called with one line per finished stage.

    Returns
    -------
    dict
        The results written to ``results.json``: data, grouping, recipes, the folds, every run and
        score, and the shipped run (with ``model_bytes`` when a model was written).
    """
    out = Path(out_dir)
    recipes = architecture_recipes(recipe, architectures, learning_rates)
    seed = recipe.seed
    paper, cv = {}, {}
    for a in architectures:
        paper[a] = run_experiment(data, out / "paper", [a], ["frame"], recipes[a], device, progress=True)[("frame", a)]
    for a in architectures:
        runs, fold_of = cross_validate(data, out / "cv", [a], recipes[a], folds, seed, device, True)
        cv.update(runs)
    summary = cv_summary(cv, data)
    for a in architectures:
        s = summary[a]
        log(f"{a:<14} paper split {100 * paper[a].frame_accuracy:5.1f} %   {folds}-fold group CV "
            f"{100 * s['mean_accuracy']:5.1f} +- {100 * s['std_accuracy']:4.1f} %  (balanced "
            f"{100 * s['mean_balanced_accuracy']:5.1f} +- {100 * s['std_balanced_accuracy']:4.1f} %)")
    arch = ship_architecture or choose_architecture(summary)
    sides = holdout_sides(data, recipe.val_fraction, seed)
    ship = run_experiment(data, out / "ship", [arch], ["video"], recipes[arch], device, progress=True,
                          keep_networks=True, video_sides=sides)[("video", arch)]
    held = run_scores(ship, data)
    log(f"shipped {arch}: held-out accuracy {100 * held['accuracy']:.1f} % on {held['val_images']} photos "
        f"(majority baseline {100 * held['majority_baseline']:.1f} %)")
    results = {"data": {"source": source, "image_size": size, **data.summary(), "names": data.video_names,
                        "groups": data.video_groups},
               "grouping": grouping, "recipe": recipe.to_dict(),
               "learning_rates": {a: r.learning_rate for a, r in recipes.items()},
               "threads": threads, "folds": fold_of.tolist(),
               "paper": {a: r.to_dict() for a, r in paper.items()},
               "paper_scores": {a: run_scores(r, data) for a, r in paper.items()},
               "cv": {f"{f}/{a}": r.to_dict() for (f, a), r in cv.items()}, "cv_summary": summary,
               "ship": {"architecture": arch, "result": ship.to_dict(), "scores": held,
                        "val_groups": sorted(g for g, s in sides.items() if s == "val")}}
    if model_out:
        network = build_video_cnn(arch, len(data.classes))
        network.load_state_dict(load_checkpoint(out / "ship" / "video" / arch / "network.pt"))
        mask = split_mask(data, "video", sides=sides)
        path = save_photo_model(network, results, model_out, held_out=[data.video_names[v] for v in data.videos[mask]])
        results["ship"]["model_bytes"] = sum(p.stat().st_size for p in Path(path).iterdir())
        log(f"model: {path} ({results['ship']['model_bytes'] / 1e6:.2f} MB)")
    atomic_write_text(out / "results.json", json.dumps(results) + "\n")
    return results
