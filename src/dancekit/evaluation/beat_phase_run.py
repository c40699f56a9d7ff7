"""Do dancers and step generators keep their place in the beat and the bar? Beat-phase rows of Tang songs.

The dancers are tested on their songs (the sides in ``songs``); every model dances the songs of
``model_songs`` from their music (optionally played slower or faster, the beats scaled alike: a
model that follows the music still passes, one that keeps a learnt tempo fails) and is tested
against the same beats. See :mod:`dancekit.motion.beat_phase` for the test itself.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import librosa

from dancekit import audio
from dancekit.dances import dance_by_name
from dancekit.evaluation.beat_phase_report import beat_phase_row, other_song_grids
from dancekit.motion.beat_phase import BeatPhaseError
from dancekit.motion.beats import TANG_FEET, song_rhythm
from dancekit.motion.generate import generate_steps
from dancekit.motion.tang import load_tang_motion
from dancekit.motion.tang_songs import tang_motion_songs

FPS = 30
SAMPLE_RATE = 16000


@dataclass
class BeatPhaseOptions:
    """What a beat-phase run tests; the fields are those of the ``beatphase`` command.

    Parameters
    ----------
    songs : tuple of str
        Split sides whose dancers are tested.
    model_songs : tuple of str
        Split sides the models dance.
    seconds : float
        The first ``seconds`` of each dance (0: the whole danced span).
    tolerances : tuple of float
        Clock tolerances to test.
    meter : str
        ``rhythm``: beats per bar from :mod:`dancekit.rhythm`; ``dance``: from the song's dance.
    joints : str
        ``feet`` or ``all``: whose speed is tested.
    null : int
        Stretched null grids per test (at least 10).
    other_songs : bool
        Also test against other songs' beats of the same dance and tempo.
    stretch : float
        Play the music to the models this many times slower (0.5-2).
    limit : int, optional
        At most this many songs.
    """

    songs: tuple = ("test", "train")
    model_songs: tuple = ("test",)
    seconds: float = 60.0
    tolerances: tuple = (0.0, 0.04)
    meter: str = "rhythm"
    joints: str = "feet"
    null: int = 200
    other_songs: bool = False
    stretch: float = 1.0
    limit: int | None = None

    def __post_init__(self):
        if not 0.5 <= self.stretch <= 2.0:
            raise BeatPhaseError(f"--stretch must be between 0.5 and 2, got {self.stretch}")
        if self.null < 10:
            raise BeatPhaseError(f"--null needs at least 10 grids, got {self.null}")
        self.tolerances = tuple(sorted(set(self.tolerances)))

    def settings(self, models: dict) -> dict:
        """What the run did, for its results file.

        Parameters
        ----------
        models : dict
            Label -> model name or folder.

        Returns
        -------
        dict
        """
        return {"data": "Tang et al. 2018 'Dance with Melody' motion capture with its music",
                "split": "dancekit.data.tang.tang_split", "groups": list(self.songs),
                "model_groups": list(self.model_songs), "seconds": self.seconds or "whole danced span", "fps": FPS,
                "meter": self.meter, "joints": self.joints, "clock_tolerances": list(self.tolerances),
                "null_grids": self.null, "models": dict(models),
                "music_beats": "dancekit.rhythm.analyze of the whole song", "stretch": self.stretch,
                "generation": "the song's danced span (from config start) fed to dancekit.motion.generate"}


def _played_audio(clip, rhythm, stretch: float):
    """The danced span of the song at 16 kHz (stretched in time) and the beats it then has."""
    y = audio.load(clip.meta["audio"], sr=SAMPLE_RATE)
    first = int(round(clip.start_s * SAMPLE_RATE))
    danced = y[first:first + int(round(len(clip) / FPS * SAMPLE_RATE))]
    if stretch == 1.0:
        return danced, rhythm
    danced = librosa.effects.time_stretch(danced, rate=1.0 / stretch)
    return danced, replace(rhythm, beats=clip.start_s + (rhythm.beats - clip.start_s) * stretch)


def tang_beat_phase_rows(root: str | Path, models: list[tuple[str, object]], options: BeatPhaseOptions,
                         progress: Callable | None = None) -> list[dict]:
    """Beat-phase rows of the dancers and of every model on the Tang songs the options name.

    Parameters
    ----------
    root : str or Path
        The Tang dance folder.
    models : list of tuple
        ``(label, loaded step model)``.
    options : BeatPhaseOptions
    progress : callable, optional
        ``progress(items, desc=...)`` wraps the song lists (e.g. ``tqdm``).

    Returns
    -------
    list of dict
        Rows of :func:`dancekit.evaluation.beat_phase_report.beat_phase_row` with ``group`` (the
        song's side), ``seconds``, ``tempo_bpm`` and ``rhythm_beats_per_bar``.
    """
    wrap = progress or (lambda items, desc: items)
    every, split = tang_motion_songs(root)
    folders = [f for f in every if split[f.name] in options.songs][: options.limit]
    wanted = {f.name for f in (every if options.other_songs else folders)}  # other songs' nulls need every song
    joints = TANG_FEET if options.joints == "feet" else None
    rhythms, starts, dances, clips = {}, {}, {}, {}
    for folder in wrap([f for f in every if f.name in wanted], desc="music"):
        clip = load_tang_motion(folder)
        rhythms[folder.name], starts[folder.name], dances[folder.name] = song_rhythm(clip), clip.start_s, \
            clip.meta["dance"]
        clips[folder.name] = clip
    rows = []
    for folder in wrap(folders, desc="songs"):
        name, side = folder.name, split[folder.name]
        clip = clips[name].resampled(FPS)
        if options.seconds:
            clip = clip.cropped(0, int(options.seconds * FPS))
        rhythm = rhythms[name]
        meter = rhythm.beats_per_bar if options.meter == "rhythm" else dance_by_name(clip.meta["dance"]).beats_per_bar
        base = {"song": name, "dance": clip.meta["dance"], "group": side, "seconds": len(clip) / FPS,
                "tempo_bpm": float(rhythm.tempo_bpm), "rhythm_beats_per_bar": int(rhythm.beats_per_bar)}
        seed = zlib.crc32(name.encode())
        others = other_song_grids(name, rhythms, starts, dances, clip.start_s) if options.other_songs else None
        test = (meter, joints, options.tolerances, options.null, seed, others)
        rows.append(beat_phase_row(base, "Dancer", clip, rhythm, *test))
        if side not in options.model_songs:
            continue
        danced, played_rhythm = _played_audio(clip, rhythm, options.stretch)
        for label, model in models:
            known = model.card.classes if model.network.conditioned else []
            generated = generate_steps(danced, model=model, sample_rate=SAMPLE_RATE,
                                       dance=clip.meta["dance"] if clip.meta["dance"] in known else None)
            generated.start_s = clip.start_s
            rows.append(beat_phase_row(base, label, generated.cropped(0, len(clip)), played_rhythm, *test))
    return rows
