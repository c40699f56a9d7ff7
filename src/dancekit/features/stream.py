"""Frame-exact streaming of a front end: bounded memory for 2-hour files, and live microphone input.

Every frame depends only on its own ``n_fft`` samples (no top_db, no global normalisation), so a
stream that keeps the last partial frame's samples produces the same frames as the offline module
on the concatenated signal: the leading zero pad is put in at the start, the trailing one at
``flush()``. At most ``n_fft + chunk`` samples are held.

Each ``push`` that completes a frame costs one small FFT call (~1 ms on a laptop core), so feed
files in chunks of seconds, not milliseconds; live input of ~50 ms blocks is fine.

The stream works with either front end: the torch module (frames come out as tensors on its
device) or :class:`~dancekit.features.numpy_frontend.NumpyFrontEnd` (numpy arrays, no torch).
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import AudioError
from dancekit.features.config import FrontEndConfig


class FrameStream:
    """``push(samples) -> [bins, new_frames]``, ``flush() -> [bins, remaining_frames]`` (float32).

    Concatenating all outputs along the frame axis equals ``frontend(whole_signal)``. ``flush`` ends
    the signal and resets the stream, so it can be reused for the next one. A stream that got no
    samples flushes zero frames (the offline module refuses an empty signal instead).

    Parameters
    ----------
    frontend : SpectrogramFrontEnd or NumpyFrontEnd
        The offline front end whose output the stream reproduces (and whose array type it gives);
        its config must have ``top_db=None``.
    config : FrontEndConfig, optional
        A check only: must equal ``frontend.config`` when given.
    """

    def __init__(self, frontend: SpectrogramFrontEnd, config: FrontEndConfig | None = None):
        if not callable(getattr(frontend, "frames_from_samples", None)) or not isinstance(
                getattr(frontend, "config", None), FrontEndConfig):
            raise TypeError(f"expected a SpectrogramFrontEnd or NumpyFrontEnd, got {type(frontend).__name__}")
        if config is not None and config != frontend.config:
            raise ValueError("config does not match the front end's config")
        self.frontend = frontend
        self.config = frontend.config
        if self.config.top_db is not None:
            raise ValueError("top_db depends on the whole signal and cannot be streamed; use top_db=None")
        self.reset()

    def reset(self) -> None:
        """Forget everything pushed so far."""
        self._buffer = np.zeros(self.config.pad, dtype=np.float32)
        self._received = 0

    @property
    def samples_received(self) -> int:
        """Samples pushed since the last ``flush``/``reset``."""
        return self._received

    def push(self, samples):
        """Add mono samples (any length, even 0 or 1); return the frames they complete.

        Parameters
        ----------
        samples : array-like
            Mono samples at the front end's sample rate.

        Returns
        -------
        torch.Tensor or np.ndarray
            float32 ``[bins, new_frames]`` (the front end's array type); ``new_frames`` may be 0.
        """
        chunk = np.asarray(samples)
        if chunk.ndim != 1:
            raise AudioError(f"expected a 1-D array of mono samples, got shape {chunk.shape}")
        if chunk.size and not np.issubdtype(chunk.dtype, np.floating):
            raise AudioError(f"expected floating-point samples, got dtype {chunk.dtype}")
        self._received += chunk.size
        self._buffer = np.concatenate([self._buffer, chunk.astype(np.float32, copy=False)])
        return self._take_frames()

    def flush(self):
        """End of signal: add the trailing zero pad, return the last frames, and reset."""
        if self._received:
            self._buffer = np.concatenate([self._buffer, np.zeros(self.config.pad, dtype=np.float32)])
        frames = self._take_frames() if self._received else self._empty()
        self.reset()
        return frames

    def _take_frames(self):
        cfg = self.config
        n_new = 0 if len(self._buffer) < cfg.n_fft else 1 + (len(self._buffer) - cfg.n_fft) // cfg.hop_length
        if n_new == 0:
            return self._empty()
        used = (n_new - 1) * cfg.hop_length + cfg.n_fft
        frames = self.frontend.frames_from_samples(self._buffer[:used])
        self._buffer = self._buffer[n_new * cfg.hop_length :].copy()
        return frames

    def _empty(self):
        return self.frontend.frames_from_samples(np.zeros(0, dtype=np.float32))
