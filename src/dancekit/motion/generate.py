"""Music -> dance steps with a trained step generator, offline or live, in bounded chunks.

The model runs frame by frame with its LSTM states carried over, so a song is generated chunk by
chunk (progress can be reported, memory stays flat) and a live stream of audio can be followed as
it arrives (:class:`StepGenerator`); both give the same frames as one pass over the whole song.
The first decoder input is the training set's mean pose from the model card (the paper used a
zero vector); ``seed`` perturbs it slightly, so one song can be danced in several ways.
"""

from __future__ import annotations

import os
from typing import Callable

import numpy as np
import torch

from dancekit import audio
from dancekit.dances import dance_by_name
from dancekit.errors import DancekitError, EmptyAudioError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.features.step_audio import FPS, SAMPLE_RATE, StepAudioStream, frames_for_samples
from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.models.files import LoadedModel
from dancekit.motion.features import MotionNormalizer, features_to_motion, keep_root_upright

#: Standard deviation (normalised units) of the seed's perturbation of the starting pose.
SEED_JITTER = 0.05


class StepGenerationError(DancekitError):
    """Bad generation request (e.g. a dance the model does not know)."""

    exit_code = EXIT_USAGE


def resolve_dance(name: str | None, dances: list[str]) -> int | None:
    """Index of a dance name (``waltz``, ``cha-cha``, ``Slow Waltz``...) among the model's dances.

    Parameters
    ----------
    name : str or None
        A dance name or alias, any case; None for no dance.
    dances : list of str
        The model's dances (its card's classes).

    Returns
    -------
    int or None
        None when ``name`` is None.

    Raises
    ------
    StepGenerationError
        The model does not dance it.
    """
    if name is None:
        return None
    try:
        wanted = dance_by_name(name).name
    except KeyError:
        wanted = name
    if wanted not in dances:
        known = ", ".join(dances) if dances else "none (it is not dance-conditioned)"
        raise StepGenerationError(f"unknown dance {name!r} for this model; it dances: {known}")
    return dances.index(wanted)


def _default_dance(dances: list[str]) -> str:
    """Slow Waltz where the model knows it (most of the training data), else its first dance."""
    return "Slow Waltz" if "Slow Waltz" in dances else dances[0]


def _loaded(model, device):
    return model if isinstance(model, LoadedModel) else load_dance_rnn(model, device)


class StepGenerator:
    """Live generation: push 16 kHz mono audio, get the normalised motion features of every new frame.

    Parameters
    ----------
    model : str or os.PathLike or LoadedModel, optional
        A step generator, its folder or built-in name; the built-in one when None.
    dance : str, optional
        The dance of a dance-conditioned model (default Slow Waltz, or its first dance); ignored
        by one that is not conditioned.
    seed : int, optional
        Perturbs the starting pose, so one song can be danced in several ways; None = the mean pose.
    device : str
        Where the network runs.

    Raises
    ------
    StepGenerationError
        The model does not dance ``dance``.
    """

    def __init__(self, model=None, dance: str | None = None, seed: int | None = None, device: str = "cpu"):
        self.model = _loaded(model, device)
        self.network = self.model.network
        self.device = next(self.network.parameters()).device
        card = self.model.card
        self.dance_index = None
        if self.network.conditioned:
            self.dance_index = resolve_dance(dance or _default_dance(card.classes), card.classes)
        self.dance = card.classes[self.dance_index] if self.dance_index is not None else None
        start = np.zeros(self.network.config.motion_dim, dtype=np.float32)
        mean_pose = card.frontend.get("motion", {}).get("mean_pose")
        if mean_pose is not None:
            start[:] = np.asarray(mean_pose, dtype=np.float32)
        if seed is not None:
            start += SEED_JITTER * np.random.default_rng(seed).standard_normal(len(start)).astype(np.float32)
        self.state = self.network.init_state(torch.as_tensor(start, device=self.device)[None])
        self.audio = StepAudioStream()

    def push(self, samples) -> np.ndarray:
        """Motion features ``[n, D]`` (normalised) for the frames completed by these samples.

        Parameters
        ----------
        samples : array_like
            The next 16 kHz mono samples, any count.

        Returns
        -------
        np.ndarray [shape=(n, D), dtype=float32]
            One row per audio frame these samples complete (may be none).
        """
        return self._run(self.audio.push(samples))

    def finish(self) -> np.ndarray:
        """The last frames (the end of the audio treated as silence)."""
        return self._run(self.audio.flush())

    def _run(self, features: torch.Tensor) -> np.ndarray:
        if len(features) == 0:
            return np.zeros((0, self.network.config.motion_dim), dtype=np.float32)
        motion, self.state = self.network.step(features[None].to(self.device), self.state, self.dance_index)
        return motion[0].float().cpu().numpy()


def load_step_audio(source, seconds: float | None = None, sample_rate: int | None = None) -> np.ndarray:
    """A path/bytes (decoded) or an array (at ``sample_rate``, default 16 kHz) -> 16 kHz mono, peak 1.

    Parameters
    ----------
    source : str, os.PathLike, bytes or np.ndarray
        A file, its bytes, or mono samples.
    seconds : float, optional
        Keep only the first this many seconds.
    sample_rate : int, optional
        Rate of an array ``source`` (default 16 kHz); ignored for files.

    Returns
    -------
    np.ndarray
        16 kHz mono samples scaled to peak 1 (the level the model was trained at).

    Raises
    ------
    StepGenerationError
        An array that is not mono.
    EmptyAudioError
        No samples.
    """
    if not isinstance(source, (str, os.PathLike, bytes)):
        source = np.asarray(source)
        if source.ndim != 1:
            raise StepGenerationError(f"audio array must be mono [samples], got shape {source.shape}")
        sample_rate = sample_rate or SAMPLE_RATE
    else:
        sample_rate = None
    y = audio.load(source, sr=SAMPLE_RATE, duration=seconds, sample_rate=sample_rate)
    if y.size == 0:
        raise EmptyAudioError("audio has no samples")
    peak = float(np.max(np.abs(y)))
    return y / peak if peak > 0 else y


def generate_features(source, model=None, dance: str | None = None, seconds: float | None = None, *,
                      sample_rate: int | None = None, seed: int | None = None, chunk_seconds: float = 10.0,
                      progress: Callable[[int, int], None] | None = None, device: str = "cpu"
                      ) -> tuple[np.ndarray, StepGenerator]:
    """Normalised motion features ``[T, D]`` at 30 fps for a song, generated chunk by chunk.

    ``progress(frames_done, frames_total)`` is called after every chunk.

    Parameters
    ----------
    source : str, os.PathLike, bytes or np.ndarray
        The song (see :func:`load_step_audio`).
    model : str or os.PathLike or LoadedModel, optional
        The step generator; the built-in one when None.
    dance : str, optional
        See :class:`StepGenerator`.
    seconds : float, optional
        Only the first this many seconds of the song.
    sample_rate : int, optional
        Rate of an array ``source``.
    seed : int, optional
        See :class:`StepGenerator`.
    chunk_seconds : float
        Audio per chunk; bounds memory and sets how often ``progress`` is called.
    progress : callable, optional
        ``progress(frames_done, frames_total)``.
    device : str
        Where the network runs.

    Returns
    -------
    (np.ndarray, StepGenerator)
        The features ``[T, D]`` (normalised) and the generator (its model card, its dance).
    """
    y = load_step_audio(source, seconds, sample_rate)
    generator = StepGenerator(model, dance, seed, device)
    total = frames_for_samples(len(y))
    step = max(1, int(chunk_seconds * SAMPLE_RATE))
    parts, done = [], 0
    for first in range(0, len(y), step):
        parts.append(generator.push(y[first:first + step]))
        done += len(parts[-1])
        if progress is not None:
            progress(done, total)
    parts.append(generator.finish())
    if progress is not None:
        progress(total, total)
    return np.concatenate(parts), generator


def generate_steps(source, model=None, dance: str | None = None, seconds: float | None = None, **kwargs):
    """Dance steps for a song (path, bytes or 16 kHz array) as a :class:`~dancekit.motion.MotionClip`.

    ``dance``: one of the model's dances (``waltz``, ``cha-cha``, ``rumba``, ``tango``...); a
    dance-conditioned model given none dances Slow Waltz (or its first dance). Other keywords:
    see :func:`generate_features`.

    Parameters
    ----------
    source : str, os.PathLike, bytes or np.ndarray
        The song.
    model : str or os.PathLike or LoadedModel, optional
        The step generator; the built-in one when None.
    dance : str, optional
        The dance to generate.
    seconds : float, optional
        Only the first this many seconds of the song.
    **kwargs
        ``sample_rate``, ``seed``, ``chunk_seconds``, ``progress``, ``device``.

    Returns
    -------
    MotionClip
        Joint positions at 30 fps; ``meta`` holds ``dance``, ``model`` and ``source``.
    """
    features, generator = generate_features(source, model, dance, seconds, **kwargs)
    card = generator.model.card
    normaliser = MotionNormalizer.from_dict(card.frontend["motion"]["normaliser"])
    clip = features_to_motion(keep_root_upright(normaliser.inverse(features)), FPS)
    clip.meta.update({"dance": generator.dance, "model": card.name,
                      "source": str(source) if isinstance(source, (str, os.PathLike)) else None})
    return clip
