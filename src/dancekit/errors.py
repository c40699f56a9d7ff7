"""One small exception hierarchy, so callers (CLI, web) can turn any failure into one line."""

from dancekit.exit_codes import EXIT_AUDIO, EXIT_INTERNAL, EXIT_MODEL


class DancekitError(Exception):
    """Base of every error dancekit raises on purpose; ``str(err)`` is a one-line message."""

    exit_code = EXIT_INTERNAL


class AudioError(DancekitError):
    """The input could not be turned into audio samples."""

    exit_code = EXIT_AUDIO


class NotAudioError(AudioError):
    """The file is not a media file at all (e.g. a text file renamed .mp3)."""


class NoAudioStreamError(AudioError):
    """A media file (e.g. a video) that carries no audio stream."""


class EmptyAudioError(AudioError):
    """The file is empty or decodes to zero samples."""


class DecodeError(AudioError):
    """A media file that starts to decode but is broken (truncated, corrupt)."""


class UnsupportedAudioError(AudioError):
    """A well-formed input that dancekit will not decode: an implausible sample rate, an unknown codec,
    or a container that may name other files or URLs (a playlist)."""


class TooLongError(AudioError):
    """The recording decodes to more audio than the caller allows (``max_duration``)."""


class ModelError(DancekitError):
    """A model file is missing, corrupt, or does not match its card."""

    exit_code = EXIT_MODEL
