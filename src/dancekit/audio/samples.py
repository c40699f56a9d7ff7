"""What every sample entering dancekit must satisfy: a plausible rate, finite bounded values, one channel.

Why one module: files, uploads, arrays handed to the API and live microphone chunks all reach the same
front end, and each of them once carried a way to break it. A 294-byte FLAC at 1 Hz claims 18 hours,
which resampling to 22 kHz turned into gigabytes; ``nan`` or ``inf`` rates hang the resampler; one NaN
sample turns every probability into NaN (invalid JSON); a ``(2, N)`` stereo array was averaged along the
wrong axis. The decoders and the array path call these checks, so the rules hold wherever audio enters.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from dancekit.audio._mono import to_float32
from dancekit.audio.resample import resample
from dancekit.errors import EmptyAudioError, UnsupportedAudioError

#: Lowest and highest sample rates accepted. 4 kHz is below any real recording format (telephone audio
#: is 8 kHz); 768 kHz is the highest rate of studio converters (DXD x 2). Outside, a file is a forgery
#: or a mistake, and resampling it would multiply its samples by thousands.
MIN_SAMPLE_RATE = 4_000
MAX_SAMPLE_RATE = 768_000
#: Largest sample magnitude kept: 120 dB above full scale, room for float files written in integer
#: units (+-32768), while squares of a spectrogram frame stay far inside float32 (a 1e30 sample
#: overflowed the power spectrum to inf, then NaN).
SAMPLE_CEILING = 1e6
#: Channels that a 2-D array may have; the channel axis is the shorter one.
MAX_CHANNELS = 64


def check_sample_rate(rate, where: str = "the audio") -> int:
    """``rate`` as an int, or a one-line ``UnsupportedAudioError`` when no real recording has it.

    Parameters
    ----------
    rate : number
        The sample rate in Hz, from a header or a caller. ``bool``, NaN, infinities, fractions and
        rates outside ``MIN_SAMPLE_RATE``-``MAX_SAMPLE_RATE`` are refused.
    where : str
        What the rate belongs to, for the message (a file name, "the array").
    """
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise UnsupportedAudioError(f"sample rate of {where} must be a number of Hz, not {rate!r}")
    value = float(rate)
    if not math.isfinite(value) or value != round(value):
        raise UnsupportedAudioError(f"sample rate of {where} must be a whole number of Hz, not {rate!r}")
    if not MIN_SAMPLE_RATE <= value <= MAX_SAMPLE_RATE:
        raise UnsupportedAudioError(
            f"implausible sample rate {int(value)} Hz in {where} "
            f"(dancekit reads {MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz)"
        )
    return int(value)


def make_finite(y: np.ndarray) -> np.ndarray:
    """``y`` with NaN and infinities set to 0 and magnitudes clipped to ``SAMPLE_CEILING``.

    Works in place on a writeable float32 array (the decoders' own blocks) and copies only what is
    read-only; a clean block costs two vectorised reductions.

    Parameters
    ----------
    y : np.ndarray
        Float samples.

    Returns
    -------
    np.ndarray
        ``y`` itself, or a cleaned copy of a read-only array.
    """
    finite = np.isfinite(y)
    if not finite.all():
        if not y.flags.writeable:
            y = y.copy()
        y[~finite] = 0.0
    if y.size and float(np.max(np.abs(y))) > SAMPLE_CEILING:
        if not y.flags.writeable:
            y = y.copy()
        np.clip(y, -SAMPLE_CEILING, SAMPLE_CEILING, out=y)
    return y


def to_mono(y, where: str = "the array") -> np.ndarray:
    """A caller's array as contiguous mono float32: channels averaged, integers scaled to [-1, 1).

    Parameters
    ----------
    y : array_like
        ``(n,)``, or 2-D with channels on the shorter axis: ``(n, channels)`` as soundfile returns or
        ``(channels, n)`` as librosa does. Integer samples are scaled from full scale; bool, complex
        and object arrays are refused.
    where : str
        What the samples are, for messages.
    """
    y = np.asarray(y)
    if y.dtype.kind not in "fiu":
        raise TypeError(f"{where} must hold real numbers, not {y.dtype}")
    if y.ndim == 0 or y.ndim > 2:
        raise ValueError(f"{where} must be 1-D (mono) or 2-D (with channels), not {y.ndim}-D")
    if y.size == 0:
        raise EmptyAudioError(f"no audio samples in {where}")
    if y.ndim == 2:
        channel_axis = 0 if y.shape[0] < y.shape[1] else 1
        if y.shape[channel_axis] > MAX_CHANNELS:
            raise ValueError(f"{where} has shape {y.shape}: at most {MAX_CHANNELS} channels, on the shorter axis")
        y = to_float32(y).mean(axis=channel_axis, dtype=np.float32)
    else:
        y = to_float32(y)
    return np.ascontiguousarray(y, dtype=np.float32)


def from_array(y, sample_rate, sr: int) -> np.ndarray:
    """A caller's array as the finite mono float32 signal at ``sr`` that a decoded file would give.

    Parameters
    ----------
    y : array_like
        The samples (see :func:`to_mono` for shapes and dtypes).
    sample_rate : int
        Their rate in Hz (checked by :func:`check_sample_rate`).
    sr : int
        The rate wanted; resampled by :func:`dancekit.audio.resample.resample`, like the decoders.

    Returns
    -------
    np.ndarray
        Contiguous finite mono float32 samples at ``sr``.
    """
    rate = check_sample_rate(sample_rate, "the array")
    return resample(make_finite(to_mono(y)), rate, sr)
