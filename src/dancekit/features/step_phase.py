"""Where each motion frame falls in the music's beat and bar: the phase input of a phase-aware step generator.

Why: the step generator of paper 5 hears the beat only through 33 ms power patches, and version 2
of the shipped model learnt the one waltz tempo of its training songs instead of following the
song (the bar-depth test passed on 7 of 14 held-out songs, but on 3 and 4 with the music played
8 % slower or faster). A phase input is one the network cannot mishear: per 30 fps frame,

* ``sin``/``cos`` of the **beat phase** (0 on a beat, 0.5 halfway to the next),
* ``sin``/``cos`` of the **bar phase** ((beat number in the bar + beat phase) / beats per bar),
* ``log2`` of the **beat period** over 0.5 s (120 BPM at 0; a waltz's 0.69 s is +0.46), so the
  network knows how fast the phase turns without differencing it itself.

Sine and cosine make the phase continuous across the wrap at 1; the tempo term is a log so that
8 % slower and 8 % faster are equally far from the nominal. Five numbers per frame, cheap.

The beats and the meter come from :mod:`dancekit.rhythm` (:func:`music_grid`). That module finds
no downbeat, so :func:`downbeat_offset` puts the bar's first beat on the beat position (mod the
meter) with the strongest mean onset: the accent a bass note or chord change puts on "one". The
bar-depth test does not depend on that choice (its statistic is the same whichever beat starts
the bar), but a network that learns to step on "one" needs the same beat called "one" in every
song. Between beats the phase runs linearly; before the first and after the last beat the grid is
extended at its edge tempo, so every frame has a phase.

Look-ahead: a beat tracker needs the whole song (it is a global dynamic programme over the onset
envelope), so generation analyses the song first and then streams the frames
(:mod:`dancekit.motion.generate`). Training reads the same numbers from the prepared file, where
they were computed by the same functions on the whole song (:mod:`dancekit.motion.step_dataset`).

Only numpy and torch are imported at module level (the training machine has no audio stack);
:func:`music_grid` imports :mod:`dancekit.rhythm` when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

#: Numbers per frame (the network's ``phase_dim``).
PHASE_DIM = 5
#: What each of them is, in order (for model cards).
PHASE_NAMES = ("beat_sin", "beat_cos", "bar_sin", "bar_cos", "log2_beat_period_over_0.5s")
#: Beat period (s) at which the tempo feature is 0 (120 BPM).
REFERENCE_PERIOD = 0.5
#: The tempo feature is clipped to +/- this (0.125-2 s a beat: 30-480 BPM).
TEMPO_CLIP = 2.0


@dataclass
class BeatGrid:
    """The beats of a song, its meter and which beat starts a bar: all the phase input needs.

    Parameters
    ----------
    beats : np.ndarray [shape=(K,)]
        Beat times in seconds, increasing.
    beats_per_bar : int
        The meter (3 or 4 from :mod:`dancekit.rhythm`).
    downbeat : int
        Index of the first beat that starts a bar (0 .. ``beats_per_bar`` - 1).
    """

    beats: np.ndarray
    beats_per_bar: int
    downbeat: int = 0

    def __post_init__(self):
        self.beats = np.asarray(self.beats, dtype=np.float64).ravel()
        self.beats_per_bar = max(int(self.beats_per_bar), 1)
        self.downbeat = int(self.downbeat) % self.beats_per_bar

    @property
    def usable(self) -> bool:
        """Whether the grid has the two beats a phase needs (a song with no steady beat has not).

        Returns
        -------
        bool
        """
        return len(self.beats) >= 2 and bool(np.all(np.diff(self.beats) > 0))

    def stretched(self, factor: float, anchor: float = 0.0) -> "BeatGrid":
        """The grid of the same music played ``factor`` times slower, time scaled about ``anchor``.

        Parameters
        ----------
        factor : float
            1.08: 8 % slower.
        anchor : float
            The time (s) that stays put.

        Returns
        -------
        BeatGrid
        """
        return BeatGrid(anchor + (self.beats - anchor) * factor, self.beats_per_bar, self.downbeat)


def beat_positions(times, beats) -> tuple[np.ndarray, np.ndarray]:
    """The beat count at each time (2.25: a quarter past the third beat) and the beat period there.

    Linear between beats; before the first and after the last beat, extended at the tempo of the
    first and last beat interval.

    Parameters
    ----------
    times : array_like
        Times in seconds, any shape.
    beats : array_like [shape=(K,)]
        Beat times, increasing, at least two.

    Returns
    -------
    position : np.ndarray
        Beats since the first beat (negative before it), shaped as ``times``.
    period : np.ndarray
        Seconds per beat in the interval each time falls in.
    """
    t = np.asarray(times, dtype=np.float64)
    b = np.asarray(beats, dtype=np.float64)
    index = np.clip(np.searchsorted(b, t, side="right") - 1, 0, len(b) - 2)
    period = b[index + 1] - b[index]
    return index + (t - b[index]) / period, period


def phase_features(position, period, beats_per_bar, downbeat=0, stretch=1.0) -> torch.Tensor:
    """The ``PHASE_DIM`` phase numbers of frames at given beat positions: see the module docstring.

    The training windows of tempo augmentation call this with interpolated positions and
    ``stretch``; generation with the positions of :func:`beat_positions`. One function for both.

    Parameters
    ----------
    position : torch.Tensor or np.ndarray
        Beat count at each frame (:func:`beat_positions`), any shape.
    period : torch.Tensor or np.ndarray
        Seconds per beat at each frame, as ``position``.
    beats_per_bar, downbeat : int or torch.Tensor
        The meter and the beat that starts the first bar; tensors broadcast against ``position``
        (one per song of a batch: shape ``[B, 1]``).
    stretch : float or torch.Tensor
        The music plays this many times slower than the positions were measured at: the period
        is multiplied by it (the phase itself moves with the music).

    Returns
    -------
    torch.Tensor [shape=(*position.shape, PHASE_DIM), dtype=float32]
    """
    position = torch.as_tensor(position, dtype=torch.float64)
    device = position.device
    period = torch.as_tensor(period, dtype=torch.float64, device=device) * torch.as_tensor(stretch, device=device)
    m = torch.as_tensor(beats_per_bar, device=device)
    whole = torch.floor(position)
    beat = position - whole
    bar = (torch.remainder(whole - torch.as_tensor(downbeat, device=device), m) + beat) / m
    tempo = torch.log2(period.clamp_min(1e-6) / REFERENCE_PERIOD).clamp(-TEMPO_CLIP, TEMPO_CLIP)
    turn = 2 * np.pi
    return torch.stack([torch.sin(turn * beat), torch.cos(turn * beat), torch.sin(turn * bar), torch.cos(turn * bar),
                        tempo], dim=-1).float()


def frame_phase(grid: BeatGrid | None, n_frames: int, first_frame: int = 0, fps: float = 30.0,
                offset_s: float = 0.0) -> torch.Tensor:
    """Phase input ``[n_frames, PHASE_DIM]`` of motion frames ``first_frame ...`` of a song.

    Frame ``i`` is at ``offset_s + i / fps`` seconds of the grid's clock (the start of its audio
    patch). Without a usable grid (no steady beat found) every number is 0: no phase, the
    reference tempo.

    Parameters
    ----------
    grid : BeatGrid or None
        The song's beats.
    n_frames : int
        Frames wanted.
    first_frame : int
        Index of the first of them (streaming asks chunk by chunk).
    fps : float
        Motion frame rate.
    offset_s : float
        Song time of frame 0 (a dance that starts into its song).

    Returns
    -------
    torch.Tensor
        float32.
    """
    if grid is None or not grid.usable:
        return torch.zeros(n_frames, PHASE_DIM)
    times = offset_s + np.arange(first_frame, first_frame + n_frames) / fps
    position, period = beat_positions(times, grid.beats)
    return phase_features(position, period, grid.beats_per_bar, grid.downbeat)


def downbeat_offset(onset_envelope: np.ndarray, beat_frames: np.ndarray, beats_per_bar: int) -> int:
    """Which beat (mod the meter) starts a bar: the bar position with the strongest mean onset.

    Parameters
    ----------
    onset_envelope : np.ndarray
        One onset strength per frame.
    beat_frames : np.ndarray
        Beat frame indices into it.
    beats_per_bar : int
        The meter.

    Returns
    -------
    int
        0 .. ``beats_per_bar`` - 1; 0 when there are fewer beats than a bar.
    """
    env = np.asarray(onset_envelope, dtype=np.float64)
    frames = np.clip(np.asarray(beat_frames, dtype=np.int64), 0, len(env) - 1)
    m = max(int(beats_per_bar), 1)
    if len(frames) < m or len(env) == 0:
        return 0
    strength = [env[frames[j::m]].mean() for j in range(m)]
    return int(np.argmax(strength))


def music_grid(y: np.ndarray, sr: int) -> BeatGrid:
    """The beat grid of a whole recording by :func:`dancekit.rhythm.analyze`, with its downbeat.

    The same analysis as ``analyze(y, sr)`` (its mel spectrogram and onset envelope are made here
    and passed in, so the onset envelope is at hand for :func:`downbeat_offset`).

    Parameters
    ----------
    y : np.ndarray
        Mono samples.
    sr : int
        Their rate in Hz.

    Returns
    -------
    BeatGrid
        Beat times in seconds of ``y`` (none for a recording shorter than two analysis hops).
    """
    from dancekit.audio.samples import from_array
    from dancekit.rhythm import analyze, mel_db, onset_envelope
    from dancekit.rhythm.onsets import HOP_LENGTH, SR

    samples = from_array(np.asarray(y), sr, SR)
    if len(samples) < 2 * HOP_LENGTH:  # too short for a beat: no phase (analyze would refuse it)
        return BeatGrid(np.zeros(0), 4)
    mel = mel_db(samples)
    env = onset_envelope(S=mel, sr=SR, hop_length=HOP_LENGTH)
    rhythm = analyze(S=mel, onset_envelope=env, sr=SR, hop_length=HOP_LENGTH)
    frames = np.round(rhythm.beats * SR / HOP_LENGTH).astype(np.int64)
    return BeatGrid(rhythm.beats, rhythm.beats_per_bar, downbeat_offset(env, frames, rhythm.beats_per_bar))
