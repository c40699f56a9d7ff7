"""Errors and warnings of the dataset adapters, splits and overlap check (one line each)."""

from dancekit.errors import DancekitError


class DatasetLayoutError(DancekitError):
    """A dataset folder is missing or not laid out as its public release; the message names the layout."""


class UnknownLabelError(DancekitError):
    """A label that is not in the label set (or mapping) it is looked up in."""


class SplitError(DancekitError):
    """A split cannot be made or read (too few groups, a missing list, a list naming unknown files)."""


class SplitLeakError(SplitError):
    """One group (recording, artist, duplicate set) appears on two sides of a split."""


class DatasetWarning(UserWarning):
    """Something in a dataset was skipped on purpose (a known corrupt file, a file missing from disk)."""
