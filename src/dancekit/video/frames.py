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
from dancekit.fileio import atomic_write
from dancekit.exit_codes import EXIT_AUDIO


class VideoError(DancekitError):
    """The input could not be read as a video."""

    exit_code = EXIT_AUDIO


@dataclass
class Frames:
    """Frames of one video: RGB uint8 ``images`` [N, H, W, 3] at ``times_s`` [N].

    Parameters
    ----------
    images : np.ndarray
        RGB uint8 ``[N, H, W, 3]``.
    times_s : np.ndarray
        Time of each frame in seconds.
    source : str
        The video file.
    duration_s : float
        The video's duration.
    native_fps : float
        The video's own frame rate (0 when unknown).
    meta : dict
        Anything else worth keeping (e.g. the filter's counts).
    """

    images: np.ndarray
    times_s: np.ndarray
    source: str = ""
    duration_s: float = 0.0
    native_fps: float = 0.0
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.images)

    def subset(self, keep) -> "Frames":
        """These frames only, same video facts.

        Parameters
        ----------
        keep : array-like
            Frame indices.

        Returns
        -------
        Frames
        """
        keep = np.asarray(keep, dtype=np.int64)
        return Frames(self.images[keep], self.times_s[keep], self.source, self.duration_s, self.native_fps,
                      dict(self.meta))


def _open(path: str | os.PathLike):
    import av  # heavy: only when a video is opened; this module loads with `import dancekit.video` (`dancekit --help`)

    path = Path(path)
    if not path.exists():
        raise VideoError(f"no such file: {path}")
    if path.is_dir():
        raise VideoError(f"a folder, not a video file: {path}")
    if not path.is_file():  # a FIFO or device: PyAV could block on it forever
        raise VideoError(f"not a regular file: {path}")
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


#: largest frame (width x height) decoded: 8192 x 8192, above 8K video. A header claiming more
#: is refused before decoding, so a hostile or broken file cannot make us allocate gigabytes.
MAX_FRAME_PIXELS = 8192 * 8192


def _check_size(width: int, height: int, path) -> None:
    if width * height > MAX_FRAME_PIXELS:
        raise VideoError(f"frames of {width}x{height} pixels are too large to decode: {path} "
                         f"(at most {MAX_FRAME_PIXELS // 1_000_000} megapixels)")


class FrameReader:
    """Frames of one video sampled at ``fps``, decoded one at a time (memory does not grow with length).

    Iterate once for ``(time_s, rgb_image)``; ``duration_s`` is the container's duration (or,
    once iterated, the last frame's time when the container does not say). Frames are all brought
    to the size of the first (resolution changes mid-stream); ``max_side`` shrinks large frames
    while decoding (keeps memory low for 4K phone videos).

    Parameters
    ----------
    path : str or os.PathLike
        The video file; one with frames above ``MAX_FRAME_PIXELS`` is a ``VideoError``.
    fps : float
        Frames sampled per second.
    max_frames : int, optional
        Stop after this many frames.
    max_side : int, optional
        Shrink frames whose long side is larger while decoding.
    """

    def __init__(self, path: str | os.PathLike, fps: float = 1.0, max_frames: int | None = None,
                 max_side: int | None = None):
        if not fps > 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.path, self.fps, self.max_frames, self.max_side = path, fps, max_frames, max_side
        self._container = _open(path)
        stream = self._container.streams.video[0]
        try:
            _check_size(stream.codec_context.width or 0, stream.codec_context.height or 0, path)
        except VideoError:
            self._container.close()
            raise
        container_duration = self._container.duration
        self.duration_s: float = float(container_duration / 1e6) if container_duration else 0.0
        self._duration_known = bool(container_duration)
        self.native_fps = float(stream.average_rate) if stream.average_rate else 0.0
        self.count = 0  # frames yielded so far

    def __enter__(self) -> "FrameReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the container."""
        self._container.close()

    def __iter__(self):
        import av  # heavy: as in _open

        stream = self._container.streams.video[0]
        stream.thread_type = "AUTO"
        fps, path, shape = self.fps, self.path, None
        next_t, last_t = 0.0, 0.0
        try:
            for frame in self._container.decode(stream):
                _check_size(frame.width, frame.height, path)
                t = float(frame.time) if frame.time is not None else (self.count / fps)
                if t + 1e-6 < next_t:
                    continue
                if self.max_side and max(frame.width, frame.height) > self.max_side:
                    scale = self.max_side / max(frame.width, frame.height)
                    frame = frame.reformat(width=max(2, int(frame.width * scale) // 2 * 2),
                                           height=max(2, int(frame.height * scale) // 2 * 2))
                image = frame.to_ndarray(format="rgb24")
                if shape is None:
                    shape = image.shape
                elif image.shape != shape:  # resolution changes mid-stream: bring all to the first
                    image = resize(image, shape[0], shape[1])
                self.count += 1
                last_t = t
                next_t = (np.floor(t * fps + 1e-6) + 1) / fps
                yield t, image
                if self.max_frames and self.count >= self.max_frames:
                    break
        except av.error.FFmpegError as err:
            if not self.count:
                raise VideoError(f"cannot decode {path}: {str(err).splitlines()[0]}") from None
        finally:
            if not self._duration_known:
                self.duration_s = last_t
            self.close()
        if not self.count:
            raise VideoError(f"no frames could be decoded from {path}")


def extract_frames(path: str | os.PathLike, fps: float = 1.0, max_frames: int | None = None,
                   max_side: int | None = None) -> Frames:
    """Frames of ``path`` sampled at ``fps`` per second as RGB arrays, all in memory.

    For whole videos of any length use :class:`FrameReader`, which holds one frame at a time.

    Parameters
    ----------
    path : str or os.PathLike
        The video file.
    fps, max_frames, max_side
        As for :class:`FrameReader`.

    Returns
    -------
    Frames
    """
    reader = FrameReader(path, fps, max_frames, max_side)
    images, times = [], []
    for t, image in reader:
        images.append(image)
        times.append(t)
    return Frames(np.stack(images), np.asarray(times, dtype=np.float64), str(path), reader.duration_s,
                  reader.native_fps)


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Area-averaged (shrinking) or bilinear (enlarging) resize of an RGB uint8 image.

    Parameters
    ----------
    image : np.ndarray
        RGB uint8 ``[H, W, 3]``.
    height, width : int
        The new size.

    Returns
    -------
    np.ndarray
    """
    from PIL import Image  # only when frames are resized; this module loads with `dancekit --help`

    if image.shape[:2] == (height, width):
        return image
    pil = Image.fromarray(image)
    method = Image.BOX if height <= image.shape[0] and width <= image.shape[1] else Image.BILINEAR
    return np.asarray(pil.resize((width, height), method))


def to_square(images: np.ndarray, size: int) -> np.ndarray:
    """[N, H, W, 3] (or one [H, W, 3]) -> size x size by squashing the whole frame.

    Parameters
    ----------
    images : np.ndarray
        RGB uint8 ``[N, H, W, 3]`` or ``[H, W, 3]``.
    size : int
        Side of the result.

    Returns
    -------
    np.ndarray
        Same leading shape, ``size`` x ``size``.
    """
    if images.ndim == 3:
        return resize(images, size, size)
    return np.stack([resize(im, size, size) for im in images]) if len(images) else images.reshape(0, size, size, 3)


def write_video(path: str | os.PathLike, frames: Iterable[np.ndarray], fps: float = 25.0, codec: str = "libx264",
                crf: int = 23) -> Path:
    """Write RGB uint8 frames (all one size) to an MP4, atomically; odd sizes are padded to even.

    Parameters
    ----------
    path : str or os.PathLike
        The MP4 to write.
    frames : iterable of np.ndarray
        RGB uint8 ``[H, W, 3]`` images.
    fps : float
        Frame rate.
    codec : str
        ffmpeg encoder.
    crf : int
        Constant rate factor (lower is better quality).

    Returns
    -------
    Path
    """
    import av  # heavy: as in _open

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
    """Write frames as ``<stem>__t<ms>.jpg`` (the name keeps the source video for grouping).

    Parameters
    ----------
    frames : Frames
        The frames to write.
    folder : str or os.PathLike
        Created if missing.
    stem : str
        Name prefix, usually the video's name.
    quality : int
        JPEG quality.

    Returns
    -------
    list of Path
    """
    from PIL import Image  # only when frames are saved, as in resize

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for image, t in zip(frames.images, frames.times_s):
        target = folder / f"{stem}__t{int(round(t * 1000)):08d}.jpg"
        atomic_write(target, lambda tmp, im=image: Image.fromarray(im).save(tmp, format="JPEG", quality=quality))
        written.append(target)
    return written
