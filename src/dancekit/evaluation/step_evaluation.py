"""Paper 5's Tables III-V for step generators on real Tang songs: one row per song, method and condition.

Per song, the dancer (baseline) and every model are scored by the F-score (70 ms) of their motion
beats against the music beats of :mod:`dancekit.rhythm`, its chance floor, the AIST++ beat-alignment
score, and (models) the cross entropy of generated against real motion; each model hears the music
clean and under every noise condition (the same noise for every model).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from dancekit.evaluation.motion_metrics import beat_alignment_score, chance_f_score, motion_histogram_cross_entropy
from dancekit.evaluation.noise_conditions import CONDITIONS, condition_audio, parse_condition
from dancekit.evaluation.step_plots import plot_step_results
from dancekit.evaluation.step_report import step_report_markdown
from dancekit.features import step_audio
from dancekit.features.step_phase import frame_phase, music_grid
from dancekit.fileio import atomic_write_text
from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.motion.batch_generation import generate_motion_batch
from dancekit.motion.beats import beat_f_score, motion_beats, music_beats_for_clip
from dancekit.motion.clip import MotionClip
from dancekit.motion.features import MotionNormalizer, features_to_motion, motion_to_features
from dancekit.motion.step_dataset import danced_step_audio
from dancekit.motion.tang import load_tang_motion
from dancekit.motion.tang_songs import tang_motion_songs

FPS = step_audio.FPS


def beat_scores(beats: np.ndarray, music: np.ndarray, span: tuple[float, float], rng: np.random.Generator) -> dict:
    """F-score, its chance floor, beat counts and BAS of one motion's beats against the music's.

    Parameters
    ----------
    beats, music : ndarray
        Motion beats and music beats (s, song clock).
    span : tuple of float
        Start and stop (s) of the danced span (the chance floor shifts within it).
    rng : numpy.random.Generator
        Draws the chance floor's shifts.

    Returns
    -------
    dict
        ``f_score``, ``f_chance``, ``motion_beats``, ``music_beats``, ``bas``.
    """
    return {"f_score": beat_f_score(beats, music), "f_chance": chance_f_score(beats, music, *span, rng),
            "motion_beats": len(beats), "music_beats": len(music), "bas": beat_alignment_score(beats, music)}


def load_step_models(paths) -> list[tuple[str, object, MotionNormalizer]]:
    """Step models labelled by their variant (``S2S``, ``S2S-MC``), each with its motion normaliser.

    Parameters
    ----------
    paths : iterable of str or Path
        Model names or folders.

    Returns
    -------
    list of tuple
        ``(label, loaded model, normaliser)``.
    """
    models = []
    for path in paths:
        m = load_dance_rnn(path)
        variant = m.card.training.get("variant", m.card.name)
        models.append((variant.upper(), m, MotionNormalizer.from_dict(m.card.frontend["motion"]["normaliser"])))
    return models


def song_rows(clip: MotionClip, base: dict, models, conditions) -> list[dict]:
    """The rows of one song: the dancer on clean music, then every model under every condition.

    Parameters
    ----------
    clip : MotionClip
        The dancer at 30 fps (cropped as evaluated).
    base : dict
        Fields every row carries (``song``, ``dance``, ``split``, ``trained``, ``seconds``).
    models : list of tuple
        As returned by :func:`load_step_models`.
    conditions : list of str
        Listening conditions (:data:`dancekit.evaluation.noise_conditions.CONDITIONS`).

    Returns
    -------
    list of dict
    """
    n = len(clip)
    danced = danced_step_audio(clip, n)
    music = music_beats_for_clip(clip)  # song clock, like every motion beat below
    rng = np.random.default_rng(zlib.crc32(base["song"].encode()))  # the same noise for every model
    span = (clip.start_s, clip.start_s + n / FPS)
    rows = [{**base, "method": "Dancer", "condition": "clean", **beat_scores(motion_beats(clip), music, span, rng),
             "cross_entropy": None}]
    heard = [condition_audio(danced, c, rng) for c in conditions]
    versions = torch.stack([step_audio.normalise_power(step_audio.slice_power(y, n)) for y in heard])
    phase = None
    if any(getattr(model.network.config, "phase_dim", 0) for _, model, _ in models):
        # a phase-aware model tracks the beats of the music as it hears it, noise and all
        phase = torch.stack([frame_phase(music_grid(y, step_audio.SAMPLE_RATE), n) for y in heard])
    for label, model, normaliser in models:
        real = np.asarray(normaliser.transform(motion_to_features(clip)), dtype=np.float32)
        index = None
        if model.network.conditioned:  # the song's own dance (the first the model knows if it lacks it)
            dances = list(model.card.classes)
            index = dances.index(clip.meta["dance"]) if clip.meta["dance"] in dances else 0
        wants_phase = getattr(model.network.config, "phase_dim", 0)
        for c, motion in zip(conditions, generate_motion_batch(model, versions, index,
                                                               phase=phase if wants_phase else None)):
            gen_clip = features_to_motion(normaliser.inverse(motion), FPS, start_s=clip.start_s)
            rows.append({**base, "method": label, "condition": c,
                         **beat_scores(motion_beats(gen_clip), music, span, rng),
                         "cross_entropy": motion_histogram_cross_entropy(real, motion)})
    return rows


def evaluate_step_models(root: str | Path, model_paths, songs=("test", "train"), conditions=CONDITIONS,
                         seconds: float | None = None, limit: int | None = None, val_is_trained: bool = False,
                         progress: Callable | None = None) -> tuple[list[dict], int]:
    """Rows of the dancer and of every model on the Tang songs of the given sides.

    Parameters
    ----------
    root : str or Path
        The Tang dance folder.
    model_paths : iterable of str or Path
        Step models (names or folders).
    songs : iterable of str
        Sides of the split to evaluate (``test``, ``train``, ``val``).
    conditions : iterable of str
        Listening conditions.
    seconds : float, optional
        Only the first ``seconds`` of each dance.
    limit : int, optional
        At most this many songs.
    val_is_trained : bool
        Count validation songs as trained (runs trained with the validation songs folded in).
    progress : callable, optional
        ``progress(items, desc=...)`` wraps the song list (e.g. ``tqdm``).

    Returns
    -------
    rows : list of dict
        ``song``, ``dance``, ``split``, ``trained``, ``seconds``, ``method``, ``condition``, the
        scores of :func:`beat_scores` and ``cross_entropy``.
    songs : int
        How many songs were evaluated.
    """
    conditions = list(conditions)
    for condition in conditions:  # a bad name fails before the models load
        parse_condition(condition)
    models = load_step_models(model_paths)
    folders, split = tang_motion_songs(root, songs)
    folders = folders[:limit] if limit else folders
    rows = []
    for folder in progress(folders, desc="songs") if progress else folders:
        clip = load_tang_motion(folder).resampled(FPS)
        if seconds:
            clip = clip.cropped(0, int(seconds * FPS))
        side = split[folder.name]
        base = {"song": folder.name, "dance": clip.meta["dance"], "split": side,
                "trained": side == "train" or (side == "val" and val_is_trained), "seconds": len(clip) / FPS}
        rows += song_rows(clip, base, models, conditions)
    return rows, len(folders)


def write_step_report(rows: list[dict], conditions, out: str | Path) -> Path:
    """``results.json``, ``report.md`` and the F-score plots of an evaluation in folder ``out``.

    Parameters
    ----------
    rows : list of dict
        As returned by :func:`evaluate_step_models`.
    conditions : iterable of str
        The conditions evaluated, in column order.
    out : str or Path
        The report folder (created).

    Returns
    -------
    Path
        ``out/report.md``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "results.json", json.dumps(rows, indent=1) + "\n")
    report = atomic_write_text(out / "report.md", step_report_markdown(rows, list(conditions)))
    plot_step_results(rows, list(conditions), out)
    return report
