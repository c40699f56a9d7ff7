"""What a running server allows: one frozen object, checked once, shared by every request.

Limits live here rather than in the handlers so that ``dancekit serve`` options, tests and
the page (through ``GET /api/config``) all read the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dancekit.web.access import check_token, parse_allowed_host
from dancekit.web.errors import WebSettingsError

MB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """Models, upload limits, the job queue and the live-socket limits of one app.

    Each field is explained by the comment above it; all are checked at construction
    (``WebSettingsError`` with a one-line message).

    Attributes
    ----------
    model, genre_model
        Dance and genre models (name, folder or loaded model); ``genre_model=False`` serves none.
    device : str
        Torch device of the models.
    max_upload_mb, max_duration_s
        Largest upload (MB) and longest recording (decoded seconds).
    workers, max_queue
        Recordings identified at once, and how many may wait.
    top : int
        Entries in the JSON ``top`` list.
    live_max_sessions, live_max_seconds, live_max_bytes, live_max_message_bytes, live_idle_timeout_s
        Live socket limits.
    live_update_s, live_rhythm_window_s, live_rhythm_every_s
        Live update interval and the tempo window and its refresh.
    cors_origins, allowed_hosts, token
        Browser origins, host names and the access token.
    uploads_per_minute, live_sessions_per_client
        Per-client limits (0: none).
    warm_up : bool
        Run one short recording at start-up.
    """

    #: dance model: built-in name, folder, or a loaded model (None: the built-in default)
    model: Any = None
    #: genre model: name, folder or loaded model; None looks for a built-in model whose task is "genre";
    #: False serves none
    genre_model: Any = None
    device: str = "cpu"
    #: largest accepted upload (the file itself); bigger requests get 413 before they are read
    max_upload_mb: float = 50.0
    #: longest recording identified, in decoded seconds: a few MB of compressed silence can hold
    #: ten hours, so the size limit alone does not bound a worker's time (413 past it)
    max_duration_s: float = 1800.0
    #: recordings identified at the same time (each uses torch's threads), and how many may wait
    workers: int = 1
    max_queue: int = 32
    #: entries in the JSON "top" list unless the request asks otherwise
    top: int = 3
    #: live socket: simultaneous sessions, then per connection: audio seconds (also wall-clock
    #: seconds), bytes, one message's bytes, and how long the client may stay silent
    live_max_sessions: int = 4
    live_max_seconds: float = 1200.0
    live_max_bytes: int = 256 * MB
    live_max_message_bytes: int = 1 * MB
    live_idle_timeout_s: float = 15.0
    #: a live result is sent whenever this much new audio has arrived (two per second in real time)
    live_update_s: float = 0.5
    #: live tempo: measured on the most recent window, refreshed in the background
    live_rhythm_window_s: float = 20.0
    live_rhythm_every_s: float = 4.0
    #: browser origins allowed by CORS; empty (the default) adds no CORS headers at all
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    #: host names (``NAME`` or ``NAME:PORT``; a bare name means the served port) that requests may
    #: address besides localhost, 127.0.0.1, [::1] and the address a connection arrived on; the
    #: ``Host`` and ``Origin`` checks against DNS rebinding read it. ``"*"`` turns them off.
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    #: access token that every ``/api/*`` request and the live socket must carry (None: open)
    token: str | None = field(default=None, repr=False)
    #: per client address: uploads a minute, and live sessions open at once (0: no limit)
    uploads_per_minute: int = 30
    live_sessions_per_client: int = 2
    #: run one short recording through the pipeline at start-up, so the first request is not slow
    warm_up: bool = True

    def __post_init__(self) -> None:
        checks = [
            (self.max_upload_mb > 0, f"max upload size must be positive, got {self.max_upload_mb} MB"),
            (self.max_duration_s > 0, f"max recording duration must be positive, got {self.max_duration_s} s"),
            (self.workers >= 1, f"workers must be at least 1, got {self.workers}"),
            (self.max_queue >= 0, f"queue length must be 0 or more, got {self.max_queue}"),
            (self.top >= 1, f"top must be at least 1, got {self.top}"),
            (self.live_max_sessions >= 0, f"live sessions must be 0 or more, got {self.live_max_sessions}"),
            (self.live_max_seconds > 0, f"live duration limit must be positive, got {self.live_max_seconds}"),
            (self.live_max_bytes > 0, f"live byte limit must be positive, got {self.live_max_bytes}"),
            (self.live_max_message_bytes >= 1024, "a live message must be allowed at least 1024 bytes"),
            (self.live_idle_timeout_s > 0, "live idle timeout must be positive"),
            (self.live_update_s > 0, "live update interval must be positive"),
            (self.live_rhythm_window_s >= 6, "live tempo window must be at least 6 s"),
            (self.live_rhythm_every_s > 0, "live tempo refresh interval must be positive"),
            (_whole(self.uploads_per_minute), f"uploads per minute must be a whole number, 0 or more "
                                              f"(0: no limit), got {self.uploads_per_minute!r}"),
            (_whole(self.live_sessions_per_client), f"live sessions per client must be a whole number, 0 or more "
                                                    f"(0: no limit), got {self.live_sessions_per_client!r}"),
        ]
        for ok, message in checks:
            if not ok:
                raise WebSettingsError(message)
        object.__setattr__(self, "cors_origins", tuple(self.cors_origins))
        if isinstance(self.allowed_hosts, str):  # tuple("mybox") would allow the hosts "m", "y", ...
            raise WebSettingsError(f"allowed_hosts must be a list of host names, got the string {self.allowed_hosts!r}")
        object.__setattr__(self, "allowed_hosts", tuple(self.allowed_hosts))
        for entry in self.allowed_hosts:
            parse_allowed_host(entry)  # raises WebSettingsError with the entry in the message
        if self.token is not None:
            check_token(self.token)

    @property
    def max_upload_bytes(self) -> int:
        """``max_upload_mb`` in bytes."""
        return int(self.max_upload_mb * MB)

    def public_limits(self) -> dict[str, Any]:
        """The limits a client needs to know (served by ``GET /api/config``)."""
        return {
            "max_upload_mb": self.max_upload_mb,
            "max_upload_bytes": self.max_upload_bytes,
            "max_duration_s": self.max_duration_s,
            "live_max_seconds": self.live_max_seconds,
            "live_max_bytes": self.live_max_bytes,
            "live_max_message_bytes": self.live_max_message_bytes,
            "live_idle_timeout_s": self.live_idle_timeout_s,
            "live_max_sessions": self.live_max_sessions,
            "live_sessions_per_client": self.live_sessions_per_client,
            "uploads_per_minute": self.uploads_per_minute,
        }


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
