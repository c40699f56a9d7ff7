"""Failures of the web service, each with the HTTP status a client should see.

Every error reaches the client as one line in the same shape as the CLI's error record,
``{"status": "error", "error": "..."}`` (plus ``"file"`` when an upload was named), so a
program reads upload errors from the API exactly as it reads them from ``identify --json``.
"""

from __future__ import annotations

from dancekit.errors import (
    AudioError,
    DancekitError,
    NoAudioStreamError,
    NotAudioError,
    TooLongError,
    UnsupportedAudioError,
)
from dancekit.exit_codes import EXIT_USAGE


class WebSettingsError(DancekitError):
    """A server setting out of range (bad ``dancekit serve`` usage)."""

    exit_code = EXIT_USAGE


class WebError(DancekitError):
    """An error with an HTTP status."""

    status_code = 400


class UploadTooLarge(WebError):
    """The upload is over the size limit (413)."""
    status_code = 413


class ServerBusy(WebError):
    """Every worker is busy and the queue is full: try again shortly."""

    status_code = 503


class NoGenreModel(WebError):
    """A genre answer was asked of a server without a genre model (501).

    Parameters
    ----------
    message : str
        The one-line error.
    """
    status_code = 501

    def __init__(self, message: str = "no genre model is installed on this server "
                                      "(start it with --genre-model NAME|PATH once one exists)"):
        super().__init__(message)


class LiveLimitError(WebError):
    """A live connection went past one of its limits (duration, bytes, idle time)."""

    close_code = 1008  # policy violation


class LiveMessageTooBig(LiveLimitError):
    """One live message is over its byte limit (WebSocket close code 1009)."""
    close_code = 1009  # message too big


class LiveProtocolError(WebError):
    """A live client sent something the protocol does not allow."""

    close_code = 1008


def status_for_audio_error(err: AudioError) -> int:
    """415 when the bytes are not a recording dancekit reads (not media, no audio, a playlist, an
    implausible rate or unknown codec); 413 when it is longer than the server allows; 422 when a
    recording is damaged or empty.

    Parameters
    ----------
    err : AudioError
        What decoding raised.

    Returns
    -------
    int
        The HTTP status.
    """
    if isinstance(err, TooLongError):
        return 413
    return 415 if isinstance(err, (NotAudioError, NoAudioStreamError, UnsupportedAudioError)) else 422


def error_body(message: str, file: str | None = None) -> dict:
    """The CLI's error record: ``file`` (when known), ``status`` and the one-line ``error``.

    Parameters
    ----------
    message : str
        The one-line error.
    file : str, optional
        The file it is about.

    Returns
    -------
    dict
    """
    body = {"file": file} if file is not None else {}
    body.update(status="error", error=message)
    return body
