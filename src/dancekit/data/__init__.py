"""Datasets in their public layouts, as lists of labelled recordings, with label sets and splits.

Adapters (each returns ``Recording`` objects; a wrong layout is a one-line ``DatasetLayoutError``):
``gtzan_recordings``, ``ballroom_recordings``, ``extended_ballroom_recordings``, ``tang_recordings``,
``folder_recordings``. Label sets and mappings live in ``dancekit.data.labels``; splits in
``dancekit.data.splits``; the train/test overlap check in ``dancekit.data.dedup``.
"""

from dancekit.data.ballroom import ballroom_recordings
from dancekit.data.errors import DatasetLayoutError, DatasetWarning, SplitError, SplitLeakError, UnknownLabelError
from dancekit.data.extended_ballroom import extended_ballroom_recordings
from dancekit.data.folders import folder_recordings
from dancekit.data.gtzan import gtzan_recordings
from dancekit.data.labels import (BALLROOM, DANCE_CNN, EXTENDED_BALLROOM, EXTENDED_BALLROOM_TO_DANCE_CNN,
                                  GTZAN_GENRES, LabelMapping, LabelSet, label_set)
from dancekit.data.recordings import Recording, label_counts
from dancekit.data.splits import Fold, check_no_leak, extended_ballroom_folds, gtzan_split, stratified_folds
from dancekit.data.tang import TANG_DANCES, tang_cross_split, tang_fold, tang_recordings, tang_split

__all__ = [
    "BALLROOM",
    "DANCE_CNN",
    "DatasetLayoutError",
    "DatasetWarning",
    "EXTENDED_BALLROOM",
    "EXTENDED_BALLROOM_TO_DANCE_CNN",
    "Fold",
    "GTZAN_GENRES",
    "LabelMapping",
    "LabelSet",
    "Recording",
    "SplitError",
    "SplitLeakError",
    "TANG_DANCES",
    "UnknownLabelError",
    "ballroom_recordings",
    "check_no_leak",
    "extended_ballroom_folds",
    "extended_ballroom_recordings",
    "folder_recordings",
    "gtzan_recordings",
    "gtzan_split",
    "label_counts",
    "label_set",
    "stratified_folds",
    "tang_cross_split",
    "tang_fold",
    "tang_recordings",
    "tang_split",
]
