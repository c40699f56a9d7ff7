"""MIDI -> audio through a General MIDI soundfont, then a random production chain.

Why a production chain: the same MIDI through one soundfont always sounds like a cheap
keyboard; real records differ in EQ, dynamics, room and loudness, and a model must not learn
"dry GM piano" as a feature of any dance. Filters come from ``scipy.signal``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

from dancekit.synth import fluid
from dancekit.synth.song import SynthToolError

#: Soundfonts looked for, with their sampling weight (MuseScore's sf3 takes ~4 s to decode, once per process).
SOUNDFONTS: tuple[tuple[str, float], ...] = (
    ("/usr/share/sounds/sf2/FluidR3_GM.sf2", 0.4),
    ("/usr/share/sounds/sf2/TimGM6mb.sf2", 0.3),
    ("/usr/share/sounds/sf3/MuseScore_General.sf3", 0.3),
)
SOUNDFONT_ENV = "DANCEKIT_SOUNDFONTS"
ENGINE_ENV = "DANCEKIT_FLUIDSYNTH"  # "cli": the fluidsynth command, one process per song (the old way)


def available_soundfonts() -> list[tuple[str, float]]:
    """Installed soundfonts (``$DANCEKIT_SOUNDFONTS``, os.pathsep-separated, overrides the defaults)."""
    env = os.environ.get(SOUNDFONT_ENV)
    cands = [(p, 1.0) for p in env.split(os.pathsep) if p] if env else list(SOUNDFONTS)
    found = [(p, w) for p, w in cands if Path(p).is_file()]
    if not found:
        raise SynthToolError("no General MIDI soundfont found: install 'fluid-soundfont-gm' (or set DANCEKIT_SOUNDFONTS)")
    return found


def fluidsynth(midi: Path, soundfont: str, sr: int, gain: float) -> np.ndarray:
    """Render ``midi`` dry (no built-in reverb/chorus: we add our own) to float32 stereo.

    In-process through libfluidsynth (:mod:`dancekit.synth.fluid`); ``$DANCEKIT_FLUIDSYNTH=cli``,
    or a libfluidsynth that will not load, runs the ``fluidsynth`` command instead. Both give the
    same samples (sf3: within 1e-5, see :mod:`~dancekit.synth.fluid`), rounded to 16 bits as the
    command's WAV file always was.

    Parameters
    ----------
    midi : Path
        The MIDI file to play.
    soundfont : str
        The soundfont file.
    sr : int
        Sample rate of the result.
    gain : float
        Synthesiser gain (a random level per clip).

    Returns
    -------
    np.ndarray
        float32 stereo ``[frames, 2]``.
    """
    audio = None
    if os.environ.get(ENGINE_ENV) != "cli":
        try:
            audio = _pcm16(fluid.render(midi.read_bytes(), soundfont, sr, gain=float(f"{gain:.3f}")))
        except fluid.FluidUnavailable:
            pass
        except fluid.FluidError as err:
            raise SynthToolError(f"fluidsynth failed on {Path(soundfont).name}: {err}") from None
    if audio is None:
        audio = _fluidsynth_command(midi, soundfont, midi.with_suffix(".wav"), sr, gain)
    if not audio.any():  # a file that is no MIDI, or a soundfont without its instruments
        raise SynthToolError(f"fluidsynth failed on {Path(soundfont).name}: {midi.name} plays only silence")
    return audio


def _pcm16(stereo: np.ndarray) -> np.ndarray:
    """Round as libsndfile did when the command wrote 16-bit WAV (clipped), so a seed keeps its audio."""
    raw = io.BytesIO()
    sf.write(raw, np.clip(stereo, -1.0, 32767 / 32768), 8000, format="RAW", subtype="PCM_16")
    return np.frombuffer(raw.getbuffer(), "<i2").reshape(-1, 2).astype(np.float32) / np.float32(32768)


def _fluidsynth_command(midi: Path, soundfont: str, out_wav: Path, sr: int, gain: float) -> np.ndarray:
    if shutil.which("fluidsynth") is None:
        raise SynthToolError("fluidsynth not found: install the Debian/Ubuntu package 'fluidsynth'")
    cmd = ["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-g", f"{gain:.3f}", "-r", str(sr),
           "-o", "synth.dynamic-sample-loading=1", "-F", str(out_wav), soundfont, str(midi)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not out_wav.exists():
        raise SynthToolError(f"fluidsynth failed on {Path(soundfont).name}: {proc.stderr.strip()[:200]}")
    audio, _ = sf.read(out_wav, dtype="float32", always_2d=True)
    return audio


def _shelf(x: np.ndarray, sr: int, freq: float, gain_db: float, high: bool) -> np.ndarray:
    """RBJ-cookbook shelving filter (S = 1)."""
    a = 10 ** (gain_db / 40.0)
    w0 = 2 * np.pi * freq / sr
    cos, alpha = np.cos(w0), np.sin(w0) / 2 * np.sqrt(2)
    sq = 2 * np.sqrt(a) * alpha
    s = -1 if high else 1
    b = [a * ((a + 1) - s * (a - 1) * cos + sq), s * 2 * a * ((a - 1) - s * (a + 1) * cos), a * ((a + 1) - s * (a - 1) * cos - sq)]
    den = [(a + 1) + s * (a - 1) * cos + sq, -s * 2 * ((a - 1) + s * (a + 1) * cos), (a + 1) + s * (a - 1) * cos - sq]
    return signal.lfilter(b, den, x).astype(np.float32)


def room_impulse(sr: int, rt60: float, rng: np.random.Generator, predelay: float = 0.01) -> np.ndarray:
    """Synthetic room: a few early reflections and exponentially decaying noise (60 dB in ``rt60`` s).

    Parameters
    ----------
    sr : int
        Sample rate.
    rt60 : float
        Reverberation time in seconds.
    rng : np.random.Generator
        Draws the reflections and the tail.
    predelay : float
        Seconds between the direct sound and the tail.

    Returns
    -------
    np.ndarray
        The impulse response, direct sound first.
    """
    n = int(sr * min(rt60 * 1.2, 3.0))
    t = np.arange(n) / sr
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    tail = signal.lfilter([1.0], [1.0, -0.4], tail)  # air absorbs highs
    ir = np.zeros(n + int(predelay * sr))
    ir[0] = 1.0
    ir[int(predelay * sr):] += 0.3 * tail / (np.abs(tail).max() + 1e-9)
    for _ in range(int(rng.integers(3, 8))):
        ir[int(rng.uniform(0.003, 0.05) * sr)] += rng.uniform(0.1, 0.5) * rng.choice([-1, 1])
    return (ir / np.sqrt((ir**2).sum())).astype(np.float32)


def reverb(x: np.ndarray, sr: int, rt60: float, wet: float, rng: np.random.Generator) -> np.ndarray:
    """``x`` in a synthetic room (:func:`room_impulse`), mixed dry/wet, same length.

    Parameters
    ----------
    x : np.ndarray
        Mono samples.
    sr : int
        Sample rate.
    rt60 : float
        Reverberation time of the room in seconds.
    wet : float
        Share of the reverberated signal in the mix, in [0, 1].
    rng : np.random.Generator
        Draws the room.

    Returns
    -------
    np.ndarray
        float32.
    """
    wet_sig = signal.fftconvolve(x, room_impulse(sr, rt60, rng))[: len(x)]
    return ((1 - wet) * x + wet * wet_sig).astype(np.float32)


def normalise(x: np.ndarray, rms_dbfs: float, peak: float = 0.98) -> np.ndarray:
    """Scale ``x`` to an RMS level, then down if its peak would pass ``peak``.

    Parameters
    ----------
    x : np.ndarray
        Samples.
    rms_dbfs : float
        Target RMS in dB relative to full scale.
    peak : float
        Largest absolute sample allowed.

    Returns
    -------
    np.ndarray
        float32.
    """
    rms = np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-12
    y = x * (10 ** (rms_dbfs / 20) / rms)
    top = np.abs(y).max()
    return (y * (peak / top) if top > peak else y).astype(np.float32)


def produce(stereo: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Mono mix with random EQ, drive, reverb and loudness; returns audio and what was done.

    Parameters
    ----------
    stereo : np.ndarray
        ``[frames, 2]`` from :func:`fluidsynth`.
    sr : int
        Its sample rate.
    rng : np.random.Generator
        Draws pan, EQ, drive, reverb and level.

    Returns
    -------
    audio : np.ndarray
        Mono float32.
    settings : dict
        What was drawn.
    """
    pan = rng.uniform(0.3, 0.7)
    x = (pan * stereo[:, 0] + (1 - pan) * stereo[:, 1]).astype(np.float32)
    fx = {"low_shelf_db": rng.uniform(-6, 8), "high_shelf_db": rng.uniform(-9, 5),
          "drive": rng.uniform(1.0, 3.0) if rng.random() < 0.5 else 1.0,
          "rt60": rng.uniform(0.3, 2.2), "wet": rng.uniform(0.0, 0.35) if rng.random() < 0.8 else 0.0,
          "rms_dbfs": rng.uniform(-22, -14)}
    x = _shelf(x, sr, rng.uniform(80, 250), fx["low_shelf_db"], high=False)
    x = _shelf(x, sr, rng.uniform(2500, 7000), fx["high_shelf_db"], high=True)
    if fx["drive"] > 1.0:  # a soft-knee "mastering" compressor stand-in
        x = normalise(x, -18.0)
        x = (np.tanh(fx["drive"] * x) / np.tanh(fx["drive"])).astype(np.float32)
    if fx["wet"] > 0:
        x = reverb(x, sr, fx["rt60"], fx["wet"], rng)
    return normalise(x, fx["rms_dbfs"]), {k: round(float(v), 3) for k, v in fx.items()}
