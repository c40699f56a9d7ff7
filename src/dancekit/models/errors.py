"""Errors of the networks themselves (the model-file errors are ``dancekit.errors.ModelError``)."""

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_MODEL


class InputShapeError(DancekitError, ValueError):
    """A spectrogram of a size the network was not built for (a one-line message)."""

    exit_code = EXIT_MODEL
