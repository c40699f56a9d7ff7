"""Labelled frames for training: folder-per-class videos or images, each frame tied to its source video.

Layouts (the paper's TikTok set would be the first; ``video_smoke/photos`` is the second)::

    videos/<class>/<video>.mp4         -> VideoFolder: frames extracted at 1 fps, filtered
    images/<class>/<video>__t<ms>.jpg  -> ImageFolder: the group of a frame is its source video,
                                          read from the ``__t`` suffix that ``save_frames`` writes;
                                          a file without it (a photo) is its own group

Every frame carries the *group* (source video) so that a split can keep all frames of one
video on one side (``group_split``), which the paper's random frame split does not.
"""

from __future__ import annotations

import io
import json
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
from PIL import Image, UnidentifiedImageError

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.fileio import atomic_write
from dancekit.video.filtering import FilterSettings, FrameFilter
from dancekit.video.frames import FrameReader, VideoError, to_square

VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".3gp"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
FRAME_NAME = re.compile(r"^(?P<group>.+)__t\d+$")


class DatasetError(DancekitError):
    """A dataset folder is missing, empty, or not in the expected layout."""

    exit_code = EXIT_USAGE


@dataclass
class FrameSet:
    """Square RGB frames with labels, the video each came from, and the video's split group.

    Parameters
    ----------
    images : np.ndarray
        uint8 ``[N, S, S, 3]``.
    labels, videos : np.ndarray
        int ``[N]``: class and video of each frame.
    classes : list of str
        Class names, in label order.
    video_names : list of str
        Name of video ``v``.
    video_groups : list of str
        Split group of video ``v`` (a song, a participant, or the video itself).
    times_s : np.ndarray, optional
        Time of each frame in its video, in seconds.
    """

    images: np.ndarray
    labels: np.ndarray
    videos: np.ndarray
    classes: list[str]
    video_names: list[str]
    video_groups: list[str]
    times_s: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.images)

    @property
    def groups(self) -> np.ndarray:
        """Group name of every frame."""
        return np.asarray(self.video_groups, dtype=object)[self.videos]

    def video_labels(self) -> np.ndarray:
        """Label of every video (its frames all share it)."""
        out = np.full(len(self.video_names), -1, dtype=np.int64)
        out[self.videos] = self.labels
        return out

    def subset(self, indices) -> "FrameSet":
        """These frames (videos keep their numbering, so names and groups stay valid).

        Parameters
        ----------
        indices : array-like
            Frame positions or a boolean mask.

        Returns
        -------
        FrameSet
        """
        indices = np.asarray(indices, dtype=np.int64)
        return FrameSet(self.images[indices], self.labels[indices], self.videos[indices], self.classes,
                        self.video_names, self.video_groups,
                        None if self.times_s is None else np.asarray(self.times_s)[indices])

    def every_nth(self, n: int) -> "FrameSet":
        """Every ``n``-th frame of each video (a lower frame rate, for quick runs).

        Parameters
        ----------
        n : int
            Keep one frame in ``n`` (1 keeps all).

        Returns
        -------
        FrameSet
        """
        if n <= 1:
            return self
        keep = [i for v in np.unique(self.videos) for i in np.flatnonzero(self.videos == v)[::n]]
        return self.subset(sorted(keep))

    def resized(self, size: int) -> "FrameSet":
        """Frames squashed to ``size`` x ``size`` with torch (antialiased), no PIL needed.

        Parameters
        ----------
        size : int
            New side in pixels.

        Returns
        -------
        FrameSet
        """
        import torch  # heavy: only to resize; the frame files themselves need no torch

        if self.images.shape[1:3] == (size, size):
            return self
        x = torch.from_numpy(self.images).permute(0, 3, 1, 2).float()
        out = torch.cat([torch.nn.functional.interpolate(x[i:i + 512], size=(size, size), mode="bilinear",
                                                         antialias=True, align_corners=False)
                         for i in range(0, len(x), 512)])
        images = out.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy()
        return FrameSet(images, self.labels, self.videos, self.classes, self.video_names, self.video_groups,
                        self.times_s)

    def summary(self) -> dict:
        """Counts of frames, videos, groups and frames per class, for logs and manifests.

        Returns
        -------
        dict
        """
        return {"frames": int(len(self)), "videos": len(self.video_names), "groups": len(set(self.video_groups)),
                "frames_per_class": {c: int((self.labels == i).sum()) for i, c in enumerate(self.classes)}}


def _class_folders(root: Path, suffixes: set[str]) -> list[tuple[str, list[Path]]]:
    if not root.is_dir():
        raise DatasetError(f"dataset folder not found: {root}")
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        if files:
            found.append((folder.name, files))
    if len(found) < 2:
        kinds = "/".join(sorted(suffixes))
        raise DatasetError(f"{root}: need at least two class folders with {kinds} files, found {len(found)}")
    return found


def video_folder(root: str | os.PathLike) -> list[tuple[Path, str]]:
    """``(video, class)`` for every video under ``root/<class>/``.

    Parameters
    ----------
    root : str or os.PathLike
        One folder per class.

    Returns
    -------
    list of (Path, str)
    """
    return [(f, c) for c, files in _class_folders(Path(root), VIDEO_SUFFIXES) for f in files]


def image_group(path: Path) -> str:
    """Source video of a frame file: the part before ``__t<ms>``, else the file itself.

    Parameters
    ----------
    path : Path
        An image file.

    Returns
    -------
    str
    """
    match = FRAME_NAME.match(path.stem)
    return f"{path.parent.name}/{match.group('group') if match else path.stem}"


def load_image_folder(root: str | os.PathLike, size: int = 128) -> FrameSet:
    """Every image under ``root/<class>/``, squashed to ``size`` x ``size``.

    Parameters
    ----------
    root : str or os.PathLike
        One folder of images per class.
    size : int
        Side of the squares in pixels.

    Returns
    -------
    FrameSet
        Images cut from one video (:func:`image_group`) count as one video; broken files are skipped.
    """
    classes, images, labels, video_of, names = [], [], [], [], {}
    for label, (cls, files) in enumerate(_class_folders(Path(root), IMAGE_SUFFIXES)):
        classes.append(cls)
        for f in files:
            try:
                with Image.open(f) as im:
                    rgb = np.asarray(im.convert("RGB"))
            except (UnidentifiedImageError, OSError):
                continue  # a broken file is skipped, not fatal: one bad photo should not stop training
            images.append(to_square(rgb, size))
            labels.append(label)
            video_of.append(names.setdefault(image_group(f), len(names)))
    if not images:
        raise DatasetError(f"no readable images under {root}")
    video_names = list(names)
    return FrameSet(np.stack(images), np.asarray(labels), np.asarray(video_of), classes, video_names,
                    list(video_names))


def load_video_folder(root: str | os.PathLike, size: int = 128, fps: float = 1.0, filter_settings=None,
                      progress: Callable[[Iterable], Iterable] | None = None) -> FrameSet:
    """Frames of every video under ``root/<class>/`` at ``fps``, uninformative ones dropped.

    Unreadable videos are skipped; the group of a video is its file name (one participant per video,
    as in the paper).

    Parameters
    ----------
    root : str or os.PathLike
        One folder of videos per class.
    size : int
        Side of the squares in pixels.
    fps : float
        Frames sampled per second of video.
    filter_settings : FilterSettings or False, optional
        How uninformative frames are found (default ``FilterSettings()``); False keeps every frame.
    progress : callable, optional
        Wraps the list of videos (e.g. ``tqdm``).

    Returns
    -------
    FrameSet
    """
    entries = video_folder(root)
    classes = sorted({c for _, c in entries})
    images, labels, video_of, names = [], [], [], []
    for path, cls in (progress(entries) if progress else entries):
        try:
            squares = _kept_squares(path, size, fps, filter_settings)
        except VideoError:
            continue
        names.append(f"{cls}/{path.stem}")
        images.append(squares)
        labels += [classes.index(cls)] * len(squares)
        video_of += [len(names) - 1] * len(squares)
    if not images:
        raise DatasetError(f"no readable videos under {root}")
    return FrameSet(np.concatenate(images), np.asarray(labels), np.asarray(video_of), classes, names, list(names))


def _kept_squares(path: Path, size: int, fps: float, filter_settings) -> np.ndarray:
    """The video's frames the filter keeps (all if it keeps none), as squares; streamed, so a long
    video costs its kept squares, not its decoded frames."""
    frame_filter = None if filter_settings is False else FrameFilter(filter_settings or FilterSettings())
    pending, kept, dropped = {}, [], []  # dropped: kept only until a frame is kept (then not needed)

    def settle(decisions) -> None:
        for d in decisions:
            square = pending.pop(d.index)
            if not d.reason:
                kept.append(square)
                dropped.clear()
            elif not kept:
                dropped.append(square)

    with FrameReader(path, fps=fps, max_side=640) as reader:
        for index, (_, image) in enumerate(reader):
            if frame_filter is None:
                kept.append(to_square(image, size))
                continue
            pending[index] = to_square(image, size)
            settle(frame_filter.push(image))
    if frame_filter is not None:
        settle(frame_filter.finish())
    return np.stack(kept or dropped)


def group_split(groups: Sequence[str], labels: Sequence[int], val_fraction: float = 0.2, seed: int | None = 0,
                key: Callable[[str], object] | None = None) -> dict[str, str]:
    """Group -> ``"train"`` or ``"val"``, per class, so that no group is on both sides.

    As :func:`dancekit.data.tang.tang_split`: within each class, groups in order (sorted by ``key``, then
    shuffled by ``seed`` unless it is None), every ``round(1 / val_fraction)``-th from the first goes to
    validation; a class with one group keeps it in training (it cannot be on both sides).

    Parameters
    ----------
    groups : sequence of str
        The group of each item.
    labels : sequence of int
        The class of each item.
    val_fraction : float
        Share of each class's groups held out.
    seed : int or None
        Shuffles the groups; None keeps the ``key`` order.
    key : callable, optional
        Sort key of the group names.

    Returns
    -------
    dict
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    step = max(2, int(round(1 / val_fraction)))
    label_of: dict[str, int] = {}
    for g, y in zip(groups, labels):
        if label_of.setdefault(g, int(y)) != int(y):
            raise DatasetError(f"group {g!r} holds frames of two classes; a group must be one class")
    side = {}
    for y in sorted(set(label_of.values())):
        members = sorted((g for g, lab in label_of.items() if lab == y), key=key)
        if seed is not None:
            members = [members[i] for i in np.random.default_rng([seed, y]).permutation(len(members))]
        for i, g in enumerate(members):
            side[g] = "val" if (i % step == 0 and len(members) > 1) else "train"
    return side


def frame_split(n: int, val_fraction: float = 0.2, seed: int = 0) -> np.ndarray:
    """The paper's split: a random ``val_fraction`` of all frames is validation (True), whatever their video.

    Parameters
    ----------
    n : int
        Number of frames.
    val_fraction : float
        Share held out.
    seed : int
        Which frames.

    Returns
    -------
    np.ndarray
        bool ``[n]``.
    """
    val = np.zeros(n, dtype=bool)
    val[np.random.default_rng(seed).permutation(n)[: int(round(n * val_fraction))]] = True
    return val


def split_mask(data: FrameSet, how: str, val_fraction: float = 0.2, seed: int = 0,
               sides: dict[str, str] | None = None) -> np.ndarray:
    """Validation mask over frames: ``how`` = "frame" (paper) or "video" (whole groups).

    Parameters
    ----------
    data : FrameSet
        The frames.
    how : {"frame", "video"}
        Split frames at random, or whole groups (:func:`group_split`).
    val_fraction : float
        Share held out.
    seed : int
        Which frames or groups.
    sides : dict, optional
        Group -> ``"train"``/``"val"``: a fixed video-level split, e.g. a dataset's own.

    Returns
    -------
    np.ndarray
        bool ``[frames]``, True for validation.
    """
    if how == "frame":
        return frame_split(len(data), val_fraction, seed)
    if how == "video":
        side = sides or group_split(data.video_groups, data.video_labels(), val_fraction, seed)
        return np.asarray([side[g] == "val" for g in data.groups], dtype=bool)
    raise ValueError(f"unknown split {how!r}: choose 'frame' or 'video'")


# --------------------------------------------------------------------------- compact frame files
def _encode_jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """JPEG bytes of one RGB frame: torchvision's codec (torch only), else Pillow's."""
    try:  # heavy and optional: torchvision's codec when it imports, else Pillow below
        import torch
        from torchvision.io import encode_jpeg

        with warnings.catch_warnings():  # deprecated in favour of TorchCodec, still the pinned version's codec
            warnings.simplefilter("ignore", DeprecationWarning)
            return encode_jpeg(torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1), quality=quality).numpy()
    except (ImportError, AttributeError, RuntimeError):
        buf = io.BytesIO()
        Image.fromarray(image).save(buf, format="JPEG", quality=quality)
        return np.frombuffer(buf.getvalue(), dtype=np.uint8)


def _decode_jpegs(blob: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    parts = [blob[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
    if not parts:
        return np.zeros((0, 1, 1, 3), np.uint8)
    try:  # heavy and optional: torchvision's codec when it imports, else Pillow below
        import torch
        from torchvision.io import decode_jpeg

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            decoded = decode_jpeg([torch.from_numpy(p) for p in parts])
        return torch.stack(decoded).permute(0, 2, 3, 1).numpy()
    except (ImportError, AttributeError, RuntimeError):
        return np.stack([np.asarray(Image.open(io.BytesIO(p.tobytes())).convert("RGB")) for p in parts])


def save_frameset(data: FrameSet, path: str | os.PathLike, quality: int = 90, meta: dict | None = None) -> Path:
    """One ``.npz`` (no pickles): frames as JPEG bytes, labels, videos, and names as JSON bytes.

    Parameters
    ----------
    data : FrameSet
        The frames.
    path : str or os.PathLike
        The ``.npz`` file.
    quality : int
        JPEG quality.
    meta : dict, optional
        Stored with the frames and returned by :func:`load_frameset`.

    Returns
    -------
    Path
    """
    blobs = [_encode_jpeg(im, quality) for im in data.images]
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64)
    info = {"classes": data.classes, "video_names": data.video_names, "video_groups": data.video_groups,
            "meta": meta or {}}
    arrays = {"jpeg": np.concatenate(blobs) if blobs else np.zeros(0, np.uint8), "offsets": offsets,
              "labels": data.labels.astype(np.int64), "videos": data.videos.astype(np.int64),
              "info": np.frombuffer(json.dumps(info).encode(), dtype=np.uint8)}
    if data.times_s is not None:
        arrays["times_s"] = np.asarray(data.times_s, dtype=np.float32)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp):
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)

    return atomic_write(path, write)


def load_frameset(path: str | os.PathLike) -> tuple[FrameSet, dict]:
    """Read :func:`save_frameset` output with numpy + torchvision only (PyAV and Pillow not needed).

    Parameters
    ----------
    path : str or os.PathLike
        A file :func:`save_frameset` wrote.

    Returns
    -------
    data : FrameSet
    meta : dict
    """
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        info = json.loads(arrays["info"].tobytes().decode())
    except (OSError, ValueError, KeyError) as err:
        raise DatasetError(f"cannot read frame file {path}: {err}") from None
    images = _decode_jpegs(arrays["jpeg"], arrays["offsets"])
    data = FrameSet(images, arrays["labels"], arrays["videos"], info["classes"], info["video_names"],
                    info["video_groups"], arrays.get("times_s"))
    return data, info.get("meta", {})
