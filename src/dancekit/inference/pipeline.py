"""Recording -> dance: the whole of paper 1's Fig. 1, offline and live, as named stages.

    audio  --FrameStream-->  spectrogram frames  --SegmentCutter-->  segments
    segments  --Identifier.segments_to_probabilities-->  segment probabilities
    segment probabilities  --IncrementalMean-->  recording probabilities
    spectrogram frames  --spectrogram_to_rhythm-->  tempo, beats, meter
    recording probabilities + rhythm  --Session.answer-->  IdentifyResult

One pipeline serves both modes. Audio arrives in chunks (from a decoder or a microphone),
the front end turns them into spectrogram frames exactly as it would the whole signal,
whole 224-frame segments are classified as soon as they exist, and an incremental mean
keeps the recording's probabilities. Memory stays bounded, so a 2-hour set costs no more
than a 3-minute song, and the live result is the offline result of the audio heard so far.

Everything between the stages is a numpy array, and the network is a backend
(:mod:`dancekit.inference.backends`): on a CPU the compiled ONNX graph and the numpy front end, so
that identifying a song never imports torch; torch on GPUs. Both give the same answers.

For a file, the network classifies each full batch in a worker thread while the next chunks are
decoded and, at the end, while tempo and meter are measured (:mod:`dancekit.inference.overlap`):
the same probabilities, with both cores of a small machine busy.

The stages up to the segments, tempo and meter need no network
(:mod:`dancekit.inference.recording`): a scan computes them in its decode processes and hands the
segments to a session made with ``prepared=``, which only classifies and answers.

An :class:`Identifier` is a model and its front end, nothing else: the post-processing switches
(stride, tempo, tempo prior) are options of each call, so one Identifier per model serves every
caller (the command line, the web app, the benchmarks).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, BinaryIO, Union

import numpy as np

from dancekit import audio
from dancekit.features.config import FrontEndConfig
from dancekit.features.numpy_frontend import NumpyFrontEnd
from dancekit.inference.activity import ActivityMeter
from dancekit.inference.aggregate import IncrementalMean
from dancekit.inference.backends import TorchNetwork
from dancekit.inference.calibration import Calibration
from dancekit.inference.limits import MAX_DURATION_S
from dancekit.inference.loading import is_loaded_model, open_model
from dancekit.inference.overlap import BackgroundClassifier
from dancekit.inference.recording import CHUNK_SECONDS, PreparedRecording, RecordingAudio, SegmentPlan
from dancekit.inference.result import OK, IdentifyResult
from dancekit.inference.tempo_prior import fuse
from dancekit.rhythm import RhythmResult

if TYPE_CHECKING:  # torch is imported only where it runs something
    import torch

    from dancekit.models.files import LoadedModel

Source = Union[str, os.PathLike, bytes, BinaryIO, np.ndarray]

@dataclass(frozen=True)
class IdentifyOptions:
    """The post-processing switches of one identification (per call, not per Identifier).

    Parameters
    ----------
    stride : int or None
        Frames between segment starts; None for the model card's ``default_stride``.
    rhythm : bool
        Measure tempo, beats and meter (from the spectrogram the network reads).
    tempo_prior : bool
        Weigh the network's answer by how well the tempo and meter fit each dance (needs ``rhythm``).
    """

    stride: int | None = None
    rhythm: bool = True
    tempo_prior: bool = True


class Identifier:
    """A loaded model plus its front end; cheap to reuse for many recordings and any options.

    On a CPU the network runs as its compiled ONNX graph when onnxruntime is installed (made once,
    on first use) and the front end in numpy, so identification never imports torch; torch runs
    it on other devices or when no graph can be had (:func:`~dancekit.inference.loading.open_model`).

    Parameters
    ----------
    model : LoadedModel, str, path or None
        A loaded model (run by torch), a built-in name or a model folder; None for the built-in
        dance model.
    device : str or torch.device
        Where the front end and the network run.
    batch_size : int
        Segments classified at once.
    backend : {"auto", "torch", "onnx"}
        What runs the network: ``auto`` prefers ONNX Runtime on a CPU, ``onnx`` insists on it.
    """

    def __init__(self, model: LoadedModel | str | os.PathLike | None = None, *,
                 device: str | torch.device = "cpu", batch_size: int = 16, backend: str = "auto"):
        ready = open_model(model, str(device), batch_size, backend)
        self.card = ready.card
        self.path = ready.path
        self.backend = ready.network
        self._model = ready.loaded
        card = self.card
        self.frontend_config = FrontEndConfig.from_dict(card.frontend)
        self.device = str(device)
        self.frontend = _frontend_for(self.frontend_config, self.device)
        self.segment_frames = card.segment_frames
        self.default_stride = card.default_stride
        self.batch_size = batch_size
        self.classes = list(card.classes)

    @property
    def model(self) -> LoadedModel:
        """The model loaded in torch (loaded now if the network runs in ONNX Runtime)."""
        if self._model is None:
            from dancekit.models.files import load_model  # torch: only for callers that want the torch model

            self._model = load_model(self.path, self.device)
        return self._model

    @property
    def network(self):
        """The torch network, batch norms folded and channels-last (torch loads now if ONNX Runtime runs it)."""
        if isinstance(self.backend, TorchNetwork):
            return self.backend.module
        return TorchNetwork(self.model.network, self.device, self.batch_size).module

    @property
    def sample_rate(self) -> int:
        """The rate (Hz) the front end reads; audio is resampled to it."""
        return self.frontend_config.sr

    @property
    def segment_seconds(self) -> float:
        """Length of one classified segment in seconds (5.2 s for the built-in models)."""
        return float(self.frames_to_seconds(self.segment_frames))

    def frames_to_seconds(self, frames):
        """Spectrogram frame indices (or counts) as seconds.

        Parameters
        ----------
        frames : int or array_like
            Frame indices or counts.

        Returns
        -------
        float or np.ndarray
            ``frames * hop_length / sr``.
        """
        cfg = self.frontend_config
        return np.asarray(frames, dtype=np.float64) * cfg.hop_length / cfg.sr

    def stride_frames(self, stride: int | None = None) -> int:
        """The stride a session cuts segments with: ``stride``, or the card's default.

        Parameters
        ----------
        stride : int or None
            Frames between segment starts; None for the card's ``default_stride``.

        Returns
        -------
        int
            A stride of at least one frame.
        """
        frames = int(stride or self.default_stride)
        if frames < 1:
            raise ValueError("stride must be at least 1 frame")
        return frames

    def segment_plan(self, stride: int | None = None, rhythm: bool = True) -> SegmentPlan:
        """What computing this model's segments (and tempo) takes, without the model: for a worker process.

        Parameters
        ----------
        stride : int or None
            Frames between segment starts; None for the card's ``default_stride``.
        rhythm : bool
            Measure tempo, beats and meter.

        Returns
        -------
        SegmentPlan
            Give it to :func:`~dancekit.inference.recording.prepare_samples`; the prepared recording
            goes back to :meth:`session` (``prepared=``) with the same stride and rhythm.
        """
        return SegmentPlan(self.frontend_config, self.segment_frames, self.stride_frames(stride), rhythm)

    def segments_to_probabilities(self, segments) -> np.ndarray:
        """Softmax probabilities of spectrogram segments, in batches.

        Parameters
        ----------
        segments : np.ndarray or torch.Tensor
            ``[n, bins, frames]`` segments of the front end's output.

        Returns
        -------
        np.ndarray
            ``[n, C]`` class probabilities, C = ``len(self.classes)``.
        """
        return self.backend.probabilities(segments)

    def session(self, name: str = "<live>", live: bool = True, *, stride: int | None = None,
                rhythm: bool = True, tempo_prior: bool = True, collect: bool = False,
                prepared: PreparedRecording | None = None, overlap: bool = False) -> "Session":
        """An incremental session: push audio chunks, read the running result.

        Parameters
        ----------
        name : str
            How results and messages name the recording.
        live : bool
            Classify every segment as soon as it is complete; otherwise segments wait for a full
            batch, which is faster for files and gives the same probabilities.
        stride, rhythm, tempo_prior
            The :class:`IdentifyOptions` of this recording.
        collect : bool
            Leave the network to the caller (see :class:`Session`).
        prepared : PreparedRecording, optional
            The recording's segments, tempo and meter, computed elsewhere with
            ``segment_plan(stride, rhythm)``: the session only classifies and answers.
        overlap : bool
            Classify full batches in a worker thread while more audio is pushed (see :class:`Session`).

        Returns
        -------
        Session
            A session of this identifier.
        """
        return Session(self, name, live, IdentifyOptions(stride, rhythm, tempo_prior), collect=collect,
                       prepared=prepared, overlap=overlap)

    def identify(self, source: Source, sample_rate: int | None = None, name: str | None = None, *,
                 stride: int | None = None, rhythm: bool = True, tempo_prior: bool = True,
                 max_duration: float | None = MAX_DURATION_S, playlists: bool = False) -> IdentifyResult:
        """Identify one recording: audio -> spectrogram -> segment probabilities -> recording answer.

        Parameters
        ----------
        source : path, bytes, binary file object or array
            The recording. An array is mono ``(n,)`` or 2-D with channels on its shorter axis.
        sample_rate : int, optional
            The array's rate in Hz (required for arrays, ignored otherwise).
        name : str, optional
            How results and messages name the recording.
        stride : int, optional
            Frames between segment starts; None for the model card's default.
        rhythm : bool
            Measure tempo, beats and meter.
        tempo_prior : bool
            Weigh the network's answer by the tempo and meter (only with ``rhythm``).
        max_duration : float or None
            Refuse recordings longer than this many seconds (``dancekit.errors.TooLongError``), by
            their header or once decoded; default ``MAX_DURATION_S`` (4 hours), None for no limit.
        playlists : bool
            Read a local playlist file and what it names (see :func:`dancekit.audio.stream`).

        Returns
        -------
        IdentifyResult
            The recording's answer, timeline and tempo.
        """
        session = self.session(name or _source_name(source), live=False, stride=stride, rhythm=rhythm,
                               tempo_prior=tempo_prior, overlap=True)
        try:
            for chunk in audio.stream(source, sr=self.sample_rate, chunk_seconds=CHUNK_SECONDS,
                                      sample_rate=sample_rate, max_duration=max_duration, playlists=playlists):
                session.push(chunk)
            return session.result()
        finally:
            session.close()


class Session:
    """Incremental identification of one recording (paper 1's real-time mode).

    The audio side (front end, segments, activity, tempo and meter) is a
    :class:`~dancekit.inference.recording.RecordingAudio`, or a
    :class:`~dancekit.inference.recording.PreparedRecording` computed elsewhere (a scan's worker
    process); the session classifies the segments and makes the answer.

    Parameters
    ----------
    identifier : Identifier
        The model and front end.
    name : str
        How results and messages name the recording.
    live : bool
        Classify each segment as soon as it is complete (else in full batches).
    options : IdentifyOptions
        Stride, tempo and tempo prior of this recording.
    collect : bool
        Never classify: segments wait for :meth:`take_segments`, and their probabilities come back
        through :meth:`add_probabilities` (a caller that batches several recordings' segments).
    prepared : PreparedRecording, optional
        The recording's audio side, finished already: the session takes no audio, only classifies.
        It must have been prepared with this identifier's ``segment_plan`` for ``options``.
    overlap : bool
        Classify each full batch in a worker thread (:mod:`dancekit.inference.overlap`) while the
        caller pushes the next chunks and, in :meth:`result`, while tempo and meter are measured: the
        same answer, sooner on a machine with a core to spare. Only without ``live`` and ``collect``
        (a live caller wants each segment's answer at once); :meth:`push` then returns the batches
        finished so far. Call :meth:`close` if the session is given up before :meth:`result`.
    """

    def __init__(self, identifier: Identifier, name: str, live: bool = True,
                 options: IdentifyOptions = IdentifyOptions(), *, collect: bool = False,
                 prepared: PreparedRecording | None = None, overlap: bool = False):
        self.identifier = identifier
        self.name = name
        self.live = live
        self.collect = collect
        self.options = options
        self.stride = identifier.stride_frames(options.stride)
        plan = identifier.segment_plan(options.stride, options.rhythm)
        if prepared is not None and prepared.plan != plan:
            raise ValueError(f"{name} was prepared for another front end, stride or rhythm option "
                             f"({prepared.plan} is not {plan})")
        self.audio = prepared if prepared is not None else RecordingAudio(plan, identifier.frontend)
        self.mean = IncrementalMean(len(identifier.classes))
        self._starts: list[int] = []
        self._probs: list[np.ndarray] = []
        overlapping = overlap and not live and not collect
        self._background = BackgroundClassifier(identifier.segments_to_probabilities) if overlapping else None

    @property
    def samples_seen(self) -> int:
        """Samples of audio pushed so far."""
        return self.audio.samples_seen

    @property
    def activity(self) -> ActivityMeter:
        """The level and activity of the audio pushed so far."""
        return self.audio.activity

    @property
    def still_segments(self) -> int:
        """Segments left out of the answer because nothing in them changes (see ``changes_in_time``)."""
        return self.audio.still_segments

    def push(self, samples: np.ndarray) -> np.ndarray:
        """Audio -> spectrogram frames -> segments -> probabilities of the segments completed now.

        Parameters
        ----------
        samples : np.ndarray
            Mono float32 audio at the model's rate.

        Returns
        -------
        np.ndarray
            ``[k, C]`` probabilities of the segments classified by this call (often none).
        """
        if self.audio.finished:
            raise RuntimeError("session already finished")
        self.audio.push(samples)
        waiting = self.audio.waiting
        if waiting and not self.collect and (self.live or waiting >= self.identifier.batch_size):
            return self._classify_pending()
        return np.zeros((0, len(self.identifier.classes)))

    @property
    def probabilities(self) -> np.ndarray:
        """Running recording-level probabilities (NaN before the first segment)."""
        return self.mean.mean

    @property
    def duration_s(self) -> float:
        """Seconds of audio pushed so far."""
        return self.samples_seen / self.identifier.sample_rate

    def result(self) -> IdentifyResult:
        """Flush the tail and return the final result (the session cannot be pushed to afterwards).

        Returns
        -------
        IdentifyResult
            The recording's answer; status ``short`` or ``no_music`` with a warning when it applies.
        """
        self.finish()
        self._classify_pending(wait=False)  # with overlap, the last batches run beside the rhythm analysis
        verdict = self.audio.verdict(self.name)
        self._classify_pending(wait=True)
        self.close()
        return self.answer(verdict.status, verdict.rhythm, verdict.warnings)

    def close(self) -> None:
        """Stop classifying in the background (``overlap``): batches not yet started are dropped.

        :meth:`result` calls it; a caller that gives up a session before its result calls it, so that
        no batch goes on using the cores. Without ``overlap`` it does nothing.
        """
        if self._background is not None:
            self._background.close()

    def finish(self) -> None:
        """No more audio: the front end's last frames and the tail segment join the waiting segments.

        :meth:`result` calls it; a caller batching segments elsewhere calls it first, then
        :meth:`take_segments`. Calling it twice does nothing more.
        """
        self.audio.finish()

    def take_segments(self) -> tuple[np.ndarray | None, list[int]]:
        """Hand over the segments waiting to be classified (still ones are left out, as always).

        Returns
        -------
        segments : np.ndarray or None
            ``[k, bins, frames]``, or None when none is waiting.
        starts : list of int
            Each segment's first frame; give both back to :meth:`add_probabilities` with their
            probabilities.
        """
        return self.audio.take_segments()

    def add_probabilities(self, probabilities: np.ndarray, starts: list[int]) -> None:
        """Count the probabilities of segments taken by :meth:`take_segments`, in the order taken.

        Parameters
        ----------
        probabilities : np.ndarray
            ``[k, C]`` softmax of those segments.
        starts : list of int
            Their first frames, as :meth:`take_segments` gave them.
        """
        self.mean.update(probabilities)
        self._starts.extend(starts)
        self._probs.append(probabilities)

    def answer(self, status: str = OK, rhythm: RhythmResult | None = None,
               warnings: list[str] | None = None) -> IdentifyResult:
        """Recording probabilities (+ rhythm) -> the answer, for the audio pushed so far.

        Parameters
        ----------
        status : str
            ``ok``, ``short`` or ``no_music``.
        rhythm : RhythmResult or None
            Tempo and meter; with the ``tempo_prior`` option they reweigh the network's answer.
        warnings : list of str, optional
            Notes for the reader.

        Returns
        -------
        IdentifyResult
            The answer (uniform probabilities before the first segment).
        """
        ident = self.identifier
        n_classes = len(ident.classes)
        network = self.mean.mean if self.mean.count else np.full(n_classes, 1.0 / n_classes)
        fused = fuse(network, ident.classes, rhythm) if self.options.tempo_prior and rhythm is not None else network
        card = ident.card
        calibration = Calibration.from_card(card)
        return IdentifyResult(
            source=self.name,
            classes=list(ident.classes),
            probabilities=calibration.apply(fused, ident.classes),
            network_probabilities=network,
            sure_from=calibration.sure_from,
            segment_starts_s=ident.frames_to_seconds(self._starts),
            segment_probabilities=np.concatenate(self._probs) if self._probs else np.zeros((0, n_classes)),
            segment_length_s=ident.segment_seconds,
            duration_s=self.duration_s,
            status=status,
            rhythm=rhythm,
            model={"name": card.name, "version": card.version},
            warnings=list(warnings or []),
        )

    # -- internals ---------------------------------------------------------------------
    def _classify_pending(self, wait: bool = False) -> np.ndarray:
        """Classify the waiting segments; return the probabilities counted by this call.

        With ``overlap`` the segments go to the worker thread, and what is counted is every batch
        finished by now (all of them, with ``wait``), in the order they were cut.
        """
        segments, starts = self.take_segments()
        if self._background is None:
            if segments is None:
                return np.zeros((0, len(self.identifier.classes)))
            probs = self.identifier.segments_to_probabilities(segments)
            self.add_probabilities(probs, starts)
            return probs
        if segments is not None:
            self._background.submit(segments, starts)
        batches = self._background.wait() if wait else self._background.done()
        for probs, batch_starts in batches:
            self.add_probabilities(probs, batch_starts)
        if not batches:
            return np.zeros((0, len(self.identifier.classes)))
        return np.concatenate([probs for probs, _ in batches])


def _frontend_for(config: FrontEndConfig, device: str):
    """The numpy front end on a CPU (no torch; within ~2e-5 dB of the torch module); the torch module elsewhere."""
    if device == "cpu":
        return NumpyFrontEnd(config)
    from dancekit.features.frontend import build_frontend  # torch, on the GPU that runs the network

    return build_frontend(config).to(device)


def _source_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    if isinstance(source, (bytes, bytearray)):
        return "<bytes>"
    if isinstance(source, np.ndarray):
        return "<array>"
    return getattr(source, "name", None) or "<stream>"


@lru_cache(maxsize=8)
def _shared_identifier(model: str | os.PathLike | None, device: str) -> Identifier:
    """One Identifier per model and device, so that ``identify`` in a loop loads the model once."""
    return Identifier(model, device=device)


def identify(
    source: Source,
    model: LoadedModel | str | os.PathLike | None = None,
    *,
    sample_rate: int | None = None,
    stride: int | None = None,
    rhythm: bool = True,
    tempo_prior: bool = True,
    device: str = "cpu",
    max_duration: float | None = MAX_DURATION_S,
) -> IdentifyResult:
    """Identify the ballroom dance of one recording (path, bytes, file object or array).

    The loaded model is kept (one per model and device, whatever the options), so calling this in
    a loop does not reload it.

    Parameters
    ----------
    source : path, bytes, binary file object or array
        The recording (an array needs ``sample_rate``).
    model : LoadedModel, str, path or None
        The model; None for the built-in dance model.
    sample_rate : int, optional
        The array's rate in Hz.
    stride, rhythm, tempo_prior
        Options of :meth:`Identifier.identify`.
    device : str
        Where the model runs.
    max_duration : float or None
        That of :meth:`Identifier.identify` (4 hours by default; None for no limit).

    Returns
    -------
    IdentifyResult
        The recording's answer.
    """
    identifier = Identifier(model, device=device) if is_loaded_model(model) else _shared_identifier(model, device)
    return identifier.identify(source, sample_rate=sample_rate, stride=stride, rhythm=rhythm, tempo_prior=tempo_prior,
                               max_duration=max_duration)
