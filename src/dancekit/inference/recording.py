"""The half of identifying a recording that needs no network: audio -> spectrogram segments, activity,
status, tempo and meter.

Numpy only (no torch, no model), so it can run where the audio is decoded: a scan's worker
processes compute a :class:`PreparedRecording` and send back the segments and the rhythm, not the
samples, and the process that holds the network only classifies (``Identifier.session(prepared=...)``).
A :class:`~dancekit.inference.Session` runs this same code on the audio pushed to it, so both ways
give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from dancekit.audio.loudness import MUSIC_LOW_HZ
from dancekit.audio.samples import make_finite
from dancekit.errors import EmptyAudioError
from dancekit.features.config import FrontEndConfig
from dancekit.features.numpy_frontend import NumpyFrontEnd
from dancekit.features.stream import FrameStream
from dancekit.inference.activity import ActivityMeter
from dancekit.inference.result import NO_MUSIC, OK, SHORT
from dancekit.inference.segments import SegmentCutter
from dancekit.rhythm import RhythmResult, analyze

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
#: A segment whose every spectrogram bin stays within this many dB over time is "still".
STILL_RANGE_DB = 1e-3


@dataclass(frozen=True)
class SegmentPlan:
    """All that the audio side needs of a model and the options: a small picklable value.

    Parameters
    ----------
    frontend : FrontEndConfig
        The spectrogram the network reads.
    segment_frames : int
        Frames per segment.
    stride : int
        Frames between segment starts.
    rhythm : bool
        Measure tempo, beats and meter.
    """

    frontend: FrontEndConfig
    segment_frames: int
    stride: int
    rhythm: bool = True

    @property
    def segment_seconds(self) -> float:
        """Length of one segment in seconds."""
        return self.segment_frames * self.frontend.hop_length / self.frontend.sr


@dataclass
class Verdict:
    """What the audio alone says of a recording: its status, notes for the reader, tempo and meter.

    Attributes
    ----------
    status : str
        ``ok``, ``short`` or ``no_music``.
    warnings : list of str
        Notes for the reader.
    rhythm : RhythmResult or None
        Tempo, beats and meter (None when not asked for, too short or no music).
    """

    status: str
    warnings: list[str] = field(default_factory=list)
    rhythm: RhythmResult | None = None


class RecordingAudio:
    """Audio in chunks -> segments waiting for a network, activity and rhythm frames; a verdict at the end.

    Parameters
    ----------
    plan : SegmentPlan
        Front end, segments and options.
    frontend : NumpyFrontEnd or SpectrogramFrontEnd, optional
        What computes the frames (a torch module on a GPU); by default the numpy front end of
        ``plan.frontend``.
    """

    def __init__(self, plan: SegmentPlan, frontend=None):
        self.plan = plan
        self.frames = FrameStream(frontend if frontend is not None else numpy_frontend(plan.frontend), plan.frontend)
        self.cutter = SegmentCutter(plan.segment_frames, plan.stride)
        self.activity = ActivityMeter(sr=plan.frontend.sr)
        self.samples_seen = 0
        #: segments left out because nothing in them changes (see :func:`changes_in_time`)
        self.still_segments = 0
        self.finished = False
        self._pending: list[tuple[np.ndarray, list[int]]] = []
        self._rhythm_frames: list[np.ndarray] = []
        self._rhythm_frames_kept = 0

    @property
    def waiting(self) -> int:
        """Segments cut and not yet taken."""
        return sum(len(s) for s, _ in self._pending)

    def push(self, samples: np.ndarray) -> None:
        """Audio -> spectrogram frames -> the segments completed now (they wait for :meth:`take_segments`).

        Parameters
        ----------
        samples : np.ndarray
            Mono float32 audio at the front end's rate.
        """
        if self.finished:
            raise RuntimeError("session already finished")
        samples = make_finite(np.asarray(samples, dtype=np.float32).reshape(-1))
        self.samples_seen += samples.size
        self.activity.update(samples)
        self._take_frames(self.frames.push(samples))

    def finish(self) -> None:
        """No more audio: the front end's last frames and, for a short recording, its looped segment.

        Calling it twice does nothing more.
        """
        if not self.finished:
            self._take_frames(self.frames.flush())
            self.finished = True
            short, starts = self.cutter.finish()
            if short is not None:
                self._pending.append((short, starts))

    def take_segments(self) -> tuple[np.ndarray | None, list[int]]:
        """Hand over the waiting segments, still ones left out (and counted in ``still_segments``).

        Returns
        -------
        segments : np.ndarray or None
            ``[k, bins, frames]`` float32, or None when none is waiting.
        starts : list of int
            Each segment's first frame.
        """
        if not self._pending:
            return None, []
        segments = np.concatenate([s for s, _ in self._pending])
        starts = [t for _, group in self._pending for t in group]
        self._pending = []
        moving = changes_in_time(segments)
        if not bool(moving.all()):
            self.still_segments += int((~moving).sum())
            segments = segments[moving]
            starts = [t for t, keep in zip(starts, moving.tolist()) if keep]
            if not starts:
                return None, []
        return segments, starts

    def verdict(self, name: str) -> Verdict:
        """Status, warnings and (when asked for and there is music) tempo and meter of the audio pushed.

        Parameters
        ----------
        name : str
            How messages name the recording.

        Returns
        -------
        Verdict

        Raises
        ------
        EmptyAudioError
            No sample was pushed.
        """
        plan = self.plan
        duration = self.samples_seen / plan.frontend.sr
        if self.samples_seen == 0:
            raise EmptyAudioError(f"no audio samples in {name}")
        status, warnings = OK, []
        if self.cutter.frames_seen < plan.segment_frames:
            status = SHORT
            warnings.append(
                f"recording is {duration:.1f} s, shorter than one {plan.segment_seconds:.1f} s segment: "
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
        if plan.rhythm and status != NO_MUSIC and duration >= MIN_RHYTHM_SECONDS:
            rhythm = spectrogram_to_rhythm(np.concatenate(self._rhythm_frames, axis=-1), plan.frontend)
            if duration > MAX_RHYTHM_SECONDS:
                warnings.append(f"tempo and meter measured on the first {MAX_RHYTHM_SECONDS / 60:.0f} minutes")
        return Verdict(status, warnings, rhythm)

    def prepare(self, name: str) -> "PreparedRecording":
        """Finish, take every segment and reach the verdict: all a network's caller needs, in one value.

        Parameters
        ----------
        name : str
            How messages name the recording.

        Returns
        -------
        PreparedRecording

        Raises
        ------
        EmptyAudioError
            No sample was pushed.
        """
        self.finish()
        segments, starts = self.take_segments()
        verdict = self.verdict(name)
        self._rhythm_frames = []  # the verdict has used them
        return PreparedRecording(self.plan, segments, starts, self.samples_seen, self.still_segments, verdict)

    def _take_frames(self, frames) -> None:
        if frames.shape[-1] == 0:
            return
        if not isinstance(frames, np.ndarray):  # a torch front end on a GPU
            frames = frames.cpu().numpy()
        if self.plan.rhythm:
            self._keep_for_rhythm(frames)
        segments, starts = self.cutter.push(frames)
        if segments is not None:
            self._pending.append((segments, starts))

    def _keep_for_rhythm(self, frames: np.ndarray) -> None:
        """Keep spectrogram frames (up to MAX_RHYTHM_SECONDS) so tempo needs no second transform."""
        limit = int(MAX_RHYTHM_SECONDS * self.plan.frontend.frame_rate)
        room = limit - self._rhythm_frames_kept
        if room > 0:
            kept = frames[:, :room].copy()
            self._rhythm_frames.append(kept)
            self._rhythm_frames_kept += kept.shape[-1]


@dataclass
class PreparedRecording:
    """A recording analysed up to the network, as a worker process sends it back.

    It stands in for a finished :class:`RecordingAudio` in a session (same ``finish``,
    ``take_segments`` and ``verdict``), so the answer is made by the same code either way.

    Parameters
    ----------
    plan : SegmentPlan
        What it was computed with.
    segments : np.ndarray or None
        ``[k, bins, frames]`` float32 segments to classify (still ones left out), or None.
    starts : list of int
        Each segment's first frame.
    samples_seen : int
        Length of the recording in samples.
    still_segments : int
        Segments left out because nothing in them changes.
    outcome : Verdict
        Status, warnings, tempo and meter.
    finished : bool
        Always True: no audio can be pushed to it (what a session asks of its audio side).
    """

    plan: SegmentPlan
    segments: np.ndarray | None
    starts: list[int]
    samples_seen: int
    still_segments: int
    outcome: Verdict
    finished: bool = True

    @property
    def nbytes(self) -> int:
        """Bytes of its segments (what crosses a process boundary, nearly all of it)."""
        return 0 if self.segments is None else int(self.segments.nbytes)

    def finish(self) -> None:
        """Nothing left to do: the audio was finished where it was prepared."""

    def take_segments(self) -> tuple[np.ndarray | None, list[int]]:
        """Hand over the segments, once (as :meth:`RecordingAudio.take_segments`)."""
        segments, starts = self.segments, self.starts
        self.segments, self.starts = None, []
        return segments, starts

    def verdict(self, name: str) -> Verdict:
        """The verdict reached where it was prepared.

        Parameters
        ----------
        name : str
            Not needed any more (it named the recording in messages where the verdict was reached).

        Returns
        -------
        Verdict
            A copy: the caller may change its warnings.
        """
        return Verdict(self.outcome.status, list(self.outcome.warnings), self.outcome.rhythm)


def prepare_samples(plan: SegmentPlan, samples: np.ndarray, name: str) -> PreparedRecording:
    """A whole decoded recording -> its :class:`PreparedRecording`, fed in the chunks ``identify`` uses.

    Parameters
    ----------
    plan : SegmentPlan
        Front end, segments and options (``Identifier.segment_plan``).
    samples : np.ndarray
        Mono float32 at ``plan.frontend.sr``.
    name : str
        How messages name the recording.

    Returns
    -------
    PreparedRecording

    Raises
    ------
    EmptyAudioError
        No samples.
    """
    audio = RecordingAudio(plan)
    step = int(CHUNK_SECONDS * plan.frontend.sr)
    for i in range(0, len(samples), step):
        audio.push(samples[i : i + step])
    return audio.prepare(name)


@lru_cache(maxsize=4)
def numpy_frontend(config: FrontEndConfig) -> NumpyFrontEnd:
    """One numpy front end per config and process (its window and mel filters are made once).

    Parameters
    ----------
    config : FrontEndConfig
        What it computes.

    Returns
    -------
    NumpyFrontEnd
    """
    return NumpyFrontEnd(config)


def spectrogram_to_rhythm(mel_db: np.ndarray, config: FrontEndConfig) -> RhythmResult:
    """Tempo, beats and meter from the dB mel frames the network read (no second transform).

    Parameters
    ----------
    mel_db : np.ndarray
        ``[n_mels, frames]`` front-end output.
    config : FrontEndConfig
        The front end that computed it (its rate and hop).

    Returns
    -------
    RhythmResult
        What :func:`dancekit.rhythm.analyze` finds in it.
    """
    return analyze(S=mel_db, sr=config.sr, hop_length=config.hop_length)


def changes_in_time(segments: np.ndarray) -> np.ndarray:
    """For segments ``[n, bins, frames]``: True where some bin changes over time, as any music does.

    A still segment (digital silence, a constant offset) holds no rhythm or timbre to recognise:
    the network's answer on it is a guess that would dilute the mean, and an hour of silence cost
    about 20 s of network time. Still segments are left out of the mean and the timeline.

    Parameters
    ----------
    segments : array_like
        ``[n, bins, frames]`` spectrogram segments (a CPU torch tensor is read as an array).

    Returns
    -------
    np.ndarray
        ``[n]`` booleans.
    """
    segments = np.asarray(segments)
    spread = segments.max(axis=-1) - segments.min(axis=-1)
    return spread.max(axis=-1) > STILL_RANGE_DB
