"""The listening conditions of paper 5's Tables III-V: clean music, or a dance hall's noise at an SNR.

A condition is named ``<noise><snr dB>`` (``white20``, ``claps20``, ``crowd20``) or ``clean``; the
noise is :func:`dancekit.synth.degrade.hall_noise`, scaled to the music's power.
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.synth.degrade import NOISE_KINDS, hall_noise

#: The paper's conditions, in its column order.
CONDITIONS = ("clean", "white20", "claps20", "crowd20")


class ConditionError(DancekitError, ValueError):
    """A listening condition that names no known noise."""

    exit_code = EXIT_USAGE


def parse_condition(condition: str) -> tuple[str | None, float | None]:
    """The noise and SNR of a condition name (None, None for ``clean``).

    Parameters
    ----------
    condition : str
        ``clean`` or ``<white|claps|crowd><snr dB>`` (the SNR defaults to 20 dB).

    Returns
    -------
    kind : str or None
    snr_db : float or None

    Raises
    ------
    ConditionError
        For a noise that :func:`~dancekit.synth.degrade.hall_noise` does not make.
    """
    if condition == "clean":
        return None, None
    kind = condition.rstrip("0123456789.")
    try:
        snr = float(condition[len(kind):] or 20)
    except ValueError:
        kind = ""
    if kind not in NOISE_KINDS:
        raise ConditionError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    return kind, snr


def condition_audio(y: np.ndarray, condition: str, rng: np.random.Generator, sr: int = 16000) -> np.ndarray:
    """The music under one condition: unchanged for ``clean``, else with noise at the named SNR.

    Parameters
    ----------
    y : ndarray
        Mono music.
    condition : str
        ``clean`` or ``<white|claps|crowd><snr dB>`` (the SNR defaults to 20 dB).
    rng : numpy.random.Generator
        Draws the noise (pass the same seed to hear every model under the same noise).
    sr : int
        Sample rate of ``y``.

    Returns
    -------
    ndarray
        ``y`` itself for ``clean``, else a float32 mix.

    Raises
    ------
    ConditionError
        For a noise that :func:`~dancekit.synth.degrade.hall_noise` does not make.
    """
    kind, snr = parse_condition(condition)
    if kind is None:
        return y
    noise = hall_noise(kind, len(y), sr, rng)
    gain = np.sqrt(np.mean(y.astype(np.float64) ** 2) / 10 ** (snr / 10) / max(np.mean(noise**2), 1e-20))
    return (y + gain * noise).astype(np.float32)
