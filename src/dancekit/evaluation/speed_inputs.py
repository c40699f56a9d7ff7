"""Inputs for the speed and load benchmarks: generated recordings and untrained models of shipped shapes.

Why generated: speed and memory depend on the length and format of the audio and on the shape of
the network, not on the music or on trained weights, so the benchmarks need no data set and no
installed model, and every machine measures the same work.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import torch

from dancekit.dances import DANCE_NAMES
from dancekit.features import DANCE_CNN_MEL
from dancekit.models import ModelCard, build_dance_cnn, save_model
from dancekit.models.dance_rnn import build_dance_rnn, load_dance_rnn, make_card

#: Motion vector length of the Tang skeleton (``dancekit.motion.features.FEATURE_DIM``).
TANG_MOTION_DIM = 79
#: The dances the paper-size step generator is conditioned on.
STEP_DANCES = ("Cha Cha Cha", "Rumba", "Slow Waltz", "Tango")


def write_test_song(path: str | Path, seconds: float, *, f0: float = 220.0, beat_s: float = 0.5,
                    rate: int = 44100, bitrate: str = "160k") -> Path:
    """A stereo mp3 with a kick drum, a melody and harmony, so that decoding and beat tracking do real work.

    Parameters
    ----------
    path : str or Path
        Where to write (overwritten).
    seconds : float
        Length.
    f0 : float
        Melody pitch in Hz (the harmony is a fifth above).
    beat_s : float
        Seconds between kicks.
    rate : int
        Sample rate.
    bitrate : str
        mp3 bit rate, as ffmpeg takes it.

    Returns
    -------
    Path
        ``path``.
    """
    expr = (f"0.25*sin(2*PI*{f0:g}*t)*(0.5+0.5*sin(2*PI*1.5*t))+0.2*sin(2*PI*{1.5 * f0:g}*t)"
            f"+0.4*exp(-30*mod(t\\,{beat_s:g}))*sin(2*PI*60*t)+0.05*(random(0)-0.5)")
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    f"aevalsrc={expr}|{expr}:s={rate}:d={seconds:g}", "-c:a", "libmp3lame", "-b:a", bitrate, str(path)],
                   check=True)
    return Path(path)


def tone_signal(seconds: float, sr: int, click_every_s: float | None = None) -> np.ndarray:
    """Three tones (110, 440, 1320 Hz) with a little noise; optionally clicks, then peak-normalised.

    The same seconds and rate always give the same samples (seeded).

    Parameters
    ----------
    seconds, sr
        Length in seconds, and sample rate.
    click_every_s : float, optional
        Add a 200-sample noise burst this often and scale the peak to 1.

    Returns
    -------
    numpy.ndarray
        Mono float32 samples.
    """
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * sr)) / sr
    y = sum(0.2 * np.sin(2 * np.pi * f * t) for f in (110.0, 440.0, 1320.0)) + 0.05 * rng.standard_normal(t.size)
    if click_every_s:
        for k in range(int(seconds / click_every_s)):
            s = int(k * click_every_s * sr)
            y[s:s + 200] += rng.standard_normal(200)
        y = y / np.abs(y).max()
    return y.astype(np.float32)


def untrained_dance_model(architecture: str, folder: str | Path) -> Path:
    """Save an untrained dance classifier of ``architecture`` with the shipped front end and classes.

    Parameters
    ----------
    architecture : str
        A dance-CNN backbone (``resnet18``, ``densenet161``...).
    folder : str or Path
        The model folder to write.

    Returns
    -------
    Path
        ``folder``, loadable by name like any model folder.
    """
    card = ModelCard(name=f"bench-{architecture}", task="dance", architecture=architecture,
                     classes=list(DANCE_NAMES), frontend=DANCE_CNN_MEL.to_dict(),
                     summary="untrained, for speed measurement only")
    save_model(build_dance_cnn(architecture, len(DANCE_NAMES)), card, folder)
    return Path(folder)


def untrained_step_model(folder: str | Path):
    """Save and load the paper-size step generator (Table I, dance-conditioned, Tang motion vector), untrained.

    Parameters
    ----------
    folder : str or Path
        The model folder to write.

    Returns
    -------
    LoadedModel
        The loaded generator (seeded weights: the same every call).
    """
    torch.manual_seed(0)
    net = build_dance_rnn(TANG_MOTION_DIM, n_dances=len(STEP_DANCES), dances=list(STEP_DANCES)).eval()
    frontend = {"kind": "step_audio", "motion": {"mean_pose": [0.0] * TANG_MOTION_DIM, "normaliser": None}}
    save_model(net, make_card("untrained_paper_size", net, frontend), folder)
    return load_dance_rnn(folder)
