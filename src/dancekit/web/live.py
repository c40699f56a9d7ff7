"""One live listening session: PCM chunks in at the client's rate, running results out.

The browser sends raw samples at whatever rate its audio context runs (it asks for the
model's rate, which Chromium honours; others may not), and says which in its start message;
the server resamples with soxr when the two differ, so every client gets the same front end.

Updates are the library's incremental mean (``Session``) read without finishing it, so a
live answer is the offline answer of the audio heard so far. The tempo for the live answer
is measured on the most recent window (20 s by default) in the background, because beat
tracking over everything heard would soon cost more than an update's budget; the final
answer (``finish``) is the library's own result for the whole stream, tempo over the first
five minutes included.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from dancekit.audio import PCM_FORMATS, StreamResampler, decode_pcm, rms_dbfs
from dancekit.audio.loudness import SILENCE_FLOOR_DBFS
from dancekit.inference.pipeline import Identifier
from dancekit.inference.recording import MIN_RHYTHM_SECONDS
from dancekit.inference.result import NO_MUSIC, OK, IdentifyResult
from dancekit.rhythm import RhythmResult, analyze
from dancekit.web.errors import LiveLimitError, LiveMessageTooBig, LiveProtocolError
from dancekit.web.settings import WebSettings

#: Sample formats a client may send (little-endian, mono).
FORMATS = PCM_FORMATS
MIN_RATE, MAX_RATE = 8000, 192000


class LiveSession:
    """Audio in, incremental results out; enforces the per-connection limits.

    Parameters
    ----------
    identifier : Identifier
        The dance model; the session identifies with tempo and tempo prior on.
    settings : WebSettings
        The server's limits and live timings.
    sample_rate : int
        The client's rate in Hz (``MIN_RATE`` to ``MAX_RATE``).
    sample_format : str
        A key of ``FORMATS``: ``"f32le"`` or ``"s16le"``.
    name : str
        How results name the stream.
    """

    def __init__(self, identifier: Identifier, settings: WebSettings, sample_rate: int, sample_format: str = "f32le",
                 name: str = "<live>"):
        if not isinstance(sample_rate, int) or isinstance(sample_rate, bool) or not MIN_RATE <= sample_rate <= MAX_RATE:
            raise LiveProtocolError(f"sample_rate must be a whole number of Hz from {MIN_RATE} to {MAX_RATE}, "
                                    f"got {sample_rate!r:.40}")
        if not isinstance(sample_format, str) or sample_format not in FORMATS:  # a dict or list is unhashable
            raise LiveProtocolError(f"format must be one of {', '.join(FORMATS)}, got {sample_format!r:.40}")
        self.identifier = identifier
        self.settings = settings
        self.client_rate = sample_rate
        self.sample_format = sample_format
        self.dtype = FORMATS[sample_format]
        self.rate = identifier.sample_rate
        self.session = identifier.session(name, live=True)
        self._resampler = StreamResampler(sample_rate, self.rate)
        self.bytes_received = 0
        self.client_samples = 0
        self.started = time.monotonic()
        self._window = np.zeros(0, dtype=np.float32)
        self._window_len = int(settings.live_rhythm_window_s * self.rate)
        self._since_update = 0
        self._busy_s = 0.0  # processing time since the last update
        self.last_level_dbfs = SILENCE_FLOOR_DBFS
        self.rhythm = None
        self._rhythm_asked_at = None  # samples_seen when the last tempo measurement was started

    # -- limits ------------------------------------------------------------------------
    @property
    def heard_s(self) -> float:
        """Seconds of audio received (at the model's rate)."""
        return self.session.duration_s

    @property
    def segment_s(self) -> float:
        """Seconds before the first answer: one segment."""
        return self.identifier.segment_seconds

    def check_message(self, n_bytes: int) -> None:
        """Refuse a binary message before decoding it, if it would break a limit.

        Parameters
        ----------
        n_bytes : int
            The message's size.
        """
        s = self.settings
        if n_bytes > s.live_max_message_bytes:
            raise LiveMessageTooBig(f"message of {n_bytes} bytes is over the limit of {s.live_max_message_bytes} bytes "
                                 "(send shorter chunks)")
        if self.bytes_received + n_bytes > s.live_max_bytes:
            raise LiveLimitError(f"live limit reached: {s.live_max_bytes} bytes per connection")
        if n_bytes % self.dtype.itemsize:
            raise LiveProtocolError(f"message of {n_bytes} bytes is not a whole number of "
                                    f"{self.dtype.itemsize}-byte samples")
        seconds = (self.client_samples + n_bytes // self.dtype.itemsize) / self.client_rate
        if seconds > s.live_max_seconds:
            raise LiveLimitError(f"live limit reached: {s.live_max_seconds:g} s of audio per connection")

    def check_clock(self) -> float:
        """Seconds left before the wall-clock limit; raises once it has passed.

        Returns
        -------
        float
            Seconds left.
        """
        left = self.settings.live_max_seconds - (time.monotonic() - self.started)
        if left <= 0:
            raise LiveLimitError(f"live limit reached: {self.settings.live_max_seconds:g} s per connection")
        return left

    # -- audio -------------------------------------------------------------------------
    def push(self, data: bytes) -> None:
        """Decode, resample and classify one binary message (after ``check_message``).

        Parameters
        ----------
        data : bytes
            Raw PCM samples in the session's format.
        """
        start = time.perf_counter()
        samples = decode_pcm(data, self.sample_format)
        if not np.all(np.isfinite(samples)):
            raise LiveProtocolError("audio contains NaN or infinite samples")
        self.bytes_received += len(data)
        self.client_samples += samples.size
        if samples.size:
            self.last_level_dbfs = float(rms_dbfs(samples))
        self._feed(self._resampler.push(samples))
        self._busy_s += time.perf_counter() - start

    def _feed(self, samples: np.ndarray) -> None:
        if not samples.size:
            return
        self.session.push(samples)
        self._window = np.concatenate([self._window, samples])[-self._window_len:]
        self._since_update += samples.size

    @property
    def has_result(self) -> bool:
        """True once the first whole segment (5.2 s) has been classified."""
        return self.session.mean.count > 0

    def update_due(self) -> bool:
        """True when ``live_update_s`` of audio has arrived since the last update."""
        return self._since_update >= self.settings.live_update_s * self.rate

    def update(self) -> tuple[dict, float]:
        """The running result as the CLI's JSON, and the processing time since the last update (ms).

        Returns
        -------
        tuple of (dict, float)
            The result object and the milliseconds spent.
        """
        start = time.perf_counter()
        out = self.snapshot().to_dict(top=self.settings.top)
        busy_ms = (self._busy_s + time.perf_counter() - start) * 1000
        self.mark_updated()
        return out, busy_ms

    def mark_updated(self) -> None:
        """Start counting towards the next update."""
        self._since_update = 0
        self._busy_s = 0.0

    def snapshot(self) -> IdentifyResult:
        """The result of the audio heard so far, without finishing the session.

        Returns
        -------
        IdentifyResult
            The running answer, with the tempo of the recent window.
        """
        silent = self.session.activity.is_silent()
        warnings = []
        if silent:
            warnings.append(f"no music detected (level {self.session.activity.level_dbfs():.0f} dBFS)")
        rhythm = None if silent else self.rhythm
        if rhythm is not None:
            warnings.append(f"live tempo measured on the last {self.settings.live_rhythm_window_s:.0f} s")
        return self.session.answer(NO_MUSIC if silent else OK, rhythm, warnings)

    # -- tempo -------------------------------------------------------------------------
    def rhythm_due(self) -> bool:
        """True when enough new audio arrived to measure the tempo again."""
        if not self.session.options.rhythm or self.heard_s < MIN_RHYTHM_SECONDS:
            return False
        if self._rhythm_asked_at is None:
            return True
        return self.session.samples_seen - self._rhythm_asked_at >= self.settings.live_rhythm_every_s * self.rate

    def rhythm_job(self):
        """A function (to run in any thread) measuring tempo on a copy of the recent window.

        Returns
        -------
        callable
            Takes nothing, returns the window's :class:`~dancekit.rhythm.RhythmResult` on the stream's clock.
        """
        self._rhythm_asked_at = self.session.samples_seen
        window = self._window.copy()
        offset = (self.session.samples_seen - window.size) / self.rate
        rate = self.rate

        def measure() -> RhythmResult:
            result = analyze(window, rate)
            return dataclasses.replace(result, beats=result.beats + offset)

        return measure

    # -- end ---------------------------------------------------------------------------
    def finish(self) -> dict:
        """The final result: the library's own for the whole stream (as offline identification).

        Returns
        -------
        dict
            The CLI's JSON object.
        """
        self._feed(self._resampler.flush())
        return self.session.result().to_dict(top=self.settings.top)
