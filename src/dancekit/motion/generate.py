"""Music -> dance steps with a trained step generator, offline or live, in bounded chunks.

The model runs frame by frame with its LSTM states carried over, so a song is generated chunk by
chunk (progress can be reported, memory stays flat) and a live stream of audio can be followed as
it arrives (:class:`StepGenerator`); both give the same frames as one pass over the whole song.
The first decoder input is the training set's mean pose from the model card (the paper used a
zero vector); ``seed`` perturbs it slightly, so one song can be danced in several ways. A
``start_pose`` (e.g. the first frame of a BVH, :mod:`dancekit.motion.seed_pose`) replaces the mean
pose, and the first :data:`SEED_BLEND_FRAMES` output frames ease from it into the generated motion,
so the dance visibly starts where the given one stands.

A phase-aware model (card ``architecture_args.phase_dim`` > 0) also takes each frame's beat and
bar phase (:mod:`dancekit.features.step_phase`). A beat tracker needs the whole song, so offline
generation analyses the song with :mod:`dancekit.rhythm` first and then streams the frames as
before; live generation (:class:`StepGenerator`) is given the song's beat grid up front
(``beat_grid``), and frames past its last beat are extended at its last tempo.

On an x86 CPU the decoder's LSTM runs on packed float16 weights unless another ``precision`` is
asked for: 5-7 times faster than float32, and the same numbers for the shipped model, whose
weights are stored in float16 (:mod:`dancekit.models.lstm_precision`).
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
from dancekit.features.step_phase import BeatGrid, frame_phase, music_grid
from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.models.dance_rnn_network import PRECISIONS
from dancekit.models.files import LoadedModel
from dancekit.models.lstm_precision import packed_supported
from dancekit.motion.features import (ROOT_DIMS, MotionNormalizer, features_to_motion, keep_root_upright,
                                      limit_turn_rate)

#: Standard deviation (normalised units) of the seed's perturbation of the starting pose.
SEED_JITTER = 0.05
#: Output frames (0.5 s at 30 fps) over which a given start pose eases into the generated motion.
SEED_BLEND_FRAMES = 15


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
        wanted = None
    if wanted in dances:
        return dances.index(wanted)
    if wanted is None and name in dances:  # a custom model's own dance name
        return dances.index(name)
    if not dances:
        raise StepGenerationError(f"this step model is not dance-conditioned; it cannot be asked for {name!r}")
    known = _spoken_list(dances)
    if wanted is None:
        raise StepGenerationError(f'"{name}" is not a dance name; the step model knows {known}')
    raise StepGenerationError(f'the step model knows {known} (the dances it has motion capture of); '
                              f'"{name}" is not one of them')


def _spoken_list(names: list[str]) -> str:
    """``a, b and c``: how a one-line error names several things."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _default_dance(dances: list[str]) -> str:
    """Slow Waltz where the model knows it (most of the training data), else its first dance."""
    return "Slow Waltz" if "Slow Waltz" in dances else dances[0]


#: The precision of the decoder on an x86 CPU when none is asked for.
CPU_PRECISION = "fp16"


def default_precision(device) -> str:
    """How the decoder runs when no precision is asked for: :data:`CPU_PRECISION` on an x86 CPU, else fp32.

    Parameters
    ----------
    device : str or torch.device
        Where the network runs.

    Returns
    -------
    str
        One of :data:`~dancekit.models.dance_rnn_network.PRECISIONS`.
    """
    return CPU_PRECISION if torch.device(device).type == "cpu" and packed_supported() else "fp32"


def check_precision(precision: str | None, device) -> str:
    """``precision``, or the device's default when None, refused where it cannot run.

    Parameters
    ----------
    precision : str or None
        ``"fp32"``, ``"fp16"``, ``"int8"`` or None (:func:`default_precision`).
    device : str or torch.device
        Where the network runs.

    Returns
    -------
    str

    Raises
    ------
    StepGenerationError
        An unknown precision, or fp16 / int8 on a GPU or on a CPU without fbgemm.
    """
    if precision is None:
        return default_precision(device)
    if precision not in PRECISIONS:
        raise StepGenerationError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if precision != "fp32" and torch.device(device).type != "cpu":
        raise StepGenerationError(f"{precision} runs on the CPU only, not on {device}; use fp32 there")
    if precision != "fp32" and not packed_supported():
        raise StepGenerationError(f"{precision} needs an x86 CPU build of torch (fbgemm); use fp32 on this machine")
    return precision


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
    start_pose : SeedPose or np.ndarray [shape=(D,)], optional
        The pose to start from instead of the mean pose (denormalised motion vector, see
        :func:`dancekit.motion.seed_pose.read_seed_pose`); the first output frames ease from it.
    precision : {"fp16", "int8", "fp32"}, optional
        How the decoder's LSTM runs (:func:`default_precision` when None: fp16 on a CPU).
    beat_grid : BeatGrid, optional
        The song's beats, on the clock of the pushed audio (its first sample at 0 s): required by
        a phase-aware model (:func:`dancekit.features.step_phase.music_grid` of the song), ignored
        by others.

    Raises
    ------
    StepGenerationError
        The model does not dance ``dance``, ``start_pose`` does not fit the model,
        ``precision`` cannot run on ``device``, or a phase-aware model has no ``beat_grid``.
    """

    def __init__(self, model=None, dance: str | None = None, seed: int | None = None, device: str = "cpu",
                 start_pose=None, precision: str | None = None, beat_grid: BeatGrid | None = None):
        self.model = _loaded(model, device)
        self.network = self.model.network
        self.beat_grid = beat_grid
        if self.phase_aware and beat_grid is None:
            raise StepGenerationError(f"step model {self.model.card.name} follows the beat: give the song's beat grid "
                                      "(dancekit.features.step_phase.music_grid), or generate from the whole song")
        self.device = next(self.network.parameters()).device
        self.precision = check_precision(precision, self.device)
        card = self.model.card
        self.dance_index = None
        if self.network.conditioned:
            self.dance_index = resolve_dance(dance or _default_dance(card.classes), card.classes)
        self.dance = card.classes[self.dance_index] if self.dance_index is not None else None
        start = np.zeros(self.network.config.motion_dim, dtype=np.float32)
        mean_pose = card.frontend.get("motion", {}).get("mean_pose")
        if mean_pose is not None:
            start[:] = np.asarray(mean_pose, dtype=np.float32)
        self.start_pose = None if start_pose is None else _normalised_start(start_pose, card, start)
        if self.start_pose is not None:
            start[:] = self.start_pose
        if seed is not None:
            start += SEED_JITTER * np.random.default_rng(seed).standard_normal(len(start)).astype(np.float32)
        self.state = self.network.init_state(torch.as_tensor(start, device=self.device)[None])
        self.audio = StepAudioStream()
        self.frames_out = 0

    @property
    def phase_aware(self) -> bool:
        """Whether the model takes the beat and bar phase of every frame."""
        return bool(getattr(self.network.config, "phase_dim", 0))

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
        return self._decode(self._encode(features))

    def _encode(self, features: torch.Tensor) -> torch.Tensor | None:
        """Music codes of new power patches (None for none); only the encoder's state moves on."""
        return self._sequence(self._patches(features))

    def _patches(self, features: torch.Tensor) -> torch.Tensor | None:
        """The encoder's convolutions of new power patches (None for none): no state."""
        return None if len(features) == 0 else self.network.encoder.patches(features[None].to(self.device))

    def _sequence(self, patches: torch.Tensor | None) -> torch.Tensor | None:
        """Music codes of :meth:`_patches`' output, in order: the encoder's LSTM state moves on."""
        if patches is None:
            return None
        codes, self.state["encoder"] = self.network.encoder.sequence(patches, self.state["encoder"])
        return codes

    def _decode(self, codes: torch.Tensor | None) -> np.ndarray:
        """Motion features of :meth:`_encode`'s codes, in the order they were encoded."""
        if codes is None:
            return np.zeros((0, self.network.config.motion_dim), dtype=np.float32)
        phase = None
        if self.phase_aware:
            phase = frame_phase(self.beat_grid, codes.shape[1], self.frames_out, FPS).to(codes.device)
        motion, state = self.network.decode(codes, self.state, self.dance_index, self.precision, phase)
        self.state["decoder"], self.state["prev"] = state["decoder"], state["prev"]
        out = motion[0].float().cpu().numpy()
        first, self.frames_out = self.frames_out, self.frames_out + len(out)
        if self.start_pose is not None and first < SEED_BLEND_FRAMES:
            out = _ease_from(self.start_pose, out, first)
        return out


def _normalised_start(pose, card, mean: np.ndarray) -> np.ndarray:
    """A denormalised start pose in the network's units, its quaternions on the mean pose's side."""
    features = np.asarray(getattr(pose, "features", pose), dtype=np.float64).ravel()
    normaliser = card.frontend.get("motion", {}).get("normaliser")
    if len(features) != len(mean) or normaliser is None:
        raise StepGenerationError(f"a start pose of {len(features)} values does not fit model {card.name} "
                                  f"({len(mean)}-value poses{'' if normaliser else ', no normaliser in its card'})")
    normaliser = MotionNormalizer.from_dict(normaliser)
    mean_raw = normaliser.inverse(mean)
    quats = features[ROOT_DIMS:].reshape(-1, 4)
    flip = np.sum(quats * mean_raw[ROOT_DIMS:].reshape(-1, 4), axis=1) < 0  # q and -q: one rotation
    quats[flip] *= -1
    return normaliser.transform(features)


def _ease_from(start: np.ndarray, frames: np.ndarray, first: int) -> np.ndarray:
    """Blend output frames ``first...`` from ``start`` into ``frames`` (weight of ``start``: 1 -> 0, smooth)."""
    k = np.arange(first, first + len(frames))
    w = np.where(k < SEED_BLEND_FRAMES, 0.5 + 0.5 * np.cos(np.pi * k / SEED_BLEND_FRAMES), 0.0)[:, None]
    return (w * start + (1 - w) * frames).astype(np.float32)


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
                      progress: Callable[[int, int], None] | None = None, device: str = "cpu",
                      start_pose=None, precision: str | None = None) -> tuple[np.ndarray, StepGenerator]:
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
    start_pose : SeedPose or np.ndarray, optional
        See :class:`StepGenerator`.
    precision : {"fp16", "int8", "fp32"}, optional
        See :class:`StepGenerator`.

    Returns
    -------
    (np.ndarray, StepGenerator)
        The features ``[T, D]`` (normalised) and the generator (its model card, its dance).
    """
    y = load_step_audio(source, seconds, sample_rate)
    model = _loaded(model, device)
    # a beat tracker needs the whole song: analysed before the first frame is generated
    grid = music_grid(y, SAMPLE_RATE) if getattr(model.network.config, "phase_dim", 0) else None
    generator = StepGenerator(model, dance, seed, device, start_pose, precision, grid)
    total = frames_for_samples(len(y))
    step = max(1, int(chunk_seconds * SAMPLE_RATE))
    chunks = [y[first:first + step] for first in range(0, len(y), step)] + [None]  # None: the end of the song
    parts, done = [], 0
    for index, part in enumerate(_decoded(generator, chunks)):
        parts.append(part)
        done = total if chunks[index] is None else done + len(part)
        if progress is not None:
            progress(done, total)
    return np.concatenate(parts), generator


def _decoded(generator: StepGenerator, chunks: list):
    """The motion of each chunk of samples (None: flush the end) in order, the next chunks encoded
    while this one is decoded where two or more CPU threads can be had.

    The encoder does not depend on the motion, so on a CPU its two halves run in two more threads,
    ahead of the decoder: power patches and convolutions (2.2 s of one core of a 2-core AMD EPYC
    for a 3-minute song), then its LSTM (1.3 s), beside the fp16 decoder (2.4 s); torch's threads
    are shared out. The numbers are those of one thread doing all, to float rounding.
    """
    def patches(samples):
        return generator._patches(generator.audio.flush() if samples is None else generator.audio.push(samples))

    def encode(samples):
        return generator._sequence(patches(samples))

    threads = torch.get_num_threads()
    if generator.device.type != "cpu" or threads < 2 or len(chunks) < 3:
        for samples in chunks:
            yield generator._decode(encode(samples))
        return
    from concurrent.futures import ThreadPoolExecutor

    torch.set_num_threads(threads // 2)  # torch's thread count is process-wide: shared out
    convolve = ThreadPoolExecutor(1, thread_name_prefix="step-encoder-conv")
    follow = ThreadPoolExecutor(1, thread_name_prefix="step-encoder-lstm")
    try:  # one worker each: chunks stay in order
        convolved = [convolve.submit(patches, samples) for samples in chunks]
        codes = [follow.submit(lambda done: generator._sequence(done.result()), f) for f in convolved]
        for future in codes:
            yield generator._decode(future.result())
    finally:
        for pool in (convolve, follow):
            pool.shutdown(cancel_futures=True)
        torch.set_num_threads(threads)


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
        ``sample_rate``, ``seed``, ``chunk_seconds``, ``progress``, ``device``, ``precision``,
        ``start_pose`` (a :class:`~dancekit.motion.seed_pose.SeedPose` also places the dance where
        it stands).

    Returns
    -------
    MotionClip
        Joint positions at 30 fps, the floor at y = 0 (:meth:`MotionClip.grounded`); ``meta`` holds
        ``dance``, ``model`` and ``source``.
    """
    features, generator = generate_features(source, model, dance, seconds, **kwargs)
    clip = features_to_steps(features, generator.model.card, kwargs.get("start_pose"))
    clip.meta.update({"dance": generator.dance, "model": generator.model.card.name,
                      "source": str(source) if isinstance(source, (str, os.PathLike)) else None})
    return clip


def features_to_steps(features: np.ndarray, card, start_pose=None, cleaned: bool = True):
    """A generator's normalised output ``[T, D]`` as joint positions at 30 fps, standing on y = 0.

    Parameters
    ----------
    features : np.ndarray [shape=(T, D)]
        What :func:`generate_features` returns.
    card : ModelCard
        The generator's card (its motion normaliser).
    start_pose : SeedPose, optional
        Places the first frame where this pose stands.
    cleaned : bool
        Upright pelvis (:func:`keep_root_upright`), turns no faster than the dancers'
        (:func:`limit_turn_rate`) and the floor where the feet are; False gives the output as decoded
        (upright pelvis only), as steps were written before those two, for comparison.

    Returns
    -------
    MotionClip
    """
    normaliser = MotionNormalizer.from_dict(card.frontend["motion"]["normaliser"])
    raw = keep_root_upright(normaliser.inverse(features))
    if not cleaned:
        return features_to_motion(raw, FPS)
    # the pelvis height the network gives does not always match the legs it draws (18 cm too high on
    # a real song): the floor is put where the feet are, so a BVH stands on y = 0 in Blender
    clip = features_to_motion(limit_turn_rate(raw), FPS).grounded()
    where = getattr(start_pose, "root_xz", None)
    if where is not None:
        clip.root[:, [0, 2]] += np.asarray(where, dtype=np.float32)
    return clip
