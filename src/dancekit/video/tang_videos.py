"""A real-motion video dataset: the Tang ballroom motion capture filmed as many different videos.

Each song's danced span is cut into clips of 15-30 s (TikTok length); every clip is one
"video" with its own random look (``figure_render.sample_look``): another body, clothes,
camera, background and filter, as if another participant had danced it. Frames are taken at
1 fps (with a random sub-second phase per video), as the paper does with FFmpeg.

Songs are split like ``dancekit.data.tang.tang_split``: per dance, in song-number order,
every fifth song from the first is validation (80/20), so no song has frames on both sides.
A dance with fewer than ``min_songs`` songs with motion (Tango has one) is left out: it could
only be on one side. Minority dances are rendered in more passes (new looks, new clips) so
each dance gets about ``frames_per_class`` frames, as the paper's classes have 1.1-1.9 k.

The build is deterministic from ``seed`` and resumable: each video is written to
``parts/<video>.npz`` on its own; a rerun renders only what is missing, then packs
``frames.npz`` (JPEG frames, see ``datasets.save_frameset``) and ``manifest.json``.
"""

from __future__ import annotations

import functools
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from dancekit.fileio import atomic_write, atomic_write_text
from dancekit.motion.tang import TANG_FPS, load_tang_motion, tang_motion_folders
from dancekit.video.datasets import DatasetError, FrameSet, group_split, save_frameset
from dancekit.video.figure_render import FigureRenderer, sample_look
from dancekit.video.frames import to_square

MANIFEST = "manifest.json"
FRAMES = "frames.npz"


@dataclass
class PlannedVideo:
    """One clip of one song to render as a "video", with the look it gets.

    Parameters
    ----------
    video : str
        Its name, ``<song>-p<pass>-c<clip>`` (e.g. ``DANCE_W_3-p0-c2``).
    song : str
        The song folder's name (the split group).
    dance : str
        The class.
    folder : str
        Path of the song folder.
    start_s, duration_s : float
        The clip within the song's danced span, in seconds.
    phase_s : float
        Offset of the first sampled frame (a random sub-second phase).
    look_seed : int
        Seeds ``figure_render.sample_look``.
    side : {"train", "val"}
        The song's side of the split.
    """
    video: str  # e.g. DANCE_W_3-p0-c2
    song: str
    dance: str
    folder: str
    start_s: float
    duration_s: float
    phase_s: float
    look_seed: int
    side: str


def _song_number(song: str) -> tuple[str, int]:
    match = re.match(r"^DANCE_([A-Z])_(\d+)$", song)
    return (match.group(1), int(match.group(2))) if match else (song, 0)


@functools.lru_cache(maxsize=256)
def _song_facts(folder: str, mtime: float) -> tuple[str, float]:
    """Dance and danced duration of one song (reading its motion takes ~0.1 s; plans ask often)."""
    clip = load_tang_motion(folder)
    return clip.meta["dance"], clip.duration_s


def plan_tang_videos(root: str | os.PathLike, seed: int = 0, frames_per_class: int = 1500, fps: float = 1.0,
                     clip_s: tuple[float, float] = (15.0, 30.0), min_songs: int = 2, val_fraction: float = 0.2,
                     ) -> tuple[list[PlannedVideo], dict]:
    """Which clips of which songs to render with which look seed; no rendering yet.

    Parameters
    ----------
    root : str or os.PathLike
        The Tang dataset folder.
    seed : int
        Seeds clip lengths, phases and looks.
    frames_per_class : int
        About how many frames each dance gets (minority dances get more passes).
    fps : float
        Frames per second of video.
    clip_s : (float, float)
        Range of clip lengths in seconds.
    min_songs : int
        Dances with fewer songs with motion are left out.
    val_fraction : float
        Share of each dance's songs held out.

    Returns
    -------
    plans : list of PlannedVideo
    info : dict
        Classes, left-out dances, song sides and the settings.
    """
    songs: dict[str, list[tuple[Path, float]]] = {}
    for folder in tang_motion_folders(root):
        dance, duration = _song_facts(str(folder), folder.stat().st_mtime)
        songs.setdefault(dance, []).append((folder, duration))
    left_out = {d: [f.name for f, _ in v] for d, v in songs.items() if len(v) < min_songs}
    songs = {d: v for d, v in sorted(songs.items()) if len(v) >= min_songs}
    if len(songs) < 2:
        raise DatasetError(f"need two dances with at least {min_songs} songs with motion in {root}")
    classes = list(songs)
    names = [f.name for d in classes for f, _ in songs[d]]
    labels = [i for i, d in enumerate(classes) for _ in songs[d]]
    side = group_split(names, labels, val_fraction, seed=None, key=_song_number)
    rng = np.random.default_rng(seed)
    plans = []
    for dance in classes:
        seconds = sum(d for _, d in songs[dance])
        passes = max(1, int(round(frames_per_class / (seconds * fps))))
        for p in range(passes):
            for folder, duration in songs[dance]:
                t, c = 0.0, 0
                while duration - t >= clip_s[0] / 2:
                    length = min(float(rng.uniform(*clip_s)), duration - t)
                    plans.append(PlannedVideo(f"{folder.name}-p{p}-c{c}", folder.name, dance, str(folder), round(t, 3),
                                              round(length, 3), float(rng.uniform(0, 1 / fps)),
                                              int(rng.integers(2**31)), side[folder.name]))
                    t, c = t + length, c + 1
    info = {"classes": classes, "left_out": left_out, "song_sides": side, "fps": fps, "seed": seed,
            "frames_per_class": frames_per_class, "clip_s": list(clip_s), "val_fraction": val_fraction,
            "motion_fps": TANG_FPS}
    return plans, info


def render_planned(plan: PlannedVideo, size: int, fps: float) -> tuple[np.ndarray, np.ndarray, dict]:
    """Frames [N, size, size, 3], their song times, and the look used.

    Parameters
    ----------
    plan : PlannedVideo
        The clip.
    size : int
        Side of the square frames in pixels.
    fps : float
        Frames per second.

    Returns
    -------
    frames : np.ndarray
    times : np.ndarray
        Song time of each frame in seconds.
    look : dict
    """
    clip = load_tang_motion(plan.folder)
    look = sample_look(plan.look_seed)
    times = np.arange(plan.start_s + plan.phase_s, plan.start_s + plan.duration_s, 1.0 / fps)
    frames = FigureRenderer(clip, look, height=max(size, 96)).render(times)
    return to_square(frames, size), times, look.to_dict()


def _render_part(args) -> str:
    plan, size, fps, part = args
    frames, times, look = render_planned(plan, size, fps)

    def write(tmp):
        with open(tmp, "wb") as fh:
            np.savez(fh, frames=frames, times=times.astype(np.float32),
                     look=np.frombuffer(json.dumps(look).encode(), dtype=np.uint8))

    atomic_write(part, write)
    return plan.video


def build_tang_frames(root: str | os.PathLike, out_dir: str | os.PathLike, size: int = 112, seed: int = 0,
                      frames_per_class: int = 1500, fps: float = 1.0, workers: int = 1, quality: int = 90,
                      progress: Callable[[Iterable], Iterable] | None = None, limit: int | None = None) -> dict:
    """Render (or finish rendering) the dataset into ``out_dir``; returns the manifest.

    Parameters
    ----------
    root : str or os.PathLike
        The Tang dataset folder.
    out_dir : str or os.PathLike
        Holds ``parts/``, ``frames.npz`` and ``manifest.json``; a folder built with other settings is refused.
    size : int
        Side of the square frames in pixels.
    seed, frames_per_class, fps
        As for :func:`plan_tang_videos`.
    workers : int
        Rendering processes.
    quality : int
        JPEG quality of ``frames.npz``.
    progress : callable, optional
        Wraps the videos to render (e.g. ``tqdm``).
    limit : int, optional
        Render only the first videos of each dance (for quick looks and tests).

    Returns
    -------
    dict
    """
    out_dir = Path(out_dir)
    parts = out_dir / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    plans, info = plan_tang_videos(root, seed, frames_per_class, fps)
    if limit is not None:
        plans = [p for d in info["classes"] for p in [q for q in plans if q.dance == d][:limit]]
    settings = {"size": size, "seed": seed, "frames_per_class": frames_per_class, "fps": fps, "limit": limit}
    marker = out_dir / "settings.json"
    if marker.is_file() and json.loads(marker.read_text()) != settings:
        raise DatasetError(f"{out_dir} was built with other settings {marker.read_text().strip()}; use a new folder")
    atomic_write_text(marker, json.dumps(settings) + "\n")
    todo = [(p, size, fps, parts / f"{p.video}.npz") for p in plans if not (parts / f"{p.video}.npz").is_file()]
    if todo:
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                done = pool.map(_render_part, todo, chunksize=4)
                for _ in (progress(done) if progress else done):
                    pass
        else:
            for job in (progress(todo) if progress else todo):
                _render_part(job)
    return pack(out_dir, plans, info, settings, quality)


def pack(out_dir: Path, plans: list[PlannedVideo], info: dict, settings: dict, quality: int) -> dict:
    """Gather the rendered parts into ``frames.npz`` + ``manifest.json``.

    Parameters
    ----------
    out_dir : Path
        The dataset folder with its ``parts/``.
    plans : list of PlannedVideo
        The videos, in dataset order.
    info : dict
        From :func:`plan_tang_videos`.
    settings : dict
        The build settings, recorded in the manifest.
    quality : int
        JPEG quality.

    Returns
    -------
    dict
        The manifest.
    """
    images, labels, videos, times, entries = [], [], [], [], []
    for v, plan in enumerate(plans):
        with np.load(out_dir / "parts" / f"{plan.video}.npz", allow_pickle=False) as z:
            frames, t, look = z["frames"], z["times"], json.loads(z["look"].tobytes().decode())
        images.append(frames)
        labels += [info["classes"].index(plan.dance)] * len(frames)
        videos += [v] * len(frames)
        times.append(t)
        entries.append({**asdict(plan), "frames": int(len(frames)), "look": look})
    data = FrameSet(np.concatenate(images), np.asarray(labels), np.asarray(videos), info["classes"],
                    [p.video for p in plans], [p.song for p in plans], np.concatenate(times))
    manifest = {**info, "settings": settings, "summary": data.summary(),
                "frames_per_side": {s: int(sum(e["frames"] for e in entries if e["side"] == s)) for s in ("train", "val")},
                "videos": entries}
    save_frameset(data, out_dir / FRAMES, quality=quality,
                  meta={k: v for k, v in manifest.items() if k != "videos"})
    atomic_write_text(out_dir / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    return manifest
