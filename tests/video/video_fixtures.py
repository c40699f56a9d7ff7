"""Generated inputs for the video tests: small MP4s, a synthetic dancer, easy frame sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dancekit.motion.clip import MotionClip
from dancekit.video.training import VideoRecipe

#: a few steps are enough for the easy frames below
EASY_RECIPE = VideoRecipe(epochs=3, batch_size=8, learning_rate=2e-3)

#: a standing pose of the 23 Tang joints (cm, relative to the root), from the captures' mean pose
STAND = np.array([[0, 57, 5], [0, 59, 0], [0, 13, 0], [17, 43, 0], [30, 22, 0], [32, 14, 0], [33, 0, 0],
                  [9, -2, 0], [10, -46, 0], [10, -80, 0], [10, -86, -6], [10, -88, 12], [-17, 43, 0],
                  [-30, 22, 0], [-33, -5, 0], [-33, 0, 0], [-9, -2, 0], [-10, -46, 0], [-10, -80, 0],
                  [-10, -86, -6], [-10, -88, 12], [-32, 14, 0], [33, -5, 0]], dtype=np.float32)


def synthetic_clip(seconds: float = 4.0, fps: float = 25.0, arm_hz: float = 0.5) -> MotionClip:
    """A figure that swings its arms up and down and walks slowly forward."""
    t = np.arange(int(seconds * fps)) / fps
    joints = np.repeat(STAND[None], len(t), axis=0).copy()
    lift = 40 * np.sin(2 * np.pi * arm_hz * t)
    for j in (4, 5, 6, 22, 13, 14, 15, 21):
        joints[:, j, 1] += lift * (abs(STAND[j, 0]) - 17) / 16
    root = np.stack([np.zeros_like(t), np.full_like(t, 95.0), 30 * t], axis=1)
    return MotionClip(joints, root, fps, meta={"dance": "test"})


def write_test_video(path: Path, seconds: float = 3.0, fps: int = 10, size=(48, 64), seed: int = 0,
                     colour=None) -> Path:
    """A moving textured square; the top-left pixel's brightness counts the seconds (0, 40, 80, ...)."""
    from dancekit.video.frames import write_video

    rng = np.random.default_rng(seed)
    h, w = size
    texture = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
    frames = []
    for k in range(int(seconds * fps)):
        img = (texture // 2).copy()
        if colour is not None:
            img[:] = np.clip(img.astype(int) // 2 + np.asarray(colour) // 2, 0, 255).astype(np.uint8)
        x = (4 * k) % (w - 16)
        img[16:32, x:x + 16] = 255
        img[:8, :8] = 40 * (k // fps)
        frames.append(img)
    return write_video(path, frames, fps=fps)


def easy_frameset(n_videos: int = 8, frames_per_video: int = 6, size: int = 32, seed: int = 0):
    """Two classes anyone can tell apart (a bright bar at the top vs at the bottom: mirroring keeps it), in noise."""
    from dancekit.video.datasets import FrameSet

    rng = np.random.default_rng(seed)
    images, labels, videos = [], [], []
    for v in range(n_videos):
        label = v % 2
        for _ in range(frames_per_video):
            img = rng.integers(0, 90, (size, size, 3), dtype=np.uint8)
            rows = slice(2, size // 3) if label == 0 else slice(2 * size // 3, size - 2)
            img[rows, 4:-4] = 230
            images.append(img)
            labels.append(label)
            videos.append(v)
    names = [f"v{v}" for v in range(n_videos)]
    return FrameSet(np.stack(images), np.asarray(labels), np.asarray(videos), ["top", "bottom"], names, list(names))
