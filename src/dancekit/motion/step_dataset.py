"""Tang songs -> step-training songs: per 30 fps motion frame, the music's power patch and the pose.

Per song: the clean 16 kHz power patch of paper 5 (IV-B) as uint8 codes of 0.5 dB
(:func:`dancekit.features.step_audio.quantise_power`), the motion features normalised to [-1, 1] by
a normaliser fitted on the training songs, the dance, the signal power (the SNR reference) and the
side of :func:`dancekit.data.tang.tang_split`, and the song's beat grid at every frame (beat count,
beat period, meter and downbeat of :func:`dancekit.features.step_phase.music_grid` on the whole
song, the analysis generation repeats): the phase input and tempo augmentation need it. Optionally
each capture is first put back on its music's clock (:func:`dancekit.motion.beat_phase.capture_clock`). The result is written with
:func:`dancekit.training.step_data.write_step_dataset`.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Callable

import numpy as np

from dancekit import audio
from dancekit.dances import dance_by_name
from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.features import step_audio
from dancekit.features.step_phase import BeatGrid, beat_positions, music_grid
from dancekit.motion.beat_phase import capture_clock
from dancekit.motion.beats import TANG_FEET
from dancekit.motion.clip import MotionClip
from dancekit.motion.features import MotionNormalizer, motion_to_features
from dancekit.motion.tang import load_tang_motion
from dancekit.motion.tang_songs import tang_motion_songs
from dancekit.training.step_data import STEP_DANCES


class StepDatasetError(DancekitError):
    """The Tang folder gives no songs to train on."""

    exit_code = EXIT_USAGE


def danced_step_audio(clip: MotionClip, frames: int) -> np.ndarray:
    """The music under a clip's first ``frames`` frames at 16 kHz, peak-normalised over the whole song.

    Parameters
    ----------
    clip : MotionClip
        A Tang clip at 30 fps (``meta["audio"]`` names its song, ``start_s`` where the dance starts).
    frames : int
        Motion frames to cover.

    Returns
    -------
    ndarray
        Exactly the samples :func:`dancekit.features.step_audio.slice_power` needs for ``frames``
        frames (shorter where the song ends first).
    """
    y = audio.load(clip.meta["audio"], sr=step_audio.SAMPLE_RATE)
    y = y / max(float(np.abs(y).max()), 1e-12)
    first = int(round(clip.start_s * step_audio.SAMPLE_RATE))
    return y[first:first + int(step_audio.frame_starts(frames, 1)[0]) + step_audio.SPAN]


def song_grid(clip: MotionClip) -> BeatGrid:
    """The beat grid of the whole song a Tang clip belongs to (the analysis of ``song_rhythm``, with a downbeat).

    Parameters
    ----------
    clip : MotionClip
        Its ``meta["audio"]`` names the song.

    Returns
    -------
    BeatGrid
        Beat times on the song's clock.
    """
    return music_grid(audio.load(clip.meta["audio"], sr=22050), 22050)


def frame_beat_grid(grid: BeatGrid, clip: MotionClip, frames: int, name: str = "") -> dict:
    """The beat-grid arrays of a step-training song: beat count and period at each 30 fps frame, meter, downbeat.

    Frame ``i`` is at ``clip.start_s + i / 30`` on the song's clock (a re-timed clip's frames are).

    Parameters
    ----------
    grid : BeatGrid
        The song's beats (:func:`song_grid`).
    clip : MotionClip
        The clip at 30 fps (its ``start_s``).
    frames : int
        Frames of the song's training data.
    name : str
        The song, for the error.

    Returns
    -------
    dict
        ``beat_position``, ``beat_period`` [frames] float32, ``beats_per_bar``, ``downbeat``.

    Raises
    ------
    StepDatasetError
        The song has no steady beat.
    """
    if not grid.usable:
        raise StepDatasetError(f"{name or clip.meta.get('audio')}: no steady beat found, no phase to train on")
    position, period = beat_positions(clip.start_s + np.arange(frames) / step_audio.FPS, grid.beats)
    return {"beat_position": position.astype(np.float32), "beat_period": period.astype(np.float32),
            "beats_per_bar": grid.beats_per_bar, "downbeat": grid.downbeat}


def capture_clocks(clips: dict[str, MotionClip], progress: Callable | None = None,
                   beats: dict | None = None) -> dict[str, float | None]:
    """Each capture's clock ratio against its music's bars (None where the dancer's bars are not significant).

    Parameters
    ----------
    clips : dict
        Song name -> its Tang clip.
    progress : callable, optional
        ``progress(items, desc=...)`` wraps the song list (e.g. ``tqdm``).
    beats : dict, optional
        Song name -> its music's beat times (s, song clock), where already analysed; the others are
        analysed here.

    Returns
    -------
    dict
        Song name -> clock ratio or None.
    """
    names = list(clips)
    clocks = {}
    for name in progress(names, desc="capture clocks") if progress else names:
        clip = clips[name]
        song_beats = beats[name] if beats and name in beats else song_grid(clip).beats
        clocks[name] = capture_clock(clip, song_beats, dance_by_name(clip.meta["dance"]).beats_per_bar,
                                     joints=TANG_FEET, seed=zlib.crc32(name.encode()))
    return clocks


def prepare_tang_steps(root: str | Path, include_test: bool = False, retime: bool = True,
                       progress: Callable | None = None) -> tuple[list[dict], dict]:
    """Every Tang song with motion as a step-training song, and the dataset's settings.

    Parameters
    ----------
    root : str or Path
        The Tang dance folder.
    include_test : bool
        Also keep the test songs (training never needs them).
    retime : bool
        Put each capture on its music's clock where the dancer's bar-synchronous speed is significant
        (elsewhere on the median of those clocks).
    progress : callable, optional
        ``progress(items, desc=...)`` wraps the song lists (e.g. ``tqdm``).

    Returns
    -------
    songs : list of dict
        For :func:`dancekit.training.step_data.write_step_dataset`, with the beat grid of each.
    meta : dict
        Source, fps, dances, split, normaliser, mean pose, start times, capture clocks, audio settings.

    Raises
    ------
    StepDatasetError
        Where no training song has motion, or a song has no steady beat.
    """
    root = Path(root)
    folders, split = tang_motion_songs(root)
    folders = [f for f in folders if include_test or split[f.name] != "test"]
    clips = {f.name: load_tang_motion(f) for f in folders}
    names = progress(list(clips), desc="beats") if progress else list(clips)
    grids = {name: song_grid(clips[name]) for name in names}
    clocks = capture_clocks(clips, progress, {n: g.beats for n, g in grids.items()}) if retime else {}
    known = [c for c in clocks.values() if c is not None]
    fallback = float(np.median(known)) if known else 1.0  # the capture system's typical drift
    songs = []
    for folder in progress(folders, desc="songs") if progress else folders:
        clip = clips[folder.name]
        if retime:
            clip = clip.retimed(clocks[folder.name] or fallback)
        clip = clip.resampled(step_audio.FPS)
        features = np.asarray(motion_to_features(clip), dtype=np.float32)
        danced = danced_step_audio(clip, len(features))
        power = step_audio.slice_power(danced, len(features))
        songs.append({"name": folder.name, "side": split[folder.name], "dance": STEP_DANCES.index(clip.meta["dance"]),
                      "codes": step_audio.quantise_power(power).numpy(), "features": features,
                      "signal_power": step_audio.signal_power(danced), "start_s": clip.start_s,
                      **frame_beat_grid(grids[folder.name], clip, len(features), folder.name)})
    train = [s for s in songs if s["side"] == "train"]
    if not train:
        raise StepDatasetError("no training songs with motion found")
    normaliser = MotionNormalizer.fit([s["features"] for s in train])
    for s in songs:
        s["motion"] = np.asarray(normaliser.transform(s.pop("features")), dtype=np.float32)
    mean_pose = np.concatenate([s["motion"] for s in train]).mean(0)
    meta = {"source": str(root), "fps": step_audio.FPS, "dances": list(STEP_DANCES), "split": split,
            "normaliser": normaliser.to_dict(), "mean_pose": mean_pose.tolist(),
            "start_s": {s["name"]: s["start_s"] for s in songs},
            "capture_clock": clocks, "capture_clock_fallback": fallback if retime else None,
            "beat_grid": {"beats": "dancekit.features.step_phase.music_grid of the whole song (22.05 kHz)",
                          "beats_per_bar": {s["name"]: int(s["beats_per_bar"]) for s in songs},
                          "downbeat": {s["name"]: int(s["downbeat"]) for s in songs}},
            "audio": {"sample_rate": step_audio.SAMPLE_RATE, "win": step_audio.WIN, "hop": step_audio.HOP,
                      "n_fft": step_audio.N_FFT, "n_stft": step_audio.N_STFT, "slice": step_audio.SLICE_SAMPLES,
                      "db_step": step_audio.DB_STEP, "floor_db": step_audio.FLOOR_DB}}
    return songs, meta
