"""Recording -> dance: the whole of paper 1's Fig. 1, offline and live.

One pipeline serves both modes. Audio arrives in chunks (from a decoder or a microphone),
the front end turns them into spectrogram frames exactly as it would the whole signal,
whole 224-frame segments are classified as soon as they exist, and an incremental mean
keeps the recording's probabilities. Memory stays bounded, so a 2-hour set costs no more
than a 3-minute song, and the live result is the offline result of the audio heard so far.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Union

import numpy as np
import torch

from dancekit.audio.loudness import MUSIC_LOW_HZ
from dancekit.audio.samples import make_finite
from dancekit.errors import EmptyAudioError
from dancekit.features import FrameStream, FrontEndConfig, build_frontend
from dancekit.inference.activity import ActivityMeter
from dancekit.inference.aggregate import IncrementalMean
from dancekit.inference.limits import MAX_DURATION_S
from dancekit.inference.result import NO_MUSIC, OK, SHORT, IdentifyResult
from dancekit.inference.segments import SegmentCutter
from dancekit.models.files import LoadedModel, load_model

Source = Union[str, os.PathLike, bytes, BinaryIO, np.ndarray]

#: Shortest audio for which a tempo is reported (a few bars at slow tempi).
MIN_RHYTHM_SECONDS = 6.0
#: Tempo and meter come from the first five minutes: a whole song in nearly every case, while
#: the tempogram of a 2-hour set would alone cost gigabytes.
MAX_RHYTHM_SECONDS = 300.0
#: Shorter recordings are not classified ("no music detected"): a few milliseconds looped into a
#: 5.2 s segment is a buzz the network still gave a dance with 92 % confidence.
MIN_MUSIC_SECONDS = 1.0
#: Decoding chunk: long enough for efficient batches, short enough to keep memory flat.
CHUNK_SECONDS = 30.0


class Identifier:
    """A loaded model plus its front end; cheap to reuse for many recordings."""

    def __init__(
        self,
        model: LoadedModel | str | os.PathLike | None = None,
        stride: int | None = None,
        batch_size: int = 16,
        device: str | torch.device = "cpu",
        rhythm: bool = True,
        tempo_prior: bool = True,
    ):
        from dancekit.models import DEFAULT_DANCE_MODEL

        self.model = model if isinstance(model, LoadedModel) else load_model(model or DEFAULT_DANCE_MODEL, device)
        # channels-last convolutions are ~25 % faster on CPU, with identical results
        self.network = self.model.network.to(memory_format=torch.channels_last)
        card = self.model.card
        self.frontend_config = FrontEndConfig.from_dict(card.frontend)
        self.device = torch.device(device)
        self.frontend = build_frontend(self.frontend_config).to(self.device)
        self.segment_frames = card.segment_frames
        self.stride = int(stride or card.default_stride)
        if self.stride < 1:
            raise ValueError("stride must be at least 1 frame")
        self.batch_size = batch_size
        self.rhythm = rhythm
        self.tempo_prior = tempo_prior
        self.classes = list(card.classes)

    @property
    def sample_rate(self) -> int:
        return self.frontend_config.sr

    def classify_segments(self, segments: torch.Tensor) -> np.ndarray:
        """Softmax probabilities ``[n, C]`` of spectrogram segments ``[n, bins, frames]``, in batches."""
        out = []
        with torch.inference_mode():
            for i in range(0, len(segments), self.batch_size):
                batch = segments[i : i + self.batch_size].unsqueeze(1).to(self.device)
                logits = self.network(batch.contiguous(memory_format=torch.channels_last))
                out.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
        return np.concatenate(out)

    def session(self, name: str = "<live>", live: bool = True) -> "Session":
        """An incremental session: push audio chunks, read the running result.

        ``live`` classifies every segment as soon as it is complete; otherwise segments wait
        for a full batch, which is faster for files and gives the same probabilities.
        """
        return Session(self, name, live)

    def identify(self, source: Source, sample_rate: int | None = None, name: str | None = None, *,
                 max_duration: float | None = MAX_DURATION_S, playlists: bool = False) -> IdentifyResult:
        """Identify one recording.

        Parameters
        ----------
        source : path, bytes, binary file object or array
            The recording. An array is mono ``(n,)`` or 2-D with channels on its shorter axis.
        sample_rate : int, optional
            The array's rate in Hz (required for arrays, ignored otherwise).
        name : str, optional
            How results and messages name the recording.
        max_duration : float or None
            Refuse recordings longer than this many seconds (``dancekit.errors.TooLongError``), by
            their header or once decoded; default ``MAX_DURATION_S`` (4 hours), None for no limit.
        playlists : bool
            Read a local playlist file and what it names (see :func:`dancekit.audio.stream`).
        """
        from dancekit import audio

        session = self.session(name or _source_name(source), live=False)
        if isinstance(source, np.ndarray):
            if sample_rate is None:
                raise ValueError("an array needs its sample_rate")
            samples = audio.from_array(source, sample_rate, self.sample_rate)
            if max_duration is not None and samples.size > (max_duration + 1.0) * self.sample_rate:
                from dancekit.errors import TooLongError

                raise TooLongError(f"recording too long: {session.name} is longer than {max_duration:g} s")
            session.push(samples)
        else:
            for chunk in audio.stream(source, sr=self.sample_rate, chunk_seconds=CHUNK_SECONDS,
                                      max_duration=max_duration, playlists=playlists):
                session.push(chunk)
        return session.result()


class Session:
    """Incremental identification of one recording (paper 1's real-time mode)."""

    def __init__(self, identifier: Identifier, name: str, live: bool = True):
        self.identifier = identifier
        self.name = name
        self.live = live
        self._pending: list[tuple[torch.Tensor, list[int]]] = []
        self.frames = FrameStream(identifier.frontend, identifier.frontend_config)
        self.cutter = SegmentCutter(identifier.segment_frames, identifier.stride)
        self.mean = IncrementalMean(len(identifier.classes))
        self.activity = ActivityMeter(sr=identifier.sample_rate)
        self.samples_seen = 0
        self._starts: list[int] = []
        self._probs: list[np.ndarray] = []
        self._rhythm_frames: list[torch.Tensor] = []
        self._rhythm_frames_kept = 0
        self._finished = False
        #: segments left out of the answer because nothing in them changes (see ``changes_in_time``)
        self.still_segments = 0

    def push(self, samples: np.ndarray) -> np.ndarray:
        """Feed mono float32 audio at the model's rate; returns probabilities of segments completed now."""
        if self._finished:
            raise RuntimeError("session already finished")
        samples = make_finite(np.asarray(samples, dtype=np.float32).reshape(-1))
        self.samples_seen += samples.size
        self.activity.update(samples)
        return self._take_frames(self.frames.push(samples))

    @property
    def probabilities(self) -> np.ndarray:
        """Running recording-level probabilities (NaN before the first segment)."""
        return self.mean.mean

    def result(self) -> IdentifyResult:
        """Flush the tail and return the final result (the session cannot be pushed to afterwards)."""
        if not self._finished:
            self._take_frames(self.frames.flush())
            self._finished = True
            short, starts = self.cutter.finish()
            if short is not None:
                self._pending.append((short, starts))
            self._classify_pending()
        return self._build_result()

    # -- internals ---------------------------------------------------------------------
    def _take_frames(self, frames: torch.Tensor) -> np.ndarray:
        if frames.shape[-1] == 0:
            return np.zeros((0, len(self.identifier.classes)))
        if self.identifier.rhythm:
            self._keep_for_rhythm(frames)
        segments, starts = self.cutter.push(frames)
        if segments is not None:
            self._pending.append((segments, starts))
        waiting = sum(len(s) for s, _ in self._pending)
        if waiting and (self.live or waiting >= self.identifier.batch_size):
            return self._classify_pending()
        return np.zeros((0, len(self.identifier.classes)))

    def _classify_pending(self) -> np.ndarray:
        if not self._pending:
            return np.zeros((0, len(self.identifier.classes)))
        segments = torch.cat([s for s, _ in self._pending])
        starts = [t for _, group in self._pending for t in group]
        self._pending = []
        moving = changes_in_time(segments)
        if not bool(moving.all()):
            self.still_segments += int((~moving).sum())
            segments = segments[moving]
            starts = [t for t, keep in zip(starts, moving.tolist()) if keep]
            if not starts:
                return np.zeros((0, len(self.identifier.classes)))
        probs = self.identifier.classify_segments(segments)
        self.mean.update(probs)
        self._starts.extend(starts)
        self._probs.append(probs)
        return probs

    def _keep_for_rhythm(self, frames: torch.Tensor) -> None:
        """Keep spectrogram frames (up to MAX_RHYTHM_SECONDS) so tempo needs no second transform."""
        limit = int(MAX_RHYTHM_SECONDS * self.identifier.frontend_config.frame_rate)
        room = limit - self._rhythm_frames_kept
        if room > 0:
            kept = frames[:, :room].detach().cpu().clone()
            self._rhythm_frames.append(kept)
            self._rhythm_frames_kept += kept.shape[-1]

    def _analyze_rhythm(self):
        from dancekit.rhythm import analyze_onsets, onset_envelope_from_mel_db

        cfg = self.identifier.frontend_config
        mel_db = torch.cat(self._rhythm_frames, dim=-1).numpy()
        envelope = onset_envelope_from_mel_db(mel_db, sr=cfg.sr, hop_length=cfg.hop_length)
        return analyze_onsets(envelope, sr=cfg.sr, hop_length=cfg.hop_length, mel_db=mel_db)

    def _build_result(self) -> IdentifyResult:
        ident = self.identifier
        cfg = ident.frontend_config
        duration = self.samples_seen / ident.sample_rate
        n_classes = len(ident.classes)
        probs = np.concatenate(self._probs) if self._probs else np.zeros((0, n_classes))
        warnings: list[str] = []
        if self.samples_seen == 0:
            raise EmptyAudioError(f"no audio samples in {self.name}")
        status = OK
        segment_seconds = ident.segment_frames * cfg.hop_length / cfg.sr
        if self.cutter.frames_seen < ident.segment_frames:
            status = SHORT
            warnings.append(
                f"recording is {duration:.1f} s, shorter than one {segment_seconds:.1f} s segment: "
                "classified from one looped segment, expect low accuracy"
            )
        if duration < MIN_MUSIC_SECONDS:
            status = NO_MUSIC
            warnings.append(f"no music detected: {duration * 1000:.0f} ms of audio is too short to tell "
                            f"(at least {MIN_MUSIC_SECONDS:g} s needed)")
        elif self.activity.is_silent():
            status = NO_MUSIC
            warnings.append(f"no music detected (level {self.activity.level_dbfs():.0f} dBFS above "
                            f"{MUSIC_LOW_HZ:g} Hz)")
        if self.still_segments and status != NO_MUSIC:
            warnings.append(f"{self.still_segments} segment(s) without any change (silence) left out of the answer")
        rhythm = None
        if ident.rhythm and status != NO_MUSIC and duration >= MIN_RHYTHM_SECONDS:
            rhythm = self._analyze_rhythm()
            if duration > MAX_RHYTHM_SECONDS:
                warnings.append(f"tempo and meter measured on the first {MAX_RHYTHM_SECONDS / 60:.0f} minutes")
        card = ident.model.card
        network = self.mean.mean if self.mean.count else np.full(n_classes, 1.0 / n_classes)
        fused = network
        if ident.tempo_prior and rhythm is not None:
            from dancekit.inference.tempo_prior import fuse

            fused = fuse(network, ident.classes, rhythm)
        return IdentifyResult(
            source=self.name,
            classes=list(ident.classes),
            probabilities=fused,
            network_probabilities=network,
            segment_starts_s=np.asarray(self._starts, dtype=np.float64) * cfg.hop_length / cfg.sr,
            segment_probabilities=probs,
            segment_length_s=segment_seconds,
            duration_s=duration,
            status=status,
            rhythm=rhythm,
            model={"name": card.name, "version": card.version},
            warnings=warnings,
        )


#: A segment whose every spectrogram bin stays within this many dB over time is "still".
STILL_RANGE_DB = 1e-3


def changes_in_time(segments: torch.Tensor) -> torch.Tensor:
    """For segments ``[n, bins, frames]``: True where some bin changes over time, as any music does.

    A still segment (digital silence, a constant offset) holds no rhythm or timbre to recognise:
    the network's answer on it is a guess that would dilute the mean, and an hour of silence cost
    about 20 s of network time. Still segments are left out of the mean and the timeline.
    """
    spread = segments.amax(dim=-1) - segments.amin(dim=-1)
    return spread.amax(dim=-1) > STILL_RANGE_DB


def _source_name(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    if isinstance(source, (bytes, bytearray)):
        return "<bytes>"
    if isinstance(source, np.ndarray):
        return "<array>"
    return getattr(source, "name", None) or "<stream>"


_CACHE: dict[tuple, Identifier] = {}


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

    The loaded model is cached, so calling this in a loop does not reload it. ``max_duration`` is
    that of :meth:`Identifier.identify` (4 hours by default; None for no limit).
    """
    options = {"stride": stride, "rhythm": rhythm, "tempo_prior": tempo_prior, "device": device}
    if isinstance(model, LoadedModel):
        identifier = Identifier(model, **options)
    else:
        key = (str(model), *options.values())
        if key not in _CACHE:
            _CACHE[key] = Identifier(model, **options)
        identifier = _CACHE[key]
    return identifier.identify(source, sample_rate=sample_rate, max_duration=max_duration)
