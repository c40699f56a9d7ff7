"""What the papers' librosa code computes for a front-end configuration: the reference the torch
front ends are checked and timed against.

Why in the package: the agreement and speed benchmarks must compare against one and the same
reference, and a user checking a new preset needs it too.
"""

from __future__ import annotations

import librosa
import numpy as np

from dancekit.features.config import FrontEndConfig


def librosa_reference(config: FrontEndConfig, y: np.ndarray) -> np.ndarray:
    """The spectrogram librosa computes for ``config`` (mel or STFT, then its compression).

    Parameters
    ----------
    config : FrontEndConfig
        The front end's parameters.
    y : numpy.ndarray
        Mono samples at ``config.sr``.

    Returns
    -------
    numpy.ndarray
        ``[bins, frames]``, as the torch front end returns it.
    """
    if config.kind == "mel":
        spec = librosa.feature.melspectrogram(y=y, sr=config.sr, n_fft=config.n_fft, hop_length=config.hop_length,
                                              n_mels=config.n_mels, fmin=config.fmin, fmax=config.fmax,
                                              power=config.power, center=config.center)
    else:
        spec = np.abs(librosa.stft(y, n_fft=config.n_fft, hop_length=config.hop_length, center=config.center))
        spec = spec**config.power
    if config.log == "db":
        to_db = librosa.power_to_db if config.power == 2.0 else librosa.amplitude_to_db
        return to_db(spec, ref=config.ref, amin=config.amin, top_db=config.top_db)
    if config.log != "none":
        raise ValueError(f"no librosa reference for log={config.log!r}")
    return spec


def max_difference(config: FrontEndConfig, got: np.ndarray, want: np.ndarray) -> float:
    """Largest absolute difference: in dB for log outputs, else as a share of the loudest bin.

    A bin-by-bin ratio would be dominated by bins that are numerically zero.

    Parameters
    ----------
    config : FrontEndConfig
        Says whether the outputs are in dB.
    got, want : numpy.ndarray
        The front end's output and the reference.

    Returns
    -------
    float
    """
    if config.log == "db":
        return float(np.abs(got - want).max())
    return float(np.abs(got - want).max() / max(float(np.abs(want).max()), 1e-12))
