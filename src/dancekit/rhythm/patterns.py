"""Beat-synchronous accent patterns: what a dance's rhythm section plays, whatever it sounds like.

Why: a samba and a rumba both sit near 100 BPM, a paso doble and a cha-cha near 120; what tells
them apart is where the onsets fall inside the beat and the bar (samba's dotted "ba-ta", cha-cha's
"cha-cha-cha", jive's swung triplets, tango's staccato), in the kick, the snare and the hi-hat.
A spectrogram CNN trained on synthetic music also learns the synthesiser's timbre, which real
songs do not share; these patterns are measured on onset envelopes normalised per band and
resampled per beat, so timbre, loudness and tempo drop out (Dixon et al. 2004; Peeters 2011;
Marchand & Peeters 2014 build ballroom classifiers on the same idea).

The vector has three parts per band (all bands, low, mid, high):
  * the mean onset profile of one beat, ``SUBDIVISIONS`` points (sums to 1);
  * the magnitude spectrum of the mean 4-beat cycle, harmonics 1..8 over its mean (shift invariant:
    no downbeat needed);
  * the same for a 3-beat cycle, harmonics 1..6.
"""

from __future__ import annotations

import numpy as np

from dancekit.rhythm.tempo_candidates import band_envelopes

#: Points per beat: 12 holds both straight sixteenths (every 3rd) and triplets (every 4th).
SUBDIVISIONS = 12
#: Cycles (in beats) whose shift-invariant spectra are kept, and how many harmonics of each.
CYCLES = ((4, 8), (3, 6))
#: Beats needed for a pattern worth the name.
MIN_BEATS = 8
N_BANDS = 4
PATTERN_SIZE = N_BANDS * (SUBDIVISIONS + sum(h for _, h in CYCLES))


def beat_grid_profiles(envelope: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """The envelope resampled to ``SUBDIVISIONS`` points inside each beat interval.

    Parameters
    ----------
    envelope : np.ndarray
        ``(channels, frames)`` onset envelopes.
    beat_frames : np.ndarray
        Increasing beat positions in frames (may be fractional).

    Returns
    -------
    np.ndarray
        ``(beats - 1, channels, SUBDIVISIONS)``.
    """
    beats = np.asarray(beat_frames, dtype=float)
    starts, ends = beats[:-1], beats[1:]
    grid = starts[:, None] + (ends - starts)[:, None] * (np.arange(SUBDIVISIONS) / SUBDIVISIONS)[None, :]
    frames = np.arange(envelope.shape[1])
    return np.stack([np.interp(grid, frames, ch) for ch in envelope], axis=1)


def _cycle_spectrum(profiles: np.ndarray, beats_per_cycle: int, harmonics: int) -> np.ndarray:
    """Magnitude spectrum of the mean ``beats_per_cycle`` cycle, harmonics 1..h over the DC term."""
    n = (len(profiles) // beats_per_cycle) * beats_per_cycle
    if n < beats_per_cycle:
        return np.zeros((profiles.shape[1], harmonics))
    cycles = profiles[:n].reshape(n // beats_per_cycle, beats_per_cycle, profiles.shape[1], SUBDIVISIONS)
    cycle = cycles.mean(axis=0).transpose(1, 0, 2).reshape(profiles.shape[1], -1)
    spectrum = np.abs(np.fft.rfft(cycle, axis=1))
    return spectrum[:, 1:harmonics + 1] / np.maximum(spectrum[:, :1], 1e-9)


def rhythm_pattern(S: np.ndarray, beat_frames: np.ndarray, sr: int, hop_length: int,
                   onset_envelope: np.ndarray | None = None) -> np.ndarray:
    """The timbre- and tempo-free accent pattern of a recording (zeros when it has too few beats).

    Parameters
    ----------
    S : np.ndarray
        dB mel spectrogram ``(n_mels, frames)``, mel bands spanning 0 to ``sr / 2``.
    beat_frames : np.ndarray
        Beat positions in frames of ``S`` (from :func:`dancekit.rhythm.analyze`'s beats).
    sr, hop_length : int
        The frame grid.
    onset_envelope : np.ndarray, optional
        The all-band envelope, when already computed.

    Returns
    -------
    np.ndarray
        ``[PATTERN_SIZE]`` float32.
    """
    beats = np.asarray(beat_frames, dtype=float)
    if len(beats) < MIN_BEATS or S.shape[1] < 2:
        return np.zeros(PATTERN_SIZE, dtype=np.float32)
    bands = band_envelopes(S, sr, hop_length)
    if onset_envelope is None:
        onset_envelope = bands.mean(axis=0)
    env = np.vstack([np.asarray(onset_envelope, dtype=float)[None, : bands.shape[1]], bands])
    if env.shape[0] != N_BANDS:
        return np.zeros(PATTERN_SIZE, dtype=np.float32)
    env = env / np.maximum(env.mean(axis=1, keepdims=True), 1e-9)
    profiles = beat_grid_profiles(env, beats)
    mean_beat = profiles.mean(axis=0)
    mean_beat = mean_beat / np.maximum(mean_beat.sum(axis=1, keepdims=True), 1e-9)
    parts = [mean_beat] + [_cycle_spectrum(profiles, b, h) for b, h in CYCLES]
    return np.concatenate(parts, axis=1).reshape(-1).astype(np.float32)
