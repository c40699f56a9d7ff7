"""Audio input of the dance-step generator (paper 5, IV-B): one power-spectrum patch per motion frame.

For motion frame ``i`` at 30 fps the 16 kHz signal from sample ``floor(i * 16000 / 30)`` on is cut
into ``N_STFT`` = 5 Hamming-windowed frames of 160 samples (10 ms) with a hop of 80 (5 ms), all
inside the paper's 534-sample (33 ms) slice; their power spectra (256-point FFT, 129 bins) become
a ``[129, 5]`` patch, so four (33, 2) convolutions reduce it to exactly the 65-d encoder input.

Normalisation (paper: "between -1 and 1 on the frequency bin axis"): per STFT frame, the power in
dB relative to its loudest bin, with an ``TOP_DB`` range mapped onto [-1, 1]. The reference never
drops below ``FLOOR_DB + TOP_DB``, so digital silence stays dark instead of being stretched into a
full-range pattern.

White-noise augmentation (0 and 10 dB SNR for training, 5 dB for validation) exists twice, with
the same statistics: on the waveform (:func:`add_white_noise`, for evaluation conditions) and on
stored clean power (:func:`add_white_noise_power`). The second lets a compact dataset of clean
power patches be augmented afresh on a GPU in every batch: white Gaussian noise is a circular
complex Gaussian in each FFT bin, so ``|X + N|^2`` can be drawn exactly bin by bin from ``|X|``.

Only torch and numpy are imported here, so training machines without audio decoders can use it.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from dancekit.errors import AudioError, EmptyAudioError

SAMPLE_RATE = 16000
FPS = 30
SLICE_SAMPLES = 534
WIN = 160
HOP = 80
N_FFT = 256
N_BINS = N_FFT // 2 + 1
N_STFT = 1 + (SLICE_SAMPLES - WIN) // HOP
#: Samples after a frame's start that its patch actually reads (the slice's last 54 are unused).
SPAN = (N_STFT - 1) * HOP + WIN
TOP_DB = 80.0
FLOOR_DB = -120.0
#: Storage code of clean power: uint8 steps of 0.5 dB from FLOOR_DB (up to +7.5 dB; a full-scale
#: sine peaks at -6 dB in this scaling).
DB_STEP = 0.5

_BLOCK = 2048  # motion frames per FFT block: bounded memory for long songs


def _window(device=None, dtype=torch.float32) -> torch.Tensor:
    return torch.hamming_window(WIN, periodic=False, dtype=dtype, device=device)


# Scaling: a full-scale sine at a bin centre has power 0.25 (-6 dB); white noise of variance s2
# has expected power s2 * sum(w^2) / sum(w)^2 in every bin but DC and Nyquist.
_W = _window(dtype=torch.float64)
_POWER_SCALE = float(1.0 / _W.sum() ** 2)
NOISE_BIN_GAIN = float((_W**2).sum() / _W.sum() ** 2)


def frame_starts(first: int, count: int, sr: int = SAMPLE_RATE, fps: int = FPS) -> np.ndarray:
    """Sample index where each motion frame's slice begins (exact integer arithmetic).

    Parameters
    ----------
    first : int
        Index of the first motion frame.
    count : int
        Number of frames.
    sr : int
        Audio sample rate in Hz.
    fps : int
        Motion frame rate.

    Returns
    -------
    np.ndarray
        ``[count]`` int64 sample indices.
    """
    return (np.arange(first, first + count, dtype=np.int64) * sr) // fps


def frames_for_samples(n_samples: int, sr: int = SAMPLE_RATE, fps: int = FPS) -> int:
    """Motion frames that start inside ``n_samples`` of audio.

    Parameters
    ----------
    n_samples : int
        Length of the audio.
    sr, fps : int
        Audio sample rate and motion frame rate, as in :func:`frame_starts`.

    Returns
    -------
    int
    """
    return -((-n_samples * fps) // sr)


def _as_tensor(audio) -> torch.Tensor:
    wave = torch.as_tensor(np.asarray(audio, dtype=np.float32) if not torch.is_tensor(audio) else audio)
    if wave.ndim != 1:
        raise AudioError(f"step audio expects a mono signal, got shape {tuple(wave.shape)}")
    if wave.numel() == 0:
        raise EmptyAudioError("audio has no samples")
    return wave.float()


def slice_power(audio, n_frames: int | None = None, first_frame: int = 0, offset: int = 0) -> torch.Tensor:
    """Power patches ``[n_frames, N_BINS, N_STFT]`` of a 16 kHz mono signal (tensor or array).

    ``audio[0]`` is song sample ``offset``; frames ``first_frame ...`` are cut at their song
    positions, and samples past the end of ``audio`` count as silence.

    Parameters
    ----------
    audio : torch.Tensor or np.ndarray
        Mono samples at 16 kHz.
    n_frames : int, optional
        Frames to cut (default: every frame that starts inside the song so far).
    first_frame : int
        Index of the first frame to cut.
    offset : int
        Song sample index of ``audio[0]`` (streaming passes the part of the song it still holds).

    Returns
    -------
    torch.Tensor
        float32 ``[n_frames, N_BINS, N_STFT]`` power.
    """
    wave = _as_tensor(audio)
    if n_frames is None:
        n_frames = frames_for_samples(offset + len(wave)) - first_frame
    n_frames = max(int(n_frames), 0)
    window = _window(wave.device)
    within = (torch.arange(N_STFT, device=wave.device) * HOP)[:, None] + torch.arange(WIN, device=wave.device)
    out = torch.empty(n_frames, N_BINS, N_STFT, device=wave.device)
    for block in range(0, n_frames, _BLOCK):
        count = min(_BLOCK, n_frames - block)
        starts = torch.as_tensor(frame_starts(first_frame + block, count) - offset, device=wave.device)
        index = starts[:, None, None] + within  # [count, N_STFT, WIN]
        inside = (index >= 0) & (index < len(wave))
        frames = torch.where(inside, wave[index.clamp(0, len(wave) - 1)], 0.0) * window
        spectrum = torch.fft.rfft(frames, n=N_FFT)
        out[block:block + count] = (spectrum.real**2 + spectrum.imag**2).transpose(1, 2) * _POWER_SCALE
    return out


def normalise_power(power: torch.Tensor) -> torch.Tensor:
    """Power ``[..., N_BINS, N_STFT]`` -> features in [-1, 1], per STFT frame along the bin axis.

    Parameters
    ----------
    power : torch.Tensor
        Power patches ``[..., N_BINS, N_STFT]``.

    Returns
    -------
    torch.Tensor
        Same shape, in [-1, 1].
    """
    db = 10.0 * torch.log10(power.clamp_min(10.0 ** (FLOOR_DB / 10.0)))
    ref = db.amax(dim=-2, keepdim=True).clamp_min(FLOOR_DB + TOP_DB)
    return ((db - ref) * (2.0 / TOP_DB) + 1.0).clamp(-1.0, 1.0)


def signal_power(audio) -> float:
    """Mean square of a signal: the reference for SNRs.

    Parameters
    ----------
    audio : torch.Tensor or np.ndarray
        Samples.

    Returns
    -------
    float
    """
    wave = _as_tensor(audio)
    return float((wave.double() ** 2).mean())


def add_white_noise(audio, snr_db: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """The signal plus white Gaussian noise ``snr_db`` below its mean power.

    Parameters
    ----------
    audio : torch.Tensor or np.ndarray
        Mono samples.
    snr_db : float
        Signal-to-noise ratio in dB.
    generator : torch.Generator, optional
        Source of the noise, for repeatable augmentation.

    Returns
    -------
    torch.Tensor
    """
    wave = _as_tensor(audio)
    sigma = math.sqrt(signal_power(wave) / 10.0 ** (snr_db / 10.0))
    noise = torch.randn(wave.shape, generator=generator, device=wave.device)
    return wave + sigma * noise


def add_white_noise_power(power: torch.Tensor, snr_db, signal_pow, generator: torch.Generator | None = None
                          ) -> torch.Tensor:
    """Power patches of (signal + white noise) drawn from the clean power, bin by bin.

    ``snr_db`` and ``signal_pow`` broadcast against ``power``'s leading dimension(s) (e.g. one value
    per song in a batch ``[B, T, N_BINS, N_STFT]``: pass tensors of shape ``[B, 1, 1, 1]``).
    The DC and Nyquist bins of a real signal are real, so their noise is real too.

    Parameters
    ----------
    power : torch.Tensor
        Clean power patches ``[..., N_BINS, N_STFT]``.
    snr_db : float or torch.Tensor
        Signal-to-noise ratio in dB.
    signal_pow : float or torch.Tensor
        Mean power of the clean signal (:func:`signal_power`), the reference of ``snr_db``.
    generator : torch.Generator, optional
        Source of the noise.

    Returns
    -------
    torch.Tensor
        Noisy power, same shape as ``power``.
    """
    snr = torch.as_tensor(snr_db, dtype=power.dtype, device=power.device)
    sig = torch.as_tensor(signal_pow, dtype=power.dtype, device=power.device)
    bin_noise = sig / 10.0 ** (snr / 10.0) * NOISE_BIN_GAIN
    noise = torch.randn((2,) + tuple(power.shape), generator=generator, device=power.device, dtype=power.dtype)
    real_bin = torch.zeros(N_BINS, 1, dtype=torch.bool, device=power.device)
    real_bin[0] = real_bin[-1] = True
    scale_re = torch.where(real_bin, torch.sqrt(bin_noise), torch.sqrt(bin_noise / 2))
    scale_im = torch.where(real_bin, torch.zeros_like(bin_noise), torch.sqrt(bin_noise / 2))
    re = power.clamp_min(0).sqrt() + scale_re * noise[0]
    im = scale_im * noise[1]
    return re * re + im * im


def quantise_power(power: torch.Tensor) -> torch.Tensor:
    """Clean power as uint8 codes of 0.5 dB from FLOOR_DB: a compact, GPU-friendly store.

    Parameters
    ----------
    power : torch.Tensor
        Clean power patches.

    Returns
    -------
    torch.Tensor
        uint8 codes, same shape; :func:`dequantise_power` inverts them to within 0.25 dB
        inside the stored range.
    """
    db = 10.0 * torch.log10(power.clamp_min(10.0 ** (FLOOR_DB / 10.0)))
    return ((db - FLOOR_DB) / DB_STEP).round().clamp(0, 255).to(torch.uint8)


def dequantise_power(codes: torch.Tensor) -> torch.Tensor:
    """Power from the uint8 codes of :func:`quantise_power`.

    Parameters
    ----------
    codes : torch.Tensor
        uint8 codes.

    Returns
    -------
    torch.Tensor
        float32 power, same shape.
    """
    return 10.0 ** ((codes.float() * DB_STEP + FLOOR_DB) / 10.0)


def step_audio_features(audio, n_frames: int | None = None, snr_db: float | None = None,
                        generator: torch.Generator | None = None) -> torch.Tensor:
    """The network input ``[n_frames, N_BINS, N_STFT]`` of a 16 kHz signal, optionally with noise.

    Parameters
    ----------
    audio : torch.Tensor or np.ndarray
        Mono samples at 16 kHz.
    n_frames : int, optional
        Motion frames to produce (default: every frame that starts inside the signal).
    snr_db : float, optional
        Add white noise at this SNR first (training augmentation and noise evaluation).
    generator : torch.Generator, optional
        Source of the noise.

    Returns
    -------
    torch.Tensor
        float32 ``[n_frames, N_BINS, N_STFT]`` in [-1, 1].
    """
    wave = _as_tensor(audio)
    if snr_db is not None:
        wave = add_white_noise(wave, snr_db, generator)
    return normalise_power(slice_power(wave, n_frames))


class StepAudioStream:
    """Audio in pieces -> the features of every motion frame whose patch is complete.

    The frames equal those of :func:`step_audio_features` on the whole signal; ``flush`` emits
    the last frames, treating the missing end as silence.
    """

    def __init__(self):
        self._buffer = torch.zeros(0)
        self._buffer_start = 0  # song sample index of _buffer[0]
        self._next = 0  # next motion frame to emit
        self._total = 0  # samples received

    @property
    def frames_emitted(self) -> int:
        """Motion frames returned so far."""
        return self._next

    def push(self, samples) -> torch.Tensor:
        """Add mono 16 kHz samples; return the features of the frames they complete.

        Parameters
        ----------
        samples : array-like
            Any number of samples, even none.

        Returns
        -------
        torch.Tensor
            ``[new_frames, N_BINS, N_STFT]``; ``new_frames`` may be 0.
        """
        samples = torch.as_tensor(np.asarray(samples, dtype=np.float32)).reshape(-1)
        self._buffer = torch.cat([self._buffer, samples])
        self._total += len(samples)
        ready = 0
        while int(frame_starts(self._next + ready, 1)[0]) + SPAN <= self._total:
            ready += 1
        return self._emit(ready)

    def flush(self) -> torch.Tensor:
        """The features of the remaining frames, with silence after the last sample.

        Returns
        -------
        torch.Tensor
            ``[remaining_frames, N_BINS, N_STFT]``.
        """
        return self._emit(max(frames_for_samples(self._total) - self._next, 0))

    def _emit(self, count: int) -> torch.Tensor:
        if count == 0:
            return torch.zeros(0, N_BINS, N_STFT)
        buffer = self._buffer if len(self._buffer) else torch.zeros(1)  # all silence from here on
        power = slice_power(buffer, count, first_frame=self._next, offset=self._buffer_start)
        self._next += count
        keep_from = int(frame_starts(self._next, 1)[0])
        drop = max(0, min(keep_from - self._buffer_start, len(self._buffer)))
        self._buffer = self._buffer[drop:]
        self._buffer_start += drop
        return normalise_power(power)
