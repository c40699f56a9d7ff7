"""Training: one loop (:func:`run_training`) and the trainers built on it.

``loop`` runs any :class:`TrainingPlan` (batches, loss, evaluation) with mixed precision,
checkpoints, best-step keeping, early stopping and progress; ``engine`` trains the papers'
spectrogram classifiers, ``dance_model`` the shipped dance model, ``steps`` the step generator;
the video and pose trainers live beside their data in :mod:`dancekit.video`.
"""

from dancekit.training.loop import Evaluation, LoopResult, LoopSettings, TrainingPlan, run_training
from dancekit.training.segments import SegmentSampler

__all__ = ["Evaluation", "LoopResult", "LoopSettings", "SegmentSampler", "TrainingPlan", "run_training"]
