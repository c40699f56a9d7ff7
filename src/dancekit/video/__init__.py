"""Dance from video: frame extraction, frame filtering, datasets, rendered figures, video-level decisions."""

from dancekit.video.frames import Frames, VideoError, extract_frames, to_square, write_video

__all__ = ["Frames", "VideoError", "extract_frames", "to_square", "write_video"]
