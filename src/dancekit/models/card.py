"""The model card (``model.json``): what a model is, apart from reading and writing model folders,
so that the registry, which builds a network from a card, needs nothing that loads files."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from dancekit.errors import ModelError

CARD_FORMAT = 1


@dataclass
class ModelCard:
    """What a model is, how to feed it, and what it was shown to do."""

    name: str
    task: str  # "dance" or "genre"
    architecture: str
    classes: list[str]
    frontend: dict[str, Any]
    architecture_args: dict[str, Any] = field(default_factory=dict)
    segment_frames: int = 224
    default_stride: int = 200
    summary: str = ""
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    version: str = "1"
    dancekit_version: str = ""
    card_format: int = CARD_FORMAT

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelCard":
        known = {f.name for f in dataclasses.fields(cls)}
        missing = [n for n in ("name", "task", "architecture", "classes", "frontend") if n not in data]
        if missing:
            raise ModelError(f"model card lacks {', '.join(missing)}")
        return cls(**{k: v for k, v in data.items() if k in known})
