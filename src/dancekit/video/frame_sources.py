"""A labelled frame dataset from whichever form it comes in: a packed ``frames.npz``, photos or videos.

The Tang renders come packed with the video-level split they were built for (songs, so that no
song has frames on both sides); folders of photos or videos bring no split, and every video (or
near-duplicate group) is then its own group.
"""

from __future__ import annotations

import os
from pathlib import Path

from dancekit.video.datasets import IMAGE_SUFFIXES, FrameSet, load_frameset, load_image_folder, load_video_folder


def load_frame_data(path: str | os.PathLike, size: int = 112) -> tuple[FrameSet, dict[str, str] | None, dict]:
    """Frames, the video-level sides they bring, and what is known of their source.

    Parameters
    ----------
    path : str or os.PathLike
        A ``frames.npz`` (``dancekit.video.datasets.save_frameset``), a folder of
        ``<class>/<image>`` files or a folder of ``<class>/<video>`` files (1 frame per second).
    size : int
        Side of the square frames, for folders (a ``frames.npz`` keeps its own).

    Returns
    -------
    (FrameSet, dict or None, dict)
        The frames; group -> ``"train"``/``"val"`` when the data fixes its split (the Tang
        renders' songs), else None; the source's description (a ``frames.npz``'s metadata).
    """
    path = Path(path)
    if path.suffix == ".npz":
        data, meta = load_frameset(path)
        return data, meta.get("song_sides"), meta
    has_images = any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.rglob("*") if p.is_file())
    if has_images:
        return load_image_folder(path, size), None, {"source": str(path), "layout": "image folder"}
    return load_video_folder(path, size), None, {"source": str(path), "layout": "video folder"}
