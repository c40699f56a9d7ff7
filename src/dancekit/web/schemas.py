"""The JSON the API returns, as pydantic models: they document it in the OpenAPI schema.

Responses are built by the library (``IdentifyResult.to_dict``), not by these models; the
tests validate real responses against them (extra keys forbidden), so schema and output
cannot drift apart unnoticed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TopEntry(_Strict):
    """One entry of the ``top`` list: a class and its probability."""
    label: str
    probability: float


class Tempo(_Strict):
    """The ``tempo`` object: ``RhythmResult.to_dict()``."""
    tempo_bpm: float
    beats: list[float]
    beats_per_bar: int
    meter_confidence: float
    tempo_confidence: float
    tempo_candidates: list[list[float]]
    bars_per_minute: float
    matching_dances: list[str]
    description: str


class Segments(_Strict):
    """The ``segments`` object: the per-segment timeline."""
    length_s: float
    start_s: list[float]
    probabilities: list[list[float]]


class ModelRef(_Strict):
    """The ``model`` object: the model's name and version."""
    name: str
    version: str


class IdentifyRecord(_Strict):
    """One recording's answer: the object ``dancekit identify --json`` prints for each file."""

    file: str
    status: Literal["ok", "short", "no_music"]
    label: str | None
    confidence: float | None
    sure: bool
    top: list[TopEntry]
    probabilities: dict[str, float]
    network_probabilities: dict[str, float]
    duration_s: float
    tempo: Tempo | None
    segments: Segments
    model: ModelRef
    warnings: list[str]


class ErrorRecord(_Strict):
    """Every error: one line, in the shape of the CLI's error record."""

    file: str | None = None
    status: Literal["error"]
    error: str


class Health(_Strict):
    """The ``/api/health`` answer."""
    status: Literal["ok"]
    model: str
    uptime_s: float
    jobs: dict[str, int]
    live_sessions: int


ERROR_RESPONSES = {
    413: {"model": ErrorRecord, "description": "the file is over the upload limit, or the recording over the duration limit"},
    415: {"model": ErrorRecord, "description": "not an audio or video file, no audio stream in it, a playlist, or an implausible sample rate or unknown codec"},
    422: {"model": ErrorRecord, "description": "a recording that cannot be decoded, an empty file, or no file"},
    503: {"model": ErrorRecord, "description": "every worker busy and the queue full: retry shortly"},
}
