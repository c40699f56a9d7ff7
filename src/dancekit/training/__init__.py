"""Training: the Dance-CNN recipe (paper 1, III-B)."""

from dancekit.training.segments import SegmentSampler, train_segment_classifier

__all__ = ["SegmentSampler", "train_segment_classifier"]
