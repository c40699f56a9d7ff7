"""A video of the dancing figure with its music: MP4 (H.264 + AAC) drawn with matplotlib (Agg).

The figure is the skeleton's bones as thick round-capped limbs (the dancer's right side red,
left side blue, trunk dark) with a head, a soft shadow on the floor and a floor grid, seen by
a perspective camera that keeps a fixed viewing direction and follows the pelvis smoothly, so
travel across the floor shows as the grid sliding by and turns show as turns. Far limbs are
drawn first. The song segment that belongs to the clip (``clip.start_s`` onwards) is muxed in.
"""

from __future__ import annotations

import sys
from pathlib import Path

import av
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse
from scipy.ndimage import gaussian_filter1d
from tqdm import tqdm

from dancekit import audio as audio_io
from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write
from dancekit.motion.clip import MotionClip
from dancekit.motion.rotations import RotationClip, rotations_to_positions
from dancekit.motion.skeleton import TANG_SKELETON, Skeleton

#: Camera: distance (cm) in front of the dancer's starting facing, height of the eye and of
#: the point looked at, vertical field of view (degrees), and how slowly it follows (s).
CAMERA_DISTANCE = 400.0
CAMERA_HEIGHT = 150.0
LOOK_HEIGHT = 90.0
FIELD_OF_VIEW_DEG = 40.0
FOLLOW_SMOOTH_S = 0.6
GRID_STEP = 50.0
GRID_HALF = 400.0
HEAD_RADIUS = 11.0
LIMB_WIDTH_CM = 8.0

_RIGHT_COLOR = (0.85, 0.22, 0.2)
_LEFT_COLOR = (0.18, 0.38, 0.85)
_TRUNK_COLOR = (0.2, 0.2, 0.25)
_AUDIO_RATE = 44100


class RenderError(DancekitError):
    """The video could not be rendered (bad input or an encoder failure)."""


def _camera(clip: MotionClip, fps: float):
    """Per-frame camera origin [T, 3] and the fixed (right, up, forward) axes."""
    root = clip.root.astype(np.float64)
    follow = gaussian_filter1d(root[:, [0, 2]], sigma=max(FOLLOW_SMOOTH_S * fps, 1e-3), axis=0, mode="nearest")
    target = np.stack([follow[:, 0], np.full(len(root), LOOK_HEIGHT), follow[:, 1]], axis=1)
    eye = target + np.array([0.0, CAMERA_HEIGHT - LOOK_HEIGHT, CAMERA_DISTANCE])
    forward = target[0] - eye[0]
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return eye, np.stack([right, up, forward])


def _project(points: np.ndarray, eye: np.ndarray, axes: np.ndarray, focal: float, size) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates [..., 2] and depth [...] of world points (cm) for one camera."""
    cam = (points - eye) @ axes.T
    depth = np.maximum(cam[..., 2], 1.0)
    px = size[0] / 2 + focal * cam[..., 0] / depth
    py = size[1] / 2 - focal * cam[..., 1] / depth
    return np.stack([px, py], axis=-1), depth


def _bones(skeleton: Skeleton) -> tuple[list[tuple[int, int]], list[tuple[float, float, float]]]:
    """Drawn bones (parent, child) and their colours; zero-length bones and head sides are skipped."""
    bones, colors = [], []
    head = skeleton.names.index("head") if "head" in skeleton.names else -1
    for j in range(1, len(skeleton)):
        parent = skeleton.parents[j]
        if np.linalg.norm(skeleton.offsets[j]) < 1e-6 or parent == head:
            continue
        name = skeleton.names[j]
        color = _RIGHT_COLOR if name.startswith("right") else _LEFT_COLOR if name.startswith("left") else _TRUNK_COLOR
        bones.append((parent, j))
        colors.append(color)
    return bones, colors


def _load_audio(audio, clip: MotionClip) -> np.ndarray | None:
    """The clip's span of the song as float32 mono at 44.1 kHz (``audio``: path or (samples, sr))."""
    if audio is None:
        return None
    if isinstance(audio, (str, Path)):
        return audio_io.load(audio, sr=_AUDIO_RATE, offset=clip.start_s, duration=clip.duration_s)
    try:
        samples, sr = audio
    except (TypeError, ValueError):
        raise RenderError("audio must be a file path or a (samples, sample_rate) pair") from None
    return audio_io.load(np.asarray(samples), sr=_AUDIO_RATE, sample_rate=sr, offset=clip.start_s,
                         duration=clip.duration_s)


class _Figure:
    """The matplotlib scene, built once and updated in place for every frame (fast)."""

    def __init__(self, size, skeleton: Skeleton, title: str | None):
        matplotlib.use("Agg", force=False)

        width, height = size
        self.fig = Figure(figsize=(width / 100, height / 100), dpi=100)
        self.canvas = FigureCanvasAgg(self.fig)
        ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.set_axis_off()
        self.fig.patch.set_facecolor((0.96, 0.95, 0.92))
        self.grid = LineCollection([], colors=[(0.72, 0.72, 0.7)], linewidths=1.0, zorder=1)
        self.shadow_blob = Ellipse((0, 0), 1, 1, color=(0.0, 0.0, 0.0), alpha=0.12, zorder=2, lw=0)
        self.shadow = LineCollection([], colors=[(0.55, 0.55, 0.55)], capstyle="round", alpha=0.35, zorder=3)
        self.limbs = LineCollection([], capstyle="round", joinstyle="round", zorder=4)
        self.head = Circle((0, 0), 1, facecolor=(0.95, 0.8, 0.65), edgecolor=_TRUNK_COLOR, lw=2.0, zorder=5)
        for artist in (self.grid, self.shadow_blob, self.shadow, self.limbs, self.head):
            ax.add_artist(artist) if isinstance(artist, (Circle, Ellipse)) else ax.add_collection(artist)
        self.clock = ax.text(10, height - 12, "", fontsize=10, color=(0.3, 0.3, 0.3), family="monospace")
        if title:
            ax.text(10, 20, title, fontsize=12, color=(0.2, 0.2, 0.2))
        self.bones, colors = _bones(skeleton)
        self.colors = np.array(colors)
        self.head_index = skeleton.names.index("head") if "head" in skeleton.names else None
        self.focal = (height / 2) / np.tan(np.radians(FIELD_OF_VIEW_DEG / 2))
        self.size = size

    def draw(self, joints: np.ndarray, floor: float, eye: np.ndarray, axes: np.ndarray, clock: str) -> np.ndarray:
        """One RGB frame [H, W, 3] of skeleton joint positions ``joints`` [J, 3] (cm, world)."""
        focal, size = self.focal, self.size
        # floor grid around the camera target, snapped to the grid so it slides with travel
        cx = np.round((eye[0]) / GRID_STEP) * GRID_STEP
        cz = np.round((eye[2] - CAMERA_DISTANCE) / GRID_STEP) * GRID_STEP
        ticks = np.arange(-GRID_HALF, GRID_HALF + 1, GRID_STEP)
        starts = np.concatenate([np.stack([cx + ticks, np.full_like(ticks, floor), np.full_like(ticks, cz - GRID_HALF)], 1),
                                 np.stack([np.full_like(ticks, cx - GRID_HALF), np.full_like(ticks, floor), cz + ticks], 1)])
        ends = np.concatenate([np.stack([cx + ticks, np.full_like(ticks, floor), np.full_like(ticks, cz + GRID_HALF)], 1),
                               np.stack([np.full_like(ticks, cx + GRID_HALF), np.full_like(ticks, floor), cz + ticks], 1)])
        ends = np.minimum(ends, [np.inf, np.inf, eye[2] - 30.0])  # keep the near ends in front of the camera
        self.grid.set_segments(np.stack([_project(starts, eye, axes, focal, size)[0],
                                         _project(ends, eye, axes, focal, size)[0]], axis=1))

        pix, depth = _project(joints, eye, axes, focal, size)
        flat = joints.copy()
        flat[:, 1] = floor
        shadow_pix, _ = _project(flat, eye, axes, focal, size)
        parents = np.array([b[0] for b in self.bones])
        kids = np.array([b[1] for b in self.bones])
        bone_depth = (depth[parents] + depth[kids]) / 2
        order = np.argsort(-bone_depth)
        width_px = LIMB_WIDTH_CM * focal / bone_depth * 72 / 100  # points at dpi 100
        self.limbs.set_segments(np.stack([pix[parents], pix[kids]], axis=1)[order])
        self.limbs.set_linewidths(width_px[order])
        self.limbs.set_color(self.colors[order])
        self.shadow.set_segments(np.stack([shadow_pix[parents], shadow_pix[kids]], axis=1))
        self.shadow.set_linewidths(0.6 * width_px)
        pelvis_floor = _project(np.array([joints[0, 0], floor, joints[0, 2]]), eye, axes, focal, size)
        blob_w = 70.0 * focal / pelvis_floor[1]
        self.shadow_blob.set_center(pelvis_floor[0])
        self.shadow_blob.width, self.shadow_blob.height = blob_w, blob_w * 0.25
        if self.head_index is not None:
            self.head.set_center(pix[self.head_index])
            self.head.set_radius(HEAD_RADIUS * focal / depth[self.head_index])
        self.clock.set_text(clock)
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba())[..., :3]


def _encode_audio(container, stream, samples: np.ndarray, upto: int, state: dict):
    """Encode audio samples up to index ``upto`` in the encoder's frame size."""
    frame_size = stream.codec_context.frame_size or 1024
    while state["pos"] + frame_size <= upto or (upto >= len(samples) and state["pos"] < len(samples)):
        chunk = samples[state["pos"]: state["pos"] + frame_size]
        if len(chunk) < frame_size:
            chunk = np.pad(chunk, (0, frame_size - len(chunk)))
        frame = av.AudioFrame.from_ndarray(chunk[None, :].astype(np.float32), format="fltp", layout="mono")
        frame.sample_rate = _AUDIO_RATE
        frame.pts = state["pos"]
        for packet in stream.encode(frame):
            container.mux(packet)
        state["pos"] += frame_size


def render_video(clip: MotionClip | RotationClip, out_mp4: str | Path, audio=None, fps: float = 30,
                 size: tuple[int, int] = (640, 480), skeleton: Skeleton = TANG_SKELETON,
                 title: str | None = None, progress: bool | None = None) -> Path:
    """Render ``clip`` to an MP4 file (written atomically) with the song's audio muxed in.

    Parameters
    ----------
    clip : MotionClip or RotationClip
        The motion (rotations are turned into positions on ``skeleton``).
    out_mp4 : str or Path
        The video file to write.
    audio : str, Path or (np.ndarray, int), optional
        The song, a file or ``(samples, sample_rate)``: the part from ``clip.start_s`` for the clip's
        duration is used (read and resampled by :func:`dancekit.audio.load`). None: a silent video.
    fps : float
        Video frames per second.
    size : tuple of (int, int)
        Width and height in pixels (at least 64 x 64; rounded down to even numbers).
    skeleton : Skeleton
        The bones to draw.
    title : str, optional
        Text drawn on the video.
    progress : bool, optional
        Show a tqdm bar; default for clips over 20 s when stderr is a terminal.

    Returns
    -------
    Path
        ``out_mp4``.
    """
    if isinstance(clip, RotationClip):
        clip = rotations_to_positions(clip, skeleton)
    width, height = (int(size[0]) // 2 * 2, int(size[1]) // 2 * 2)
    if width < 64 or height < 64 or not fps > 0:
        raise RenderError(f"video size must be at least 64x64 and fps positive, got {size} at {fps}")
    if len(clip) == 0:
        raise RenderError("cannot render an empty clip")
    clip = clip.resampled(float(fps)) if len(clip) > 1 else clip
    world = clip.world_joints().astype(np.float64)
    joints = skeleton.joint_positions(world)
    floor = clip.floor_height()
    eye, axes = _camera(clip, fps)
    samples = _load_audio(audio, clip)
    if progress is None:
        progress = clip.duration_s > 20 and sys.stderr.isatty()
    scene = _Figure((width, height), skeleton, title)

    def write(tmp: str):
        with av.open(tmp, mode="w", format="mp4") as container:
            video = container.add_stream("libx264", rate=int(round(fps)) if float(fps).is_integer() else fps)
            video.width, video.height, video.pix_fmt = width, height, "yuv420p"
            video.options = {"preset": "veryfast", "crf": "23"}
            sound = container.add_stream("aac", rate=_AUDIO_RATE, layout="mono") if samples is not None and len(samples) else None
            state = {"pos": 0}
            for i in tqdm(range(len(clip)), desc="rendering", unit="frame", disable=not progress):
                t = clip.start_s + i / fps
                rgb = scene.draw(joints[i], floor, eye[i], axes, f"{int(t // 60)}:{t % 60:05.2f}")
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
                for packet in video.encode(frame):
                    container.mux(packet)
                if sound is not None:
                    _encode_audio(container, sound, samples, min(len(samples), int((i + 1) / fps * _AUDIO_RATE)), state)
            for packet in video.encode():
                container.mux(packet)
            if sound is not None:
                _encode_audio(container, sound, samples, len(samples), state)
                for packet in sound.encode():
                    container.mux(packet)

    out_mp4 = Path(out_mp4)
    try:
        return atomic_write(out_mp4, write)
    except (av.error.FFmpegError, OSError) as exc:
        raise RenderError(f"cannot write {out_mp4}: {exc}") from None
