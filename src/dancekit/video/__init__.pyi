from .frames import Frames, VideoError, extract_frames, to_square, write_video

__all__ = ["Frames", "VideoError", "extract_frames", "to_square", "write_video"]
