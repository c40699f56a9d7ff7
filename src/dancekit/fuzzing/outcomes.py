"""What happened to one case: a single outcome name and a one-line detail.

Why one vocabulary for every target: the counts table compares the API, the command line and the
web server family by family, so "a clean error" must mean the same thing everywhere: a one-line
message a person can act on (CLI exit 2/3/4, HTTP 4xx with the JSON error record, a WebSocket
close 1008/1009/1013 after an error message, a ``DancekitError`` from the API, or ``ValueError``
/``TypeError`` for an argument that is wrong). Everything else that is not a sensible answer is a
failure, and which failure tells the person fixing it where to look.
"""

from __future__ import annotations

import json
import math
import re
import signal
from dataclasses import dataclass
from typing import Any

RESULT, CLEAN_ERROR = "result", "clean_error"
NOT_SENSIBLE, CRASH, HANG, MEMORY, TRACEBACK, NAN_OUTPUT, SSRF = (
    "not_sensible", "crash", "hang", "memory", "traceback", "nan_output", "ssrf")
#: Every outcome, in the column order of the counts table.
OUTCOMES = (RESULT, CLEAN_ERROR, NOT_SENSIBLE, CRASH, HANG, MEMORY, TRACEBACK, NAN_OUTPUT, SSRF)
#: Outcomes that fail the benchmark and the CI tests.
BAD = frozenset(OUTCOMES[2:])

#: Close codes of the live socket that end a session cleanly after an error message.
CLEAN_CLOSE_CODES = (1008, 1009, 1013)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one run of one case, with the detail a person fixing it needs (one line).

    Parameters
    ----------
    outcome : str
        One of ``OUTCOMES`` (``result``, ``clean_error``, ``crash``, ``hang``...).
    detail : str
        One line for a person.
    """

    outcome: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")
        object.__setattr__(self, "detail", one_line(self.detail))

    @property
    def bad(self) -> bool:
        """Whether the outcome fails the benchmark (one of ``BAD``: not a result nor a clean error)."""
        return self.outcome in BAD


def one_line(text: Any, limit: int = 300) -> str:
    """``text`` on one line, cut to ``limit`` characters.

    Parameters
    ----------
    text : object
        Anything; ``str(text)`` is shortened.
    limit : int
        Most characters kept.

    Returns
    -------
    str
    """
    flat = " | ".join(part.strip() for part in str(text).splitlines() if part.strip())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def has_nan(obj: Any) -> bool:
    """True when a NaN or an infinity hides anywhere in a JSON-like structure.

    Parameters
    ----------
    obj : object
        Nested dicts, lists and numbers.

    Returns
    -------
    bool
    """
    if isinstance(obj, float):
        return not math.isfinite(obj)
    if isinstance(obj, dict):
        return any(has_nan(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return any(has_nan(v) for v in obj)
    return False


def nan_in_text(text: str) -> bool:
    """True when JSON text carries the non-standard ``NaN`` / ``Infinity`` tokens (outside strings).

    Parsed rather than searched: an error message may well quote the word NaN.

    Parameters
    ----------
    text : str
        A JSON document.

    Returns
    -------
    bool
    """
    found = []

    def constant(token: str) -> float:
        found.append(token)
        return float(token.replace("Infinity", "inf"))

    try:
        json.loads(text or "null", parse_constant=constant)
    except ValueError:
        return False
    return bool(found)


def canary_verdict(verdict: Verdict, hits: list[str]) -> Verdict:
    """A fetch from the canary server overrides everything: the upload made the server reach out.

    Parameters
    ----------
    verdict : Verdict
        The verdict so far.
    hits : list of str
        The canary requests of the run.

    Returns
    -------
    Verdict
    """
    if hits:
        return Verdict(SSRF, f"{len(hits)} request(s) to the canary server: {', '.join(sorted(set(hits)))}")
    return verdict


def judge_record(case, record: Any, text: str = "") -> Verdict:
    """Judge one ``identify --json`` object (from the CLI, the web API or ``result.to_dict()``).

    Parameters
    ----------
    case : Case
        Supplies the hints: ``music``, ``duration_s``, ``fetch``.
    record : dict
        The parsed object.
    text : str
        The raw text it was parsed from (searched for "Traceback" and NaN tokens).
    """
    if "Traceback" in text:
        return Verdict(TRACEBACK, "'Traceback' in the output")
    if not isinstance(record, dict):
        return Verdict(CRASH, f"output is not a JSON object: {type(record).__name__}")
    status = record.get("status")
    if status == "error":
        return _judge_error_text(record.get("error"))
    if has_nan(record) or nan_in_text(text):
        return Verdict(NAN_OUTPUT, f"NaN or Infinity in the result ({_summary(record)})")
    if case.fetch:
        return Verdict(SSRF, f"decoded what the playlist points at: {_summary(record)}")
    label = record.get("label")
    if case.music is False and label is not None:
        return Verdict(NOT_SENSIBLE, f"answered for non-music: {_summary(record)}")
    if label is not None:
        probs = record.get("probabilities")
        if isinstance(probs, dict) and probs and abs(sum(float(p) for p in probs.values()) - 1.0) > 1e-3:
            return Verdict(NOT_SENSIBLE, f"probabilities sum to {sum(probs.values()):.4f}: {_summary(record)}")
    duration = record.get("duration_s")
    if not isinstance(duration, (int, float)) or duration < 0:
        return Verdict(NOT_SENSIBLE, f"duration_s is {duration!r}")
    if case.duration_s is not None and abs(duration - case.duration_s) > max(0.1, 0.02 * case.duration_s):
        return Verdict(NOT_SENSIBLE, f"duration {duration} s, expected {case.duration_s} s: {_summary(record)}")
    if case.music is True and status not in ("ok", "short"):
        return Verdict(NOT_SENSIBLE, f"a recording of music answered {status!r}: {_summary(record)}")
    return Verdict(RESULT, _summary(record))


def _judge_error_text(error: Any) -> Verdict:
    if not isinstance(error, str) or not error.strip():
        return Verdict(CRASH, f"error record without a message: {error!r}")
    if "Traceback" in error:
        return Verdict(TRACEBACK, error)
    if "\n" in error.strip():
        return Verdict(CRASH, f"error message of several lines: {error}")
    if error.startswith("internal error"):
        return Verdict(CRASH, error)
    return Verdict(CLEAN_ERROR, error)


def _summary(record: dict) -> str:
    conf = record.get("confidence")
    conf_text = f" {conf:.0%}" if isinstance(conf, float) and math.isfinite(conf) else ""
    return f"{record.get('status')} {record.get('label')}{conf_text}, {record.get('duration_s')} s"


def judge_exception(case, type_name: str, message: str, dancekit_error: bool, argument_error: bool) -> Verdict:
    """Judge an exception raised by ``dancekit.identify``.

    ``DancekitError`` is a clean answer; so are ``ValueError``/``TypeError`` (``argument_error``)
    when the case hands the API a bad argument. Any other exception is a crash.

    Parameters
    ----------
    case : Case
        The case that raised.
    type_name, message : str
        The exception's class name and message.
    dancekit_error : bool
        It is a ``DancekitError``.
    argument_error : bool
        It is a ``ValueError`` or ``TypeError``.

    Returns
    -------
    Verdict
    """
    text = f"{type_name}: {message}"
    if "Traceback" in message:
        return Verdict(TRACEBACK, text)
    if dancekit_error:
        if not message.strip():
            return Verdict(CRASH, f"{type_name} without a message")
        return Verdict(CLEAN_ERROR, text)
    if argument_error and case.argument:
        return Verdict(CLEAN_ERROR, text)
    return Verdict(CRASH, text)


def stderr_lines(stderr: str) -> list[str]:
    r"""The lines a person sees on a terminal: progress-bar redraws (``\r``) dropped.

    Parameters
    ----------
    stderr : str
        Raw standard error.

    Returns
    -------
    list of str
        Non-empty lines.
    """
    lines = []
    for raw in stderr.splitlines():
        visible = raw.split("\r")[-1].strip()
        if visible and not _PROGRESS.search(visible):
            lines.append(visible)
    return lines


_PROGRESS = re.compile(r"\d+/\d+ \[")


def judge_exit(returncode: int, stdout: str, stderr: str) -> Verdict:
    """Judge a command-line run that printed no usable JSON for the file (or failed as a whole).

    Parameters
    ----------
    returncode : int
        The command's exit code.
    stdout, stderr : str
        What it printed.

    Returns
    -------
    Verdict
    """
    if "Traceback" in stdout or "Traceback" in stderr:
        return Verdict(TRACEBACK, _last(stderr_lines(stderr)) or "'Traceback' in the output")
    lines = stderr_lines(stderr)
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return Verdict(CRASH, f"killed by {name}" + (f": {_last(lines)}" if lines else ""))
    if returncode in (2, 3, 4):
        if len(lines) == 1:
            return Verdict(CLEAN_ERROR, f"exit {returncode}: {lines[0]}")
        if lines and lines[-1].startswith("error:"):
            return Verdict(CLEAN_ERROR, f"exit {returncode} ({len(lines)} lines on stderr): {lines[-1]}")
        return Verdict(CRASH, f"exit {returncode} with {len(lines)} lines on stderr: {_last(lines)}")
    if returncode == 0:
        return Verdict(CRASH, "exit 0 without a JSON record for the file")
    return Verdict(CRASH, f"exit {returncode}: {_last(lines)}")


def _last(lines: list[str]) -> str:
    return lines[-1] if lines else ""


def judge_http(case, status: int, text: str, record_expected: bool) -> Verdict:
    """Judge an HTTP response: 4xx with the one-line JSON error is clean, 5xx is a crash.

    ``record_expected``: a 2xx answer must be the ``identify --json`` object (upload endpoints).

    Parameters
    ----------
    case : Case
        The case sent; a 2xx record is judged against it (see :func:`judge_record`).
    status : int
        HTTP status.
    text : str
        Response body.
    record_expected : bool
        A 2xx answer must be the ``identify --json`` object (upload endpoints).

    Returns
    -------
    Verdict
    """
    if "Traceback" in text:
        return Verdict(TRACEBACK, f"HTTP {status} with 'Traceback' in the body")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if status >= 500:
        if isinstance(error, str) and "Out of range float" in error:
            return Verdict(NAN_OUTPUT, f"HTTP {status}: {error}")
        return Verdict(CRASH, f"HTTP {status}: {error if error is not None else text[:200]}")
    if 400 <= status < 500:
        if isinstance(body, dict) and body.get("status") == "error":
            verdict = _judge_error_text(error)
            if verdict.outcome == CLEAN_ERROR:
                return Verdict(CLEAN_ERROR, f"HTTP {status}: {error}")
            return verdict
        return Verdict(CRASH, f"HTTP {status} without the JSON error record: {text[:200]}")
    if nan_in_text(text):
        return Verdict(NAN_OUTPUT, f"HTTP {status} with NaN/Infinity in the body")
    if record_expected and 200 <= status < 300:
        verdict = judge_record(case, body, text)
        return Verdict(verdict.outcome, f"HTTP {status}: {verdict.detail}")
    return Verdict(RESULT, f"HTTP {status}")


def judge_close(case, code: int | None, reason: str, messages: list[str]) -> Verdict:
    """Judge a live-socket session from what the server sent and how it closed.

    Parameters
    ----------
    case : Case
        The session's case; its answers are judged against it.
    code, reason
        The close frame the server sent (None: no close within the time limit).
    messages
        Every text message the server sent, in order.

    Returns
    -------
    Verdict
    """
    joined = "\n".join(messages)
    if "Traceback" in joined or "Traceback" in reason:
        return Verdict(TRACEBACK, "'Traceback' in a message")
    parsed = []
    for m in messages:
        try:
            parsed.append(json.loads(m))
        except ValueError:
            return Verdict(CRASH, f"a message that is not JSON: {m[:120]}")
    if nan_in_text(joined) or any(has_nan(p) for p in parsed):
        return Verdict(NAN_OUTPUT, "NaN or Infinity in a message")
    errors = [p.get("error") for p in parsed if isinstance(p, dict) and p.get("type") == "error"]
    final = [p for p in parsed if isinstance(p, dict) and p.get("type") == "result" and p.get("final")]
    if code == 1011 or (errors and str(errors[-1]).startswith("internal error")):
        return Verdict(CRASH, f"close {code}: {errors[-1] if errors else reason}")
    if code in CLEAN_CLOSE_CODES:
        message = errors[-1] if errors else reason
        if not message:
            return Verdict(CRASH, f"close {code} without an error message")
        return Verdict(CLEAN_ERROR, f"close {code}: {message}")
    if final:
        verdict = judge_record(case, final[-1].get("result"), json.dumps(final[-1].get("result")))
        return Verdict(verdict.outcome, f"final result, close {code}: {verdict.detail}")
    if code in (1000, 1001):
        return Verdict(RESULT, f"close {code} without a final result")
    if code is None:
        return Verdict(HANG, "no close from the server")
    return Verdict(CRASH, f"close {code}: {reason or (errors[-1] if errors else '')}")


@dataclass(frozen=True)
class Run:
    """One case run through one target in one mode (``path``, ``bytes``, ``upload``...), judged.

    Parameters
    ----------
    target, mode : str
        Where and how the case ran.
    case_id, family : str
        The case.
    outcome, detail : str
        The verdict.
    seconds : float
        How long the run took.
    """

    target: str
    mode: str
    case_id: str
    family: str
    outcome: str
    detail: str
    seconds: float

    @property
    def bad(self) -> bool:
        """Whether the outcome is one of ``BAD``."""
        return self.outcome in BAD

    @classmethod
    def of(cls, target: str, mode: str, case, verdict: Verdict, seconds: float) -> "Run":
        """A run from a case and its verdict.

        Parameters
        ----------
        target, mode : str
            Where and how the case ran.
        case : Case
            The case.
        verdict : Verdict
            How it was judged.
        seconds : float
            How long it took (rounded to ms).

        Returns
        -------
        Run
        """
        return cls(target, mode, case.id, case.family, verdict.outcome, verdict.detail, round(seconds, 3))
