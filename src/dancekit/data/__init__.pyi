from .ballroom import ballroom_recordings
from .errors import DatasetLayoutError, DatasetWarning, SplitError, SplitLeakError, UnknownLabelError
from .extended_ballroom import extended_ballroom_recordings
from .folders import folder_recordings
from .gtzan import gtzan_recordings
from .labels import (BALLROOM, DANCE_CNN, EXTENDED_BALLROOM, EXTENDED_BALLROOM_TO_DANCE_CNN,
                                  GTZAN_GENRES, LabelMapping, LabelSet, label_set)
from .recordings import Recording, label_counts
from .splits import Fold, check_no_leak, extended_ballroom_folds, gtzan_split, stratified_folds
from .tang import TANG_DANCES, tang_cross_split, tang_fold, tang_recordings, tang_split

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
