"""Make a clean clip sound like a phone recording in a dance hall.

Why: paper 1 (Table V) shows that training on degraded copies matters for recordings made in
the room. Everything is synthesised from shaped noise (no real recordings): crowd babble,
hand claps, dancers' steps (near the beat, as dancers step on it), a hall's echo, a phone's
band limit, automatic-gain pumping, clipping and sensor noise.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from dancekit.synth.render import normalise, reverb


def _band(x, sr, lo, hi, order=2):
    sos = signal.butter(order, [lo, min(hi, 0.45 * sr)], btype="band", fs=sr, output="sos")
    return signal.sosfilt(sos, x)


def _babble(n, sr, rng):
    """Crowd voices: band-passed noise with syllable-rate (3-7 Hz) envelopes, a few talkers."""
    out = np.zeros(n)
    t = np.arange(n) / sr
    for _ in range(int(rng.integers(2, 7))):
        f0 = rng.uniform(300, 1200)
        voice = _band(rng.standard_normal(n), sr, f0 * 0.5, f0 * 2.5)
        env = np.clip(np.sin(2 * np.pi * rng.uniform(3, 7) * t + rng.uniform(0, 6)), 0, None) ** 2
        env *= np.clip(np.sin(2 * np.pi * rng.uniform(0.05, 0.3) * t + rng.uniform(0, 6)), 0, None)
        out += voice * env * rng.uniform(0.3, 1.0)
    return out


def _bursts(n, sr, times, dur, lo, hi, rng):
    out = np.zeros(n)
    m = int(dur * sr)
    shape = np.exp(-np.arange(m) / (0.25 * m))
    for t in times:
        i = int(t * sr)
        if 0 <= i < n - m:
            out[i:i + m] += rng.uniform(0.4, 1.0) * shape * _band(rng.standard_normal(m), sr, lo, hi)
    return out


def degrade(x: np.ndarray, sr: int, bpm: float, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """A phone-in-the-hall copy of ``x``; returns audio and its settings.

    Hall reverb, crowd noise, claps and steps on the beat, phone band limit, clipping and noise, each
    drawn at random.

    Parameters
    ----------
    x : np.ndarray
        Mono float samples.
    sr : int
        Their sample rate.
    bpm : float
        Tempo of the music, so claps and steps fall on its beats.
    rng : np.random.Generator
        Draws every setting.

    Returns
    -------
    audio : np.ndarray
        float32, same length as ``x``.
    settings : dict
        What was drawn (for the manifest and for debugging).
    """
    n, dur = len(x), len(x) / sr
    beat = 60.0 / bpm
    phase = rng.uniform(0, beat)
    fx = {"hall_rt60": rng.uniform(0.8, 2.5), "hall_wet": rng.uniform(0.2, 0.6),
          "crowd_db": rng.uniform(-25, -8), "claps": bool(rng.random() < 0.4), "steps": bool(rng.random() < 0.6),
          "phone_band": bool(rng.random() < 0.5), "lowpass_hz": rng.uniform(3000, 8000),
          "clip_gain": rng.uniform(1.0, 4.0) if rng.random() < 0.4 else 1.0, "noise_db": rng.uniform(-50, -30)}
    y = reverb(x, sr, fx["hall_rt60"], fx["hall_wet"], rng).astype(np.float64)
    ref = np.sqrt(np.mean(y**2)) + 1e-9
    extra = _babble(n, sr, rng)
    extra *= ref * 10 ** (fx["crowd_db"] / 20) / (np.sqrt(np.mean(extra**2)) + 1e-9)
    if fx["claps"]:  # clapping along on every other beat, loosely
        times = phase + np.arange(0, dur, 2 * beat) + rng.normal(0, 0.02, int(np.ceil(dur / (2 * beat))))
        extra += ref * rng.uniform(1, 4) * _bursts(n, sr, times, 0.03, 1000, 5000, rng)
    if fx["steps"]:  # heels and shoes near the beats
        times = phase + np.arange(0, dur, beat) + rng.normal(0, 0.04, int(np.ceil(dur / beat)))
        times = times[rng.random(len(times)) < 0.6]
        extra += ref * rng.uniform(1, 4) * _bursts(n, sr, times, 0.06, 60, 400, rng)
    y = y + reverb(extra.astype(np.float32), sr, fx["hall_rt60"], 0.5, rng)
    y = _band(y, sr, 300, 3400, 4) if fx["phone_band"] else signal.sosfilt(
        signal.butter(4, [120, fx["lowpass_hz"]], btype="band", fs=sr, output="sos"), y)
    t = np.arange(n) / sr  # automatic gain control and moving phone: slow level changes
    y *= 10 ** (rng.uniform(2, 6) * np.sin(2 * np.pi * rng.uniform(0.02, 0.15) * t + rng.uniform(0, 6)) / 20)
    y = normalise(y.astype(np.float32), -16.0).astype(np.float64)
    y = np.clip(y * fx["clip_gain"], -1.0, 1.0)
    y += rng.standard_normal(n) * 10 ** (fx["noise_db"] / 20)
    out = normalise(y.astype(np.float32), rng.uniform(-24, -14))
    return out, {k: (round(float(v), 3) if not isinstance(v, bool) else v) for k, v in fx.items()}


NOISE_KINDS = ("white", "crowd", "claps")


def hall_noise(kind: str, n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` samples of a dance hall's noise, for robustness tests and augmentation.

    Parameters
    ----------
    kind : {"white", "crowd", "claps"}
        White noise, crowd voices, or an audience clapping (about three claps a second at random).
    n : int
        Length in samples.
    sr : int
        Sample rate.
    rng : np.random.Generator
        Source of the noise.

    Returns
    -------
    np.ndarray
        Unscaled noise; the caller sets its level.
    """
    if kind == "white":
        return rng.standard_normal(n)
    if kind == "crowd":
        return _babble(n, sr, rng)
    if kind == "claps":
        times = np.sort(rng.uniform(0, n / sr, int(3 * n / sr)))
        return _bursts(n, sr, times, 0.03, 1000, 5000, rng)
    raise ValueError(f"unknown noise {kind!r}; choose from {', '.join(NOISE_KINDS)}")
