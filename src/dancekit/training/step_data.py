"""The compact step-training file: every Tang song's power codes and normalised motion in one ``.npz``.

Why a file of its own: preparing it needs the audio decoders and the motion capture, training needs
only torch and numpy, so ``prepare`` runs once where the data is and ``train`` on a bare GPU machine.
This module imports neither audio libraries nor scipy.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from dancekit.fileio import atomic_write
from dancekit.training.steps import StepData

#: The dances of the Tang capture in the order of a step model's dance embedding.
STEP_DANCES = ("Cha Cha Cha", "Rumba", "Slow Waltz", "Tango")


def write_step_dataset(path: str | Path, songs: list[dict], meta: dict) -> Path:
    """Write songs as one ``.npz``: concatenated ``codes`` [N, 129, 5] uint8, ``motion`` [N, D] float16.

    Parameters
    ----------
    path : str or Path
        The file to write (atomically; its folder is created).
    songs : list of dict
        Per song: ``name``, ``side`` (train/val/test), ``dance`` (index into ``meta["dances"]``),
        ``codes`` [T, bins, stft] uint8, ``motion`` [T, D] and ``signal_power``.
    meta : dict
        JSON-serialisable settings stored beside the arrays (normaliser, mean pose, split...).

    Returns
    -------
    Path
        The file written.
    """
    lengths = [len(s["motion"]) for s in songs]
    arrays = {
        "codes": np.concatenate([s["codes"] for s in songs]).astype(np.uint8),
        "motion": np.concatenate([s["motion"] for s in songs]).astype(np.float16),
        "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "names": np.array([s["name"] for s in songs]),
        "dance": np.array([s["dance"] for s in songs], dtype=np.int64),
        "side": np.array([s["side"] for s in songs]),
        "signal_power": np.array([s["signal_power"] for s in songs], dtype=np.float64),
        "meta": np.array(json.dumps(meta)),
    }

    def write(tmp):
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, write)


def read_step_dataset(path: str | Path) -> tuple[dict, dict]:
    """The arrays and the settings of a file written by :func:`write_step_dataset`.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file.

    Returns
    -------
    arrays : dict
        ``codes``, ``motion``, ``offsets``, ``names``, ``dance``, ``side``, ``signal_power``.
    meta : dict
        The settings stored with them.
    """
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return arrays, json.loads(str(arrays.pop("meta")))


def step_data(arrays: dict, songs: list[int]) -> StepData:
    """The songs at indices ``songs`` of a step dataset as training data (motion as float32).

    Parameters
    ----------
    arrays : dict
        As returned by :func:`read_step_dataset`.
    songs : list of int
        Which songs, in order.

    Returns
    -------
    StepData
        Their frames concatenated, with per-song offsets, dances, signal powers and names.
    """
    offsets = arrays["offsets"]
    parts = [slice(int(offsets[i]), int(offsets[i + 1])) for i in songs]
    lengths = [p.stop - p.start for p in parts]
    return StepData(torch.as_tensor(np.concatenate([arrays["codes"][p] for p in parts])),
                    torch.as_tensor(np.concatenate([arrays["motion"][p] for p in parts]).astype(np.float32)),
                    np.concatenate([[0], np.cumsum(lengths)]), arrays["dance"][songs],
                    arrays["signal_power"][songs], [str(arrays["names"][i]) for i in songs])


def split_step_data(arrays: dict, fold_val: bool = False) -> tuple[StepData, StepData | None]:
    """Training and validation data of a step dataset by each song's side.

    Parameters
    ----------
    arrays : dict
        As returned by :func:`read_step_dataset`.
    fold_val : bool
        Also train on the validation songs (the paper validates on its training songs).

    Returns
    -------
    train : StepData
    val : StepData or None
        None where the file has no validation songs.
    """
    sides = [str(s) for s in arrays["side"]]
    train_sides = ("train", "val") if fold_val else ("train",)
    train = step_data(arrays, [i for i, s in enumerate(sides) if s in train_sides])
    val_songs = [i for i, s in enumerate(sides) if s == "val"]
    return train, (step_data(arrays, val_songs) if val_songs else None)
