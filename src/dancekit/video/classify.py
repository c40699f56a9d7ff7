"""Name the dance in a video: frames at 1 fps -> filter -> frame classifier -> mean probability.

The video is streamed: frames are decoded one at a time, judged by the streaming filter, and
those that may be kept are classified in batches of ``BATCH_FRAMES``. Memory is bounded by a
batch and the filter's window, not by the video's length (only each used frame's
probabilities and time are kept, for the result); the answer is the one the whole-video
path (extract every frame, ``filter_frames``, classify, average) gives.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dancekit.inference.aggregate import top_k
from dancekit.models.registry import DEFAULT_MODELS
from dancekit.models.video_cnn import load_video_model
from dancekit.video.decision import video_probabilities
from dancekit.video.filtering import FilterSettings, FrameDecision, FrameFilter, measure_frame
from dancekit.video.frame_scores import predict_frames
from dancekit.video.frames import FrameReader, to_square

#: frames classified together: the network's activations for a batch, not the frames, set the peak memory
BATCH_FRAMES = 32


@dataclass
class VideoResult:
    """What :meth:`VideoClassifier.classify` found in one video, with the frames it rests on.

    The per-frame numbers are kept so a caller can plot or check the answer, not only read it.

    Attributes
    ----------
    source : str
        The video's path.
    classes : list of str
        Class names, in the model's order.
    probabilities : np.ndarray
        ``[C]``: the mean over the frames used; the answer.
    frame_times_s : np.ndarray
        ``[n]`` times (seconds) of the frames used.
    frame_probabilities : np.ndarray
        ``[n, C]``: each used frame's probabilities.
    duration_s : float
        Length of the video.
    frames_extracted : int
        Frames decoded at the classifier's rate, used or not.
    dropped : dict of str to int
        Frames left out, per reason (black, flat, blurred, duplicate).
    model : dict of str to str
        The model's ``name`` and ``architecture``.
    warnings : list of str
        Why the answer may be weak (every frame uninformative, very few frames).
    """

    source: str
    classes: list[str]
    probabilities: np.ndarray  # [C]: mean over the frames used
    frame_times_s: np.ndarray  # [n] frames used
    frame_probabilities: np.ndarray  # [n, C]
    duration_s: float
    frames_extracted: int
    dropped: dict[str, int] = field(default_factory=dict)
    model: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The most probable class."""
        return self.top(1)[0][0]

    @property
    def confidence(self) -> float:
        """The probability of :attr:`label`, the mean over the used frames."""
        return float(np.max(self.probabilities))

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        """The best ``k`` classes of the video, most probable first.

        Parameters
        ----------
        k : int
            How many classes to list.

        Returns
        -------
        list of (str, float)
            Class name and mean probability pairs.
        """
        return top_k(self.probabilities, self.classes, k)

    def to_dict(self, top: int = 3) -> dict[str, Any]:
        """The result as JSON-ready data: what ``dancekit video --json`` prints for one file.

        Parameters
        ----------
        top : int
            How many classes the ``"top"`` list holds.

        Returns
        -------
        dict of str to Any
            Label, confidence, per-class and per-frame probabilities (rounded), frame counts,
            model and warnings.
        """
        return {"file": self.source, "status": "ok", "label": self.label, "confidence": round(self.confidence, 6),
                "top": [{"label": n, "probability": round(p, 6)} for n, p in self.top(top)],
                "probabilities": {c: round(float(p), 6) for c, p in zip(self.classes, self.probabilities)},
                "duration_s": round(self.duration_s, 3),
                "frames": {"extracted": self.frames_extracted, "used": int(len(self.frame_times_s)),
                           "dropped": dict(self.dropped), "times_s": [round(float(t), 3) for t in self.frame_times_s],
                           "probabilities": np.round(self.frame_probabilities, 5).tolist()},
                "model": self.model, "warnings": list(self.warnings)}


class VideoClassifier:
    """A loaded frame model and the settings to apply it to whole videos.

    Load once, classify many: loading the network costs more than a short video.

    Parameters
    ----------
    model : str or os.PathLike, optional
        A built-in model name or a model folder; by default the built-in video model.
    fps : float
        Frames per second taken from the video.
    device : str
        Torch device the network runs on.
    filter_settings : FilterSettings or None
        Thresholds for leaving out black, flat, blurred and repeated frames; None keeps every frame.
    """

    def __init__(self, model: str | os.PathLike | None = None, fps: float = 1.0, device: str = "cpu",
                 filter_settings: FilterSettings | None = FilterSettings()):
        self.model = load_video_model(model or DEFAULT_MODELS["video"], device)
        self.fps, self.device, self.filter_settings = fps, device, filter_settings
        self.size = int(self.model.card.frontend.get("image_size", 112))

    def classify(self, path: str | os.PathLike) -> VideoResult:
        """Name the dance of one video, streaming its frames so memory does not grow with its length.

        Parameters
        ----------
        path : str or os.PathLike
            Any video file ffmpeg reads.

        Returns
        -------
        VideoResult
            The mean probabilities over the frames kept; every frame is used (with a warning)
            when none passes the filter.
        """
        settings = self.filter_settings
        frame_filter = FrameFilter(settings) if settings is not None else None
        times, probs = {}, {}  # index -> time, [C] (when classified) of the frames not yet decided
        batch, batch_index, decided = [], [], deque()
        kept_times, kept_probs, dropped_probs, dropped = [], [], [], {}

        def settle() -> None:
            """Move decided frames whose probabilities are known to the kept (or dropped) side."""
            while decided and (not batch_index or decided[0].index < batch_index[0]):
                d = decided.popleft()
                t, p = times.pop(d.index), probs.pop(d.index, None)
                if not d.reason:
                    kept_times.append(t)
                    kept_probs.append(p)
                    dropped_probs.clear()
                    continue
                dropped[d.reason] = dropped.get(d.reason, 0) + 1
                if not kept_times:  # until a frame is kept: a video of only such frames uses them all
                    dropped_probs.append((t, p))

        def flush() -> None:
            if batch:
                for i, p in zip(batch_index, predict_frames(self.model.network, np.stack(batch), self.device)):
                    probs[i] = p
                batch.clear()
                batch_index.clear()
            settle()

        with FrameReader(path, fps=self.fps, max_side=640) as reader:
            for index, (t, image) in enumerate(reader):
                times[index] = t
                if frame_filter is None:
                    decided.append(FrameDecision(index, "", 0.0, 0))
                    classify = True
                else:
                    measure = measure_frame(image)
                    decided += frame_filter.push(measure)
                    # until a frame is kept, classify every frame: if none is, all are used
                    classify = not kept_times or measure.may_be_kept(settings)
                if classify:
                    batch.append(to_square(image, self.size))
                    batch_index.append(index)
                if len(batch) >= BATCH_FRAMES:
                    flush()
                else:
                    settle()
            if frame_filter is not None:
                decided += frame_filter.finish()
            flush()
        warnings = []
        if not kept_times:
            warnings.append("every frame looked uninformative (black, flat or blurred); used them all")
            kept_times, kept_probs, dropped = [t for t, _ in dropped_probs], [p for _, p in dropped_probs], {}
        frame_probs = np.stack(kept_probs)
        if len(frame_probs) < 3:
            warnings.append(f"only {len(frame_probs)} frame(s) to judge from; the answer is weak")
        card = self.model.card
        mean = video_probabilities(frame_probs, np.zeros(len(frame_probs), int), 1)[0]
        return VideoResult(str(path), list(card.classes), mean, np.asarray(kept_times, dtype=np.float64),
                           frame_probs, reader.duration_s, reader.count, dropped,
                           {"name": card.name, "architecture": card.architecture}, warnings)


def classify_video(path: str | os.PathLike, model: str | os.PathLike | None = None, fps: float = 1.0,
                   device: str = "cpu") -> VideoResult:
    """One-shot helper: load the model and classify one video (use :class:`VideoClassifier` for many).

    Parameters
    ----------
    path : str or os.PathLike
        The video.
    model : str or os.PathLike, optional
        Built-in name or model folder; by default the built-in video model.
    fps : float
        Frames per second to judge.
    device : str
        Where the network runs (``"cpu"``, ``"cuda"``, ...).

    Returns
    -------
    VideoResult
        The answer, with the frames it rests on.
    """
    return VideoClassifier(model, fps, device).classify(path)
