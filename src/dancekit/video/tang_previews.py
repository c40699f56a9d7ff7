"""Preview videos of a rendered Tang frame dataset: a few of its clips as MP4s, to look at what the networks see.

The dataset keeps only 1 frame per second; a preview renders the same clip (same motion span, same
look) at 25 fps, so a person can judge whether the figure, camera and background look like video.
"""

from __future__ import annotations

import os
from pathlib import Path

from dancekit.motion.tang import load_tang_motion
from dancekit.video.figure_render import look_from_dict, render_video


def render_previews(manifest: dict, out_dir: str | os.PathLike, count: int, seconds: float = 10.0,
                    height: int = 360) -> list[Path]:
    """Render ``count`` of the manifest's videos, evenly spread over it, as ``preview/<video>.mp4``.

    Parameters
    ----------
    manifest : dict
        ``dancekit.video.tang_videos.build_tang_frames``'s manifest.
    out_dir : str or os.PathLike
        The dataset folder; the previews go to its ``preview/`` folder.
    count : int
        How many videos.
    seconds : float
        The longest preview.
    height : int
        Frame height in pixels.

    Returns
    -------
    list of Path
        The MP4s written.
    """
    videos = manifest["videos"]
    written = []
    for entry in videos[:: max(1, len(videos) // max(count, 1))][:count]:
        target = Path(out_dir) / "preview" / f"{entry['video']}.mp4"
        render_video(load_tang_motion(entry["folder"]), target, look_from_dict(entry["look"]), fps=25, height=height,
                     start_s=entry["start_s"], duration_s=min(entry["duration_s"], seconds))
        written.append(target)
    return written
