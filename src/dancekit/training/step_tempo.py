"""Tempo augmentation and the beat/bar phase of step-training windows: music and motion stretched together.

Why: the Tang training songs nearly all share one waltz tempo (0.690 s a beat), so a network can
dance in time by keeping that tempo, without following the song (version 2 of the shipped model:
the bar-depth test passed on 7 of 14 held-out songs as played, on 3 and 4 played 8 % slower or
faster). Played at many tempi, the same dance only stays right by following the music.

How, without decoding audio on the training machine: a window of ``L`` frames of music played
``s`` times slower (``s`` > 1 slower, log-uniform in the range asked for) covers ``L / s`` frames of
the original song. Frame ``j`` of the window (``j`` = 0 is the pose before it) is read at original
frame ``p_j = start - 1 + j / s``:

* the **audio** is the stored power patch of the nearest original frame: a granular time stretch
  with 33 ms grains (at +/-15 % about one frame in seven is repeated or skipped), which keeps every
  onset within half a frame (17 ms) of where the stretched music has it, and its pitch;
* the **motion** is interpolated linearly between the two neighbouring frames, and the per-frame
  horizontal root steps (``root_dx``, ``root_dz``, the only rates in the motion vector) are divided
  by ``s`` (a slower dance covers the same floor in more frames); the joint rotations and the
  pelvis height are poses, not rates, and are only interpolated;
* the **phase** is the beat count interpolated at ``p_j`` (a beat at original frame ``k`` lands
  at window frame ``(k - start + 1) * s``, with the music's beat) and the beat period multiplied by
  ``s``, through :func:`dancekit.features.step_phase.phase_features`, the function generation uses.

At ``s`` = 1 every ``p_j`` is a whole frame and the window is exactly the unstretched one.
Only torch and numpy are needed, so it runs on a bare GPU machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from dancekit.features.step_phase import phase_features


@dataclass
class StepRhythm:
    """The beat grid of every frame of a step store: its beat count and beat period, per song the meter.

    Parameters
    ----------
    position : torch.Tensor [shape=(N,)]
        Beat count at each frame (:func:`dancekit.features.step_phase.beat_positions`).
    period : torch.Tensor [shape=(N,)]
        Seconds per beat at each frame.
    beats_per_bar : np.ndarray [shape=(S,)]
        Meter of each song.
    downbeat : np.ndarray [shape=(S,)]
        The beat that starts each song's first bar.
    """

    position: torch.Tensor
    period: torch.Tensor
    beats_per_bar: np.ndarray
    downbeat: np.ndarray

    def __post_init__(self):
        self.position = torch.as_tensor(self.position, dtype=torch.float32)
        self.period = torch.as_tensor(self.period, dtype=torch.float32, device=self.position.device)
        self.beats_per_bar = np.asarray(self.beats_per_bar, dtype=np.int64)
        self.downbeat = np.asarray(self.downbeat, dtype=np.int64)

    def subset(self, parts: list[slice], songs: list[int]) -> "StepRhythm":
        """The frames of ``parts`` and the songs ``songs`` (as :meth:`StepData.subset` takes them).

        Parameters
        ----------
        parts : list of slice
            Frame ranges in the store, one per song kept.
        songs : list of int
            Their song indices.

        Returns
        -------
        StepRhythm
        """
        return StepRhythm(torch.cat([self.position[p] for p in parts]), torch.cat([self.period[p] for p in parts]),
                          self.beats_per_bar[songs], self.downbeat[songs])

    def to(self, device) -> "StepRhythm":
        """The per-frame tensors on ``device``.

        Parameters
        ----------
        device : str or torch.device

        Returns
        -------
        StepRhythm
        """
        return StepRhythm(self.position.to(device), self.period.to(device), self.beats_per_bar, self.downbeat)


def draw_stretch(batch: int, tempo_range: tuple[float, float] | None, generator: torch.Generator,
                 device) -> torch.Tensor:
    """One stretch factor per window, log-uniform in ``tempo_range`` (all 1 without a range).

    Log-uniform: 15 % slower and 15 % faster are equally likely and equally far from the song.

    Parameters
    ----------
    batch : int
        Windows.
    tempo_range : tuple of float or None
        ``(lowest, highest)`` factor (0.85, 1.15: up to 15 % faster and slower).
    generator : torch.Generator
        Source of the draws, on ``device``.
    device : torch.device

    Returns
    -------
    torch.Tensor [shape=(batch,), dtype=float64]
    """
    if not tempo_range:
        return torch.ones(batch, dtype=torch.float64, device=device)
    lo, hi = math.log(tempo_range[0]), math.log(tempo_range[1])
    u = torch.rand(batch, generator=generator, device=device, dtype=torch.float64)
    return torch.exp(lo + (hi - lo) * u)


def window_span(length: int, tempo_range: tuple[float, float] | None) -> int:
    """Original frames a window of ``length`` frames may read (the fastest stretch reads the most).

    Parameters
    ----------
    length : int
        Frames per window.
    tempo_range : tuple of float or None

    Returns
    -------
    int
        ``length`` without a range, else ``ceil(length / lowest)``.
    """
    return length if not tempo_range else int(math.ceil(length / min(tempo_range)))


def window_positions(base: torch.Tensor, stretch: torch.Tensor, length: int) -> torch.Tensor:
    """Original store positions ``[B, length + 1]`` of a stretched window's frames (the first: the pose before).

    Parameters
    ----------
    base : torch.Tensor [shape=(B,)]
        Store index of each window's first frame.
    stretch : torch.Tensor [shape=(B,)]
        Each window's factor (:func:`draw_stretch`).
    length : int
        Frames per window.

    Returns
    -------
    torch.Tensor
        float64.
    """
    steps = torch.arange(length + 1, device=base.device, dtype=torch.float64)
    return (base.double() - 1)[:, None] + steps[None] / stretch[:, None]


def stretched_motion(motion: torch.Tensor, positions: torch.Tensor, stretch: torch.Tensor,
                     rate_zero: torch.Tensor | None) -> torch.Tensor:
    """Motion ``[B, P, D]`` at fractional store positions, its per-frame rates divided by the stretch.

    Parameters
    ----------
    motion : torch.Tensor [shape=(N, D)]
        The store's normalised motion.
    positions : torch.Tensor [shape=(B, P)]
        Where to read (:func:`window_positions`); never past the store's last frame.
    stretch : torch.Tensor [shape=(B,)]
    rate_zero : torch.Tensor [shape=(D,)] or None
        Normalised value of a zero rate for each component that is a per-frame rate, NaN for the
        others (:func:`rate_zero`); None: no component is a rate.

    Returns
    -------
    torch.Tensor
    """
    low = positions.floor()
    weight = (positions - low).float()[..., None]
    low = low.long()
    high = (low + 1).clamp(max=len(motion) - 1)
    out = torch.lerp(motion[low], motion[high], weight)  # weight 0 (no stretch): motion[low] exactly
    if rate_zero is not None:
        zero = rate_zero.to(out.device)
        rates = ~torch.isnan(zero)
        scaled = zero + (out - zero) / stretch.float()[:, None, None]
        out = torch.where(rates, scaled, out)
    return out


def window_phase(rhythm: StepRhythm, positions: torch.Tensor, stretch: torch.Tensor,
                 song: torch.Tensor) -> torch.Tensor:
    """Phase input ``[B, P, PHASE_DIM]`` of stretched window frames at store ``positions``.

    Parameters
    ----------
    rhythm : StepRhythm
        The store's beat grid, on the positions' device.
    positions : torch.Tensor [shape=(B, P)]
        Fractional store positions (:func:`window_positions`, without the pose before).
    stretch : torch.Tensor [shape=(B,)]
    song : torch.Tensor [shape=(B,)]
        Song index of each window.

    Returns
    -------
    torch.Tensor
        float32.
    """
    low = positions.floor()
    weight = positions - low
    low = low.long()
    high = (low + 1).clamp(max=len(rhythm.position) - 1)
    position = torch.lerp(rhythm.position[low].double(), rhythm.position[high].double(), weight)
    period = rhythm.period[low].double()
    device = positions.device
    meter = torch.as_tensor(rhythm.beats_per_bar, device=device)[song][:, None]
    downbeat = torch.as_tensor(rhythm.downbeat, device=device)[song][:, None]
    return phase_features(position, period, meter, downbeat, stretch[:, None]).to(device)


def rate_zero(normaliser: dict, rate_components: tuple[int, ...] = (0, 2)) -> torch.Tensor:
    """Normalised value of a zero rate per motion component (NaN where the component is not a rate).

    Parameters
    ----------
    normaliser : dict
        A min/max normaliser as :meth:`dancekit.motion.features.MotionNormalizer.to_dict` writes it
        (read here without importing the motion package).
    rate_components : tuple of int
        Components that are per-frame rates: the horizontal root steps ``root_dx`` and ``root_dz``
        of :mod:`dancekit.motion.features`.

    Returns
    -------
    torch.Tensor [shape=(D,), dtype=float32]
    """
    low, high = np.asarray(normaliser["low"], dtype=np.float64), np.asarray(normaliser["high"], dtype=np.float64)
    half = (high - low) / 2
    half = np.where(half > 1e-8, half, 1.0)  # as MotionNormalizer: a constant component maps to 0
    zero = np.full(len(low), np.nan)
    for k in (k for k in rate_components if k < len(low)):
        zero[k] = -(low[k] + high[k]) / 2 / half[k]
    return torch.as_tensor(zero, dtype=torch.float32)
