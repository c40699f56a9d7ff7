"""Is there anything to classify? The streaming form of :func:`dancekit.audio.is_near_silent`."""

from __future__ import annotations

import numpy as np

from dancekit.audio.highpass import sosfilt
from dancekit.audio.loudness import (
    DEFAULT_FRAME_LENGTH,
    DEFAULT_MIN_ACTIVE_FRACTION,
    DEFAULT_THRESHOLD_DBFS,
    frame_rms_dbfs,
    music_band_filter,
    rms_dbfs,
    sum_of_squares,
)


class ActivityMeter:
    """Counts active frames chunk by chunk, so a live or 2-hour stream is judged like a whole file.

    Fed the chunks of a signal, ``is_silent()`` equals ``is_near_silent(signal, sr=sr)``. With ``sr``,
    activity is measured in the music band (the high-pass runs on across chunks); ``level_dbfs`` is
    always the plain level.

    Parameters
    ----------
    threshold_dbfs : float
        A frame louder than this is active.
    min_active_fraction : float
        Below this fraction of active frames the stream is silent.
    frame_length : int
        Samples per frame.
    sr : int, optional
        Sample rate in Hz: measure activity above ``MUSIC_LOW_HZ`` only. None: the plain signal.
    """

    def __init__(self, threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
                 min_active_fraction: float = DEFAULT_MIN_ACTIVE_FRACTION, frame_length: int = DEFAULT_FRAME_LENGTH,
                 sr: int | None = None):
        self._sos = music_band_filter(sr) if sr is not None else None
        self._zi = None if self._sos is None else np.zeros((len(self._sos), 2))  # starts at rest, as sosfilt does
        self.threshold_dbfs = threshold_dbfs
        self.min_active_fraction = min_active_fraction
        self.frame_length = frame_length
        self._carry = np.zeros(0, dtype=np.float32)
        self.frames = 0
        self.active = 0
        self._energy = 0.0
        self._samples = 0

    def update(self, samples: np.ndarray) -> None:
        """Count the frames of one more chunk (a partial frame waits for the next chunk).

        Parameters
        ----------
        samples : np.ndarray
            Mono float32 samples that follow the previous chunk.
        """
        banded = samples
        if self._sos is not None and samples.size:
            banded, self._zi = sosfilt(self._sos, np.asarray(samples, dtype=np.float64), zi=self._zi)
            banded = banded.astype(np.float32)
        x = np.concatenate([self._carry, banded]) if self._carry.size else np.asarray(banded)
        whole = (x.size // self.frame_length) * self.frame_length
        if whole:
            self._count(x[:whole])
        self._carry = x[whole:].copy()
        self._energy += sum_of_squares(samples)
        self._samples += samples.size

    def _count(self, x: np.ndarray) -> None:
        levels = frame_rms_dbfs(x, self.frame_length)
        self.frames += levels.size
        self.active += int(np.count_nonzero(levels > self.threshold_dbfs))

    def level_dbfs(self) -> float:
        """Overall RMS level of everything pushed so far."""
        if self._samples == 0:
            return rms_dbfs(np.zeros(0))
        return rms_dbfs(np.array([np.sqrt(self._energy / self._samples)]))

    def is_silent(self) -> bool:
        """Whether too few frames so far were active (True before any sample).

        Returns
        -------
        bool
        """
        frames, active = self.frames, self.active
        if self._carry.size:  # the trailing partial frame counts as one, as in frame_rms_dbfs
            tail = frame_rms_dbfs(self._carry, self.frame_length)
            frames, active = frames + 1, active + int(tail[0] > self.threshold_dbfs)
        return frames == 0 or active < self.min_active_fraction * frames
