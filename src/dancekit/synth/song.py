"""A random song for one dance, written as an MMA file and compiled to MIDI.

Why: the musical content (key, harmony, melody, arrangement, song form) must vary
independently of the label, so that only tempo, meter and groove carry the dance. Everything
is drawn from one ``numpy.random.Generator``, so a seed fixes the song exactly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dancekit.errors import DancekitError
from dancekit.synth.grooves import GrooveFamily

NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
_SOLO_NAMES = ("c", "c#", "d", "e&", "e", "f", "f#", "g", "a&", "a", "b&", "b")
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)  # natural minor; V7 chords add the leading tone

#: Progressions as (semitones above the tonic, chord suffix), one chord per bar.
MAJOR_PROGRESSIONS = (
    ((0, ""), (9, "m"), (2, "m7"), (7, "7")),
    ((0, ""), (5, ""), (7, "7"), (0, "")),
    ((0, ""), (7, ""), (9, "m"), (5, "")),
    ((2, "m7"), (7, "7"), (0, "M7"), (0, "M7")),
    ((0, ""), (4, "m"), (5, ""), (7, "7")),
    ((0, ""), (0, ""), (5, ""), (7, "7")),
    ((0, "6"), (9, "m7"), (2, "m7"), (7, "7"), (4, "m7"), (9, "7"), (2, "m7"), (7, "7")),
    ((5, ""), (7, ""), (4, "m"), (9, "m")),
)
MINOR_PROGRESSIONS = (
    ((0, "m"), (5, "m"), (7, "7"), (0, "m")),
    ((0, "m"), (8, ""), (3, ""), (10, "")),
    ((0, "m"), (10, ""), (8, ""), (7, "7")),  # Andalusian cadence (paso doble, tango)
    ((0, "m"), (5, "m"), (10, "7"), (3, "M7")),
    ((0, "m"), (2, "m7b5"), (7, "7"), (0, "m")),
    ((0, "m"), (0, "m"), (7, "7"), (7, "7")),
)
#: Probability of a minor key per dance (real tangos and paso dobles lean minor).
MINOR_PROBABILITY = {"Tango": 0.7, "Paso Doble": 0.6, "Rumba": 0.5, "Cha Cha Cha": 0.4, "Samba": 0.3}

#: Lead instruments that sound more like a singer than a keyboard does.
LEAD_VOICES = ("VoiceOohs", "ChoirAahs", "SynthVox", "SoloVoice", "AltoSax", "TenorSax", "SopranoSax",
               "Violin", "Flute", "Trumpet", "MutedTrumpet", "Clarinet", "Accordion", "Bandoneon",
               "Harmonica", "Oboe", "Fiddle", "Trombone", "Vibraphone", "JazzGuitar", "CleanGuitar")
CHORD_VOICES = ("Piano1", "Piano2", "EPiano", "RhodesPiano", "Strings", "SlowStrings", "Organ1", "Organ3",
                "NylonGuitar", "CleanGuitar", "JazzGuitar", "WarmPad", "SynthStrings1", "BrassSection", "Accordion")
BASS_VOICES = ("FingeredBass", "AcousticBass", "PickedBass", "FretlessBass", "SynthBass1", "SlapBass1")
_DURATIONS = {0.5: "8", 1.0: "4", 1.5: "4.", 2.0: "2", 3.0: "2.", 4.0: "1"}
_RHYTHMS = {  # melody rhythms per bar, in MMA beats
    3: ((1, 1, 1), (2, 1), (1.5, 0.5, 1), (3,), (1, 0.5, 0.5, 1), (0.5, 0.5, 1, 1)),
    4: ((1, 1, 1, 1), (2, 2), (1.5, 0.5, 2), (1, 0.5, 0.5, 2), (0.5, 0.5, 1, 0.5, 0.5, 1), (4,),
        (1.5, 1.5, 1), (2, 1, 1), (1, 1, 2)),
    6: ((1.5, 1.5, 1.5, 1.5), (3, 3), (1, 0.5, 1, 0.5, 3), (3, 1.5, 1.5)),
}


class SynthToolError(DancekitError):
    """An external synthesis tool (mma, fluidsynth) is missing or failed."""


@dataclass
class Section:
    """A run of bars played with one groove.

    Parameters
    ----------
    groove : str
        MMA groove name.
    bars : int
        Length in bars.
    melody : bool
        A lead line plays over these bars.
    """
    groove: str
    bars: int
    melody: bool = False


@dataclass
class Song:
    """Everything MMA needs for one clip (drawn by :func:`random_song`, written by :func:`song_text`).

    Parameters
    ----------
    family : GrooveFamily
        The grooves.
    mma_tempo : float
        MMA's ``Tempo`` (dance BPM x the family's ``tempo_factor``).
    tonic : int
        Key as a pitch class, 0 = C.
    minor : bool
        Minor key.
    sections : list of Section
        The form, in order.
    progressions : list of tuple
        Chord progressions as ``(step, suffix)`` chords; each serves two sections in turn.
    lead_voice : str or None
        General MIDI voice of the melody (None: no melody).
    lead_octave : int
        Octave of the melody.
    chord_voice : str or None
        Voice that replaces the groove's chord instrument (None: keep it).
    bass_voice : str
        Voice of the bass line added to drums-only families.
    volumes : dict
        MMA track kind (``Drum``, ``Bass``, ...) -> volume in percent.
    melody_seed : int
        Seeds the melody and MMA's humanising, so the same song renders the same MIDI.
    """

    family: GrooveFamily
    mma_tempo: float
    tonic: int
    minor: bool
    sections: list[Section]
    progressions: list[tuple]
    lead_voice: str | None
    lead_octave: int
    chord_voice: str | None
    bass_voice: str
    volumes: dict[str, int] = field(default_factory=dict)
    melody_seed: int = 0

    @property
    def bars(self) -> int:
        """Bars in all sections."""
        return sum(s.bars for s in self.sections)

    def seconds(self) -> float:
        """Length of the song at its tempo, in seconds.

        Returns
        -------
        float
        """
        return self.bars * self.family.beats_per_bar * 60.0 / self.mma_tempo

    @property
    def key(self) -> str:
        """Key name, e.g. ``"F#m"``."""
        return NOTE_NAMES[self.tonic] + ("m" if self.minor else "")


def random_song(label: str, family: GrooveFamily, bpm: float, min_seconds: float, rng: np.random.Generator) -> Song:
    """Draw a song of at least ``min_seconds`` for ``label`` on ``family`` at ``bpm`` beats per minute.

    Parameters
    ----------
    label : str
        The dance (sets how likely a minor key is).
    family : GrooveFamily
        The grooves to play.
    bpm : float
        Dance tempo in beats per minute.
    min_seconds : float
        Shortest song length wanted.
    rng : np.random.Generator
        Draws key, form, voices and volumes.

    Returns
    -------
    Song
    """
    tempo = bpm * family.tempo_factor
    bar_s = family.beats_per_bar * 60.0 / tempo
    minor = bool(rng.random() < MINOR_PROBABILITY.get(label, 0.25))
    pool = MINOR_PROGRESSIONS if minor else MAJOR_PROGRESSIONS
    progressions = [pool[i] for i in rng.choice(len(pool), size=2, replace=len(pool) < 2)]
    sections: list[Section] = []
    if family.intro and rng.random() < 0.7:
        sections.append(Section(family.intro, int(rng.choice([2, 4]))))
    need_bars = int(np.ceil(min_seconds / bar_s))
    has_end = family.end is not None and rng.random() < 0.6
    while sum(s.bars for s in sections) < need_bars - (2 if has_end else 0):
        main = family.mains[0] if len(sections) % 2 == 0 or len(family.mains) == 1 else str(rng.choice(family.mains[1:]))
        block = int(rng.choice([4, 8, 8]))
        sections.append(Section(main, block - 1 if family.fill else block, melody=bool(rng.random() < 0.75)))
        if family.fill:
            sections.append(Section(family.fill, 1))
    if has_end:
        sections.append(Section(family.end, 2))
    volumes = {kind: int(rng.integers(55, 140)) for kind in ("Drum", "Bass", "Chord", "Arpeggio", "Walk", "Scale")}
    return Song(
        family=family, mma_tempo=round(float(tempo), 2), tonic=int(rng.integers(12)), minor=minor,
        sections=sections, progressions=progressions,
        lead_voice=str(rng.choice(LEAD_VOICES)) if rng.random() < 0.85 else None,
        lead_octave=int(rng.choice([4, 5, 5])),
        chord_voice=str(rng.choice(CHORD_VOICES)) if rng.random() < 0.35 else None,
        bass_voice=str(rng.choice(BASS_VOICES)), volumes=volumes,
        melody_seed=int(rng.integers(2**31)),
    )


def _chord_name(tonic: int, step: int, suffix: str) -> str:
    return NOTE_NAMES[(tonic + step) % 12] + suffix


def _chord_tones(step: int, suffix: str) -> tuple[int, ...]:
    third = 3 if suffix.startswith("m") and not suffix.startswith("M") else 4
    fifth = 6 if "b5" in suffix else 7
    return tuple((step + t) % 12 for t in (0, third, fifth))


def _melody_bar(rng, beats: int, tones: tuple[int, ...], scale: tuple[int, ...], prev: int) -> tuple[str, int]:
    """One bar of a singable line: chord tones on strong beats, steps in between, a rest now and then."""
    rhythm = _RHYTHMS.get(beats, _RHYTHMS[4])[rng.integers(len(_RHYTHMS.get(beats, _RHYTHMS[4])))]
    notes, t = [], 0.0
    for dur in rhythm:
        strong = float(t).is_integer() and int(t) % 2 == 0
        if rng.random() < 0.1 and t > 0:
            notes.append(f"{_DURATIONS[dur]}r")
        else:
            pool = tones if strong else scale
            cands = [p + 12 * o for p in pool for o in (0, 1) if 0 <= p + 12 * o <= 17]
            cands.sort(key=lambda p: abs(p - prev) + 3 * (p == prev) + rng.random() * 4)
            prev = cands[0] if rng.random() < 0.7 else cands[min(len(cands) - 1, 1 + rng.integers(3))]
            octave = "+" if prev >= 12 else ""
            notes.append(f"{_DURATIONS[dur]}{_SOLO_NAMES[prev % 12]}{octave}")
        t += dur
    return "{" + ";".join(notes) + ";}", prev


def song_text(song: Song) -> str:
    """The MMA source of ``song``.

    Parameters
    ----------
    song : Song
        The song to write out.

    Returns
    -------
    str
    """
    fam = song.family
    rng = np.random.default_rng(song.melody_seed)
    scale = tuple((song.tonic + s) % 12 for s in (_MINOR if song.minor else _MAJOR))
    # RndSeed: MMA humanises (RTime, RVolume, ...) with Python's random module, unseeded by default
    lines = [f"// dancekit synth: {fam.file}", f"RndSeed {song.melody_seed}", f"Tempo {song.mma_tempo}", f"Use {fam.file}"]
    if song.lead_voice:
        lines += [f"Solo Voice {song.lead_voice}", f"Solo Octave {song.lead_octave}",
                  f"Solo Volume {int(rng.integers(80, 130))}", "Solo Articulate 90", "Solo Rvolume 10"]
    bar, prev = 1, 5
    for i, sec in enumerate(song.sections):
        lines.append(f"Groove {sec.groove}")
        lines += _track_settings(song, fam)
        prog = song.progressions[(i // 2) % len(song.progressions)]
        for j in range(sec.bars):
            step, suffix = prog[j % len(prog)]
            chord = _chord_name(song.tonic, step, suffix)
            line = f"{bar} {chord}"
            if sec.melody and song.lead_voice:
                tones = tuple((song.tonic + t) % 12 for t in _chord_tones(step, suffix))
                riff, prev = _melody_bar(rng, fam.beats_per_bar, tones, scale, prev)
                line += " " + riff
            lines.append(line)
            bar += 1
    return "\n".join(lines) + "\n"


def _track_settings(song: Song, fam: GrooveFamily) -> list[str]:
    out = [f"AllTracks {kind} Volume {vol}" for kind, vol in song.volumes.items() if kind != "Drum"]
    out.append(f"AllTracks Drum Volume {song.volumes['Drum']}")
    out.append("AllTracks RVolume 8")
    if song.chord_voice:
        out.append(f"AllTracks Chord Voice {song.chord_voice}")
    if fam.drums_only:  # zoom patterns are drums only: give them a bass line and a comping part
        if fam.beats_per_bar == 3:
            bass, chord = "{1 4 1 90; 3 4 5 70}", "{2 4 70; 3 4 70}"
        else:
            bass, chord = "{1 4 1 90; 2.5 8 1 70; 3 4 5 80; 4.5 8 5 60}", "{1 8 75; 2.5 8 70; 4 8 70}"
        out += [f"Begin Bass-Syn\n Voice {song.bass_voice}\n Octave 3\n Sequence {bass}\n Volume {song.volumes['Bass']}\nEnd",
                f"Begin Chord-Syn\n Voice {song.chord_voice or 'Piano1'}\n Octave 5\n Sequence {chord}\n Volume {song.volumes['Chord']}\nEnd"]
    return out


def compile_midi(text: str, workdir: Path) -> Path:
    """Run ``mma`` on ``text`` in ``workdir``; return the MIDI file.

    Parameters
    ----------
    text : str
        MMA source, from :func:`song_text`.
    workdir : Path
        A scratch folder.

    Returns
    -------
    Path
        ``workdir / "song.mid"``.
    """
    if shutil.which("mma") is None:
        raise SynthToolError("mma not found: install the Debian/Ubuntu package 'mma'")
    src, mid = workdir / "song.mma", workdir / "song.mid"
    src.write_text(text)
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # MMA iterates over dicts/sets; keep its output reproducible
    proc = subprocess.run(["mma", "-f", str(mid), str(src)], capture_output=True, text=True, cwd=workdir, env=env)
    errors = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.startswith("Error")]
    if proc.returncode != 0 or errors or not mid.exists():
        raise SynthToolError(f"mma failed: {errors[0] if errors else proc.returncode}")
    return mid
