"""The compact step-training file: every Tang song's power codes and normalised motion in one ``.npz``.

Why a file of its own: preparing it needs the audio decoders and the motion capture, training needs
only torch and numpy, so ``prepare`` runs once where the data is and ``train`` on a bare GPU machine.
This module imports neither audio libraries nor scipy.

Files may carry each song's beat grid per frame (``beat_position``, ``beat_period``, ``beats_per_bar``,
``downbeat``: the phase input and tempo augmentation of :mod:`dancekit.training.step_tempo`), and
may store the power codes packed (``pack=True``): the bins of each patch differenced and the whole
compressed with LZMA (standard library), 0.71 of zlib's size on the Tang songs, so the file
travels to a training machine in fewer bytes (38.6 MB -> about 31 MB). Reading undoes it.
"""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import numpy as np
import torch

from dancekit.fileio import atomic_write
from dancekit.training.step_tempo import StepRhythm, rate_zero
from dancekit.training.steps import StepData

#: Per-song arrays a file may carry for the beat grid (optional, all or none).
RHYTHM_KEYS = ("beat_position", "beat_period", "beats_per_bar", "downbeat")

#: The dances of the Tang capture in the order of a step model's dance embedding.
STEP_DANCES = ("Cha Cha Cha", "Rumba", "Slow Waltz", "Tango")


def pack_codes(codes: np.ndarray) -> np.ndarray:
    """Power codes ``[N, bins, stft]`` uint8 as LZMA-compressed bytes of their differences along the bins.

    Neighbouring bins of a spectrum are close, so their differences compress better than the codes
    (measured on Tang: 0.71 of the raw size against zlib's 0.85).

    Parameters
    ----------
    codes : np.ndarray
        uint8 codes.

    Returns
    -------
    np.ndarray
        uint8 bytes; :func:`unpack_codes` with the shape gives the codes back exactly.
    """
    diff = np.diff(np.asarray(codes, dtype=np.uint8), axis=1, prepend=np.uint8(0))  # wraps mod 256: lossless
    return np.frombuffer(lzma.compress(np.ascontiguousarray(diff).tobytes(), preset=6), dtype=np.uint8)


def unpack_codes(packed: np.ndarray, shape) -> np.ndarray:
    """Undo :func:`pack_codes`.

    Parameters
    ----------
    packed : np.ndarray
        Its bytes.
    shape : sequence of int
        The codes' shape ``[N, bins, stft]``.

    Returns
    -------
    np.ndarray
        uint8 codes.
    """
    diff = np.frombuffer(lzma.decompress(np.asarray(packed, dtype=np.uint8).tobytes()), dtype=np.uint8)
    return np.cumsum(diff.reshape(tuple(int(v) for v in shape)), axis=1, dtype=np.uint8)


def write_step_dataset(path: str | Path, songs: list[dict], meta: dict, pack: bool = False) -> Path:
    """Write songs as one ``.npz``: concatenated ``codes`` [N, 129, 5] uint8, ``motion`` [N, D] float16.

    Parameters
    ----------
    path : str or Path
        The file to write (atomically; its folder is created).
    songs : list of dict
        Per song: ``name``, ``side`` (train/val/test), ``dance`` (index into ``meta["dances"]``),
        ``codes`` [T, bins, stft] uint8, ``motion`` [T, D] and ``signal_power``; optionally the beat
        grid: ``beat_position`` and ``beat_period`` [T], ``beats_per_bar`` and ``downbeat``.
    meta : dict
        JSON-serialisable settings stored beside the arrays (normaliser, mean pose, split...).
    pack : bool
        Store the codes with :func:`pack_codes` (a smaller file to carry; slower to write).

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
    if all(k in s for s in songs for k in RHYTHM_KEYS):
        arrays["beat_position"] = np.concatenate([s["beat_position"] for s in songs]).astype(np.float32)
        arrays["beat_period"] = np.concatenate([s["beat_period"] for s in songs]).astype(np.float32)
        arrays["beats_per_bar"] = np.array([s["beats_per_bar"] for s in songs], dtype=np.int64)
        arrays["downbeat"] = np.array([s["downbeat"] for s in songs], dtype=np.int64)
    if pack:
        codes = arrays.pop("codes")
        arrays["codes_packed"], arrays["codes_shape"] = pack_codes(codes), np.array(codes.shape, dtype=np.int64)

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
        ``codes``, ``motion``, ``offsets``, ``names``, ``dance``, ``side``, ``signal_power``, and
        the beat grid's arrays where the file has them (packed codes come back unpacked).
    meta : dict
        The settings stored with them.
    """
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    if "codes_packed" in arrays:
        arrays["codes"] = unpack_codes(arrays.pop("codes_packed"), arrays.pop("codes_shape"))
    return arrays, json.loads(str(arrays.pop("meta")))


def step_data(arrays: dict, songs: list[int], meta: dict | None = None) -> StepData:
    """The songs at indices ``songs`` of a step dataset as training data (motion as float32).

    Parameters
    ----------
    arrays : dict
        As returned by :func:`read_step_dataset`.
    songs : list of int
        Which songs, in order.
    meta : dict, optional
        The file's settings: its motion normaliser tells tempo augmentation which components are
        rates.

    Returns
    -------
    StepData
        Their frames concatenated, with per-song offsets, dances, signal powers and names, and
        their beat grid where the file has one.
    """
    offsets = arrays["offsets"]
    parts = [slice(int(offsets[i]), int(offsets[i + 1])) for i in songs]
    lengths = [p.stop - p.start for p in parts]
    rhythm = None
    if all(k in arrays for k in RHYTHM_KEYS):
        rhythm = StepRhythm(np.concatenate([arrays["beat_position"][p] for p in parts]),
                            np.concatenate([arrays["beat_period"][p] for p in parts]),
                            arrays["beats_per_bar"][songs], arrays["downbeat"][songs])
    zero = rate_zero(meta["normaliser"]) if meta and "low" in meta.get("normaliser", {}) else None
    return StepData(torch.as_tensor(np.concatenate([arrays["codes"][p] for p in parts])),
                    torch.as_tensor(np.concatenate([arrays["motion"][p] for p in parts]).astype(np.float32)),
                    np.concatenate([[0], np.cumsum(lengths)]), arrays["dance"][songs],
                    arrays["signal_power"][songs], [str(arrays["names"][i]) for i in songs], rhythm, zero)


def split_step_data(arrays: dict, fold_val: bool = False, meta: dict | None = None
                    ) -> tuple[StepData, StepData | None]:
    """Training and validation data of a step dataset by each song's side.

    Parameters
    ----------
    arrays : dict
        As returned by :func:`read_step_dataset`.
    fold_val : bool
        Also train on the validation songs (the paper validates on its training songs).
    meta : dict, optional
        The file's settings (see :func:`step_data`).

    Returns
    -------
    train : StepData
    val : StepData or None
        None where the file has no validation songs.
    """
    sides = [str(s) for s in arrays["side"]]
    train_sides = ("train", "val") if fold_val else ("train",)
    train = step_data(arrays, [i for i, s in enumerate(sides) if s in train_sides], meta)
    val_songs = [i for i, s in enumerate(sides) if s == "val"]
    return train, (step_data(arrays, val_songs, meta) if val_songs else None)
