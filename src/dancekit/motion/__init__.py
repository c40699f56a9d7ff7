"""Dance motion: clips of joint positions, skeletons and rotations, BVH, motion beats, rendering."""

from dancekit.motion.clip import MotionClip
from dancekit.motion.tang import load_tang_motion, tang_motion_folders

__all__ = ["MotionClip", "load_tang_motion", "tang_motion_folders"]
