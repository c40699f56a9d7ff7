"""Datasets in their public layouts, as lists of labelled recordings."""

from dancekit.data.recordings import Recording
from dancekit.data.tang import TANG_DANCES, tang_recordings, tang_split

__all__ = ["Recording", "TANG_DANCES", "tang_recordings", "tang_split"]
