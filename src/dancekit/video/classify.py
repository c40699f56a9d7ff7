"""Name the dance in a video: frames at 1 fps -> filter -> frame classifier -> mean probability."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dancekit.inference.aggregate import top_k
from dancekit.video.decision import video_probabilities
from dancekit.video.filtering import FilterSettings, filter_frames
from dancekit.video.frames import extract_frames, to_square

#: built-in model ``dancekit video`` uses when no --model is given
DEFAULT_VIDEO_MODEL = "video_dance"


@dataclass
class VideoResult:
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
        return self.top(1)[0][0]

    @property
    def confidence(self) -> float:
        return float(np.max(self.probabilities))

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        return top_k(self.probabilities, self.classes, k)

    def to_dict(self, top: int = 3) -> dict[str, Any]:
        return {"file": self.source, "status": "ok", "label": self.label, "confidence": round(self.confidence, 6),
                "top": [{"label": n, "probability": round(p, 6)} for n, p in self.top(top)],
                "probabilities": {c: round(float(p), 6) for c, p in zip(self.classes, self.probabilities)},
                "duration_s": round(self.duration_s, 3),
                "frames": {"extracted": self.frames_extracted, "used": int(len(self.frame_times_s)),
                           "dropped": dict(self.dropped), "times_s": [round(float(t), 3) for t in self.frame_times_s],
                           "probabilities": np.round(self.frame_probabilities, 5).tolist()},
                "model": self.model, "warnings": list(self.warnings)}


class VideoClassifier:
    """A loaded frame model and the settings to apply it to whole videos."""

    def __init__(self, model: str | os.PathLike | None = None, fps: float = 1.0, device: str = "cpu",
                 filter_settings: FilterSettings | None = FilterSettings()):
        from dancekit.models.video_cnn import load_video_model

        self.model = load_video_model(model or DEFAULT_VIDEO_MODEL, device)
        self.fps, self.device, self.filter_settings = fps, device, filter_settings
        self.size = int(self.model.card.frontend.get("image_size", 112))

    def classify(self, path: str | os.PathLike) -> VideoResult:
        from dancekit.training.video import predict_frames

        frames = extract_frames(path, fps=self.fps, max_side=640)
        extracted, warnings, dropped = len(frames), [], {}
        if self.filter_settings is not None:
            verdict = filter_frames(frames.images, self.filter_settings)
            dropped = {k: v for k, v in verdict.counts().items() if k != "kept"}
            if verdict.keep.any():
                frames = frames.subset(verdict.kept)
            else:
                warnings.append("every frame looked uninformative (black, flat or blurred); used them all")
                dropped = {}
        probs = predict_frames(self.model.network, to_square(frames.images, self.size), self.device)
        if len(probs) < 3:
            warnings.append(f"only {len(probs)} frame(s) to judge from; the answer is weak")
        card = self.model.card
        return VideoResult(str(path), list(card.classes), video_probabilities(probs, np.zeros(len(probs), int))[0],
                           frames.times_s, probs, frames.duration_s, extracted, dropped,
                           {"name": card.name, "architecture": card.architecture}, warnings)


def classify_video(path: str | os.PathLike, model: str | os.PathLike | None = None, fps: float = 1.0,
                   device: str = "cpu") -> VideoResult:
    """One-shot helper: load the model and classify one video."""
    return VideoClassifier(model, fps, device).classify(path)
