from .clip import MotionClip
from .features import FEATURE_DIM, MotionNormalizer, features_to_motion, motion_to_features
from .rotations import RotationClip, positions_to_rotations, rotations_to_positions
from .skeleton import TANG_SKELETON, Skeleton
from .tang import load_tang_motion, tang_motion_folders

__all__ = [
    "FEATURE_DIM",
    "MotionClip",
    "MotionNormalizer",
    "RotationClip",
    "Skeleton",
    "TANG_SKELETON",
    "features_to_motion",
    "load_tang_motion",
    "motion_to_features",
    "positions_to_rotations",
    "rotations_to_positions",
    "tang_motion_folders",
]
