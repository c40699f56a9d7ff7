"""Errors of the networks themselves (the model-file errors are ``dancekit.errors.ModelError``)."""

from dancekit.errors import DancekitError


class InputShapeError(DancekitError, ValueError):
    """A spectrogram of a size the network was not built for (a one-line message)."""

    exit_code = 4
