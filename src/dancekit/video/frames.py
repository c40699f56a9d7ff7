"""Video frames in and out with PyAV: one frame per second (the paper's FFmpeg step), and MP4 writing.

``extract_frames`` decodes the video once and keeps, for each sample time k / fps, the first
frame shown at or after it (what ``ffmpeg -vf fps=1`` keeps, give or take rounding), so a
30 fps clip of 10 s gives 10 frames. ``to_square`` is the one resize every model input
goes through (squash, not crop: a vertical 9:16 phone video keeps the dancer's head and feet).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from dancekit.errors import DancekitError


class VideoError(DancekitError):
    """The input could not be read as a video."""

    exit_code = 3


@dataclass
class Frames:
    """Frames of one video: RGB uint8 ``images`` [N, H, W, 3] at ``times_s`` [N]."""

    images: np.ndarray
    times_s: np.ndarray
    source: str = ""
    duration_s: float = 0.0
    native_fps: float = 0.0
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.images)

    def subset(self, keep) -> "Frames":
        keep = np.asarray(keep, dtype=np.int64)
        return Frames(self.images[keep], self.times_s[keep], self.source, self.duration_s, self.native_fps,
                      dict(self.meta))


def _open(path: str | os.PathLike):
    import av

    path = Path(path)
    if not path.is_file():
        raise VideoError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise VideoError(f"empty file: {path}")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as err:
        raise VideoError(f"not a readable video: {path} ({str(err).splitlines()[0] if str(err) else type(err).__name__})") from None
    if not container.streams.video:
        container.close()
        raise VideoError(f"no video stream in {path}")
    return container


def extract_frames(path: str | os.PathLike, fps: float = 1.0, max_frames: int | None = None,
                   max_side: int | None = None) -> Frames:
    """Frames of ``path`` sampled at ``fps`` per second as RGB arrays.

    ``max_side`` shrinks large frames while decoding (keeps memory low for 4K phone videos).
    """
    import av

    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    container = _open(path)
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    images, times = [], []
    next_t = 0.0
    try:
        for frame in container.decode(stream):
            t = float(frame.time) if frame.time is not None else (len(times) / fps)
            if t + 1e-6 < next_t:
                continue
            if max_side and max(frame.width, frame.height) > max_side:
                scale = max_side / max(frame.width, frame.height)
                frame = frame.reformat(width=max(2, int(frame.width * scale) // 2 * 2),
                                       height=max(2, int(frame.height * scale) // 2 * 2))
            images.append(frame.to_ndarray(format="rgb24"))
            times.append(t)
            next_t = (np.floor(t * fps + 1e-6) + 1) / fps
            if max_frames and len(images) >= max_frames:
                break
    except av.error.FFmpegError as err:
        if not images:
            raise VideoError(f"cannot decode {path}: {str(err).splitlines()[0]}") from None
    finally:
        duration = float(container.duration / 1e6) if container.duration else (times[-1] if times else 0.0)
        rate = float(stream.average_rate) if stream.average_rate else 0.0
        container.close()
    if not images:
        raise VideoError(f"no frames could be decoded from {path}")
    if len({im.shape for im in images}) > 1:  # resolution changes mid-stream: bring all to the first
        images = [resize(im, images[0].shape[0], images[0].shape[1]) for im in images]
    return Frames(np.stack(images), np.asarray(times, dtype=np.float64), str(path), duration, rate)


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Area-averaged (shrinking) or bilinear (enlarging) resize of an RGB uint8 image."""
    from PIL import Image

    if image.shape[:2] == (height, width):
        return image
    pil = Image.fromarray(image)
    method = Image.BOX if height <= image.shape[0] and width <= image.shape[1] else Image.BILINEAR
    return np.asarray(pil.resize((width, height), method))


def to_square(images: np.ndarray, size: int) -> np.ndarray:
    """[N, H, W, 3] (or one [H, W, 3]) -> size x size by squashing the whole frame."""
    if images.ndim == 3:
        return resize(images, size, size)
    return np.stack([resize(im, size, size) for im in images]) if len(images) else images.reshape(0, size, size, 3)


def write_video(path: str | os.PathLike, frames: Iterable[np.ndarray], fps: float = 25.0, codec: str = "libx264",
                crf: int = 23) -> Path:
    """Write RGB uint8 frames (all one size) to an MP4, atomically; odd sizes are padded to even."""
    import av

    from dancekit.fileio import atomic_write

    def write(tmp: str) -> None:
        container = av.open(tmp, mode="w", format="mp4")
        stream = None
        try:
            for image in frames:
                image = np.ascontiguousarray(image)
                h, w = image.shape[:2]
                if h % 2 or w % 2:
                    image = np.pad(image, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
                if stream is None:
                    stream = container.add_stream(codec, rate=int(round(fps)) if float(fps).is_integer() else fps)
                    stream.width, stream.height = image.shape[1], image.shape[0]
                    stream.pix_fmt = "yuv420p"
                    if codec == "libx264":
                        stream.options = {"crf": str(crf), "preset": "veryfast"}
                for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                    container.mux(packet)
            if stream is None:
                raise VideoError("no frames to write")
            for packet in stream.encode():
                container.mux(packet)
        finally:
            container.close()

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, write)


def save_frames(frames: Frames, folder: str | os.PathLike, stem: str, quality: int = 92) -> list[Path]:
    """Write frames as ``<stem>__t<ms>.jpg`` (the name keeps the source video for grouping)."""
    from PIL import Image

    from dancekit.fileio import atomic_write

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for image, t in zip(frames.images, frames.times_s):
        target = folder / f"{stem}__t{int(round(t * 1000)):08d}.jpg"
        atomic_write(target, lambda tmp, im=image: Image.fromarray(im).save(tmp, format="JPEG", quality=quality))
        written.append(target)
    return written
