"""``WS /api/live``: the live protocol, one listening session per connection.

Client -> server
  1. text ``{"type": "start", "sample_rate": 22050, "format": "s16le"}`` (format ``f32le``
     or ``s16le``, little-endian mono; any whole number of Hz from 8 to 192 kHz, resampled
     on the server; no other fields)
  2. binary messages of raw samples, in order (a few hundred ms each is right)
  3. text ``{"type": "stop"}`` for the final result (or just close the socket)

Text messages are JSON objects of at most 4096 bytes; anything else (not JSON, nested too
deep, a field of the wrong type, an unknown field) is a protocol error (close 1008), never
an internal one.

Server -> client (text JSON)
  ``{"type": "ready", "sample_rate": ..., "first_result_s": 5.2, "classes": [...], "limits": {...}}``
  then on every ``live_update_s`` of new audio (twice a second in real time):
  ``{"type": "listening", "heard_s": ..., "first_result_s": 5.2, "level_dbfs": ...}`` until
      the first 5.2 s segment is complete, then
  ``{"type": "result", "final": false, "heard_s": ..., "level_dbfs": ..., "processing_ms": ...,
      "result": {...}}`` where ``result`` is the CLI's JSON object for the audio so far;
  ``{"type": "result", "final": true, ...}`` after ``stop`` (the library's result for the
      whole stream), then the server closes (1000);
  ``{"type": "error", "error": "..."}`` and a close (1008 limit or protocol, 1009 message too
      big, 1013 too many sessions, on the server or from this client's address) when
      something is wrong.

Host, Origin and the access token are checked before the handshake (``access.AccessGuard``).

A client that vanishes mid-stream just ends its session; the server carries on.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from dancekit.errors import DancekitError
from dancekit.web.access import client_address, close_reason
from dancekit.web.errors import LiveLimitError, LiveProtocolError
from dancekit.web.live import FORMATS, MAX_RATE, MIN_RATE, LiveSession

log = logging.getLogger("dancekit.web")
CLOSE_NORMAL, CLOSE_POLICY, CLOSE_TRY_LATER, CLOSE_INTERNAL = 1000, 1008, 1013, 1011
START_TIMEOUT_S = 10.0
#: Longest text message: control messages are a few dozen bytes.
MAX_TEXT_BYTES = 4096
START_EXAMPLE = '{"type": "start", "sample_rate": 22050, "format": "s16le"}'


class _Gone(Exception):
    """The client disconnected."""


class LiveRegistry:
    """Counts open sessions, in all and per client address, so that both stay bounded.

    Parameters
    ----------
    limit
        sessions open at once on the server.
    per_client
        sessions open at once from one client address (0: no limit of its own).
    """

    def __init__(self, limit: int, per_client: int = 0):
        self.limit = limit
        self.per_client = per_client
        self.open = 0
        self.by_client: collections.Counter[str] = collections.Counter()

    def refusal(self, client: str) -> str | None:
        """Why a new session from ``client`` cannot open now, or None.

        Parameters
        ----------
        client : str
            The client's address.

        Returns
        -------
        str or None
        """
        if self.open >= self.limit:
            return f"server busy: {self.limit} live sessions already open; try again later"
        if self.per_client and self.by_client[client] >= self.per_client:
            return (f"too many live sessions from {client}: {self.by_client[client]} open, the limit is "
                    f"{self.per_client} per client; stop one and try again")
        return None

    def enter(self, client: str) -> None:
        """Count a session of ``client`` as open.

        Parameters
        ----------
        client : str
            The client's address.
        """
        self.open += 1
        self.by_client[client] += 1

    def leave(self, client: str) -> None:
        """Count a session of ``client`` as closed.

        Parameters
        ----------
        client : str
            The client's address.
        """
        self.open -= 1
        self.by_client[client] -= 1
        if self.by_client[client] <= 0:
            del self.by_client[client]


async def serve_live(websocket: WebSocket, engine, settings, registry: LiveRegistry) -> None:
    """Run one connection to its end, whatever the client does.

    Parameters
    ----------
    websocket : WebSocket
        The connection.
    engine : Engine
        The loaded models.
    settings : WebSettings
        The live limits.
    registry : LiveRegistry
        The open sessions of the server.
    """
    await websocket.accept()
    client = client_address(websocket.scope)
    refusal = registry.refusal(client)
    if refusal is not None:
        await _close(websocket, CLOSE_TRY_LATER, refusal)
        return
    registry.enter(client)
    try:
        await _run_session(websocket, engine, settings)
    except _Gone:
        log.info("live client disconnected")
    except (LiveLimitError, LiveProtocolError) as err:
        await _close(websocket, err.close_code, str(err))
    except DancekitError as err:  # audio the library refuses (e.g. stop before any audio)
        await _close(websocket, CLOSE_POLICY, str(err))
    except Exception as err:  # one line to the client; the server keeps serving
        log.exception("live session failed")
        await _close(websocket, CLOSE_INTERNAL, f"internal error: {type(err).__name__}")
    finally:
        registry.leave(client)


async def _run_session(websocket: WebSocket, engine, settings) -> None:
    message = await _receive(websocket, START_TIMEOUT_S, "no start message")
    sample_rate, sample_format = parse_start(message)
    identifier = engine.default
    live = LiveSession(identifier, settings, sample_rate, sample_format)
    card = identifier.card
    await _send(websocket, {"type": "ready", "sample_rate": identifier.sample_rate, "client_rate": live.client_rate,
                            "first_result_s": round(live.segment_s, 3), "classes": identifier.classes,
                            "model": {"name": card.name, "version": card.version},
                            "limits": settings.public_limits()})
    rhythm_task: asyncio.Task | None = None

    async def measure_rhythm(job):
        try:
            live.rhythm = await asyncio.to_thread(job)
        except DancekitError as err:  # a window without usable onsets: keep the last tempo
            log.info("live tempo skipped: %s", err)

    try:
        while True:
            timeout = min(settings.live_idle_timeout_s, live.check_clock())
            try:
                message = await _receive(websocket, timeout, "")
            except LiveLimitError:
                live.check_clock()  # the wall-clock limit, if that is what ran out
                raise LiveLimitError(f"no audio for {settings.live_idle_timeout_s:g} s: "
                                     "closing the live session") from None
            if message.get("bytes") is None:
                parse_stop(message)
                result = await asyncio.to_thread(live.finish)
                await _send(websocket, {"type": "result", "final": True, "heard_s": round(live.heard_s, 2),
                                        "result": result})
                await _close(websocket, CLOSE_NORMAL)
                return
            data = message["bytes"]
            live.check_message(len(data))
            await asyncio.to_thread(live.push, data)
            if not live.update_due():
                continue
            if (rhythm_task is None or rhythm_task.done()) and live.rhythm_due():
                rhythm_task = asyncio.create_task(measure_rhythm(live.rhythm_job()))
            if live.has_result:
                result, busy_ms = await asyncio.to_thread(live.update)
                await _send(websocket, {"type": "result", "final": False, "heard_s": round(live.heard_s, 2),
                                        "level_dbfs": round(live.last_level_dbfs, 1),
                                        "processing_ms": round(busy_ms, 2), "result": result})
            else:
                live.mark_updated()
                await _send(websocket, {"type": "listening", "heard_s": round(live.heard_s, 2),
                                        "first_result_s": round(live.segment_s, 3),
                                        "level_dbfs": round(live.last_level_dbfs, 1)})
    finally:
        if rhythm_task is not None and not rhythm_task.done():
            rhythm_task.cancel()


async def _receive(websocket: WebSocket, timeout: float, what: str) -> dict:
    try:
        message = await asyncio.wait_for(websocket.receive(), timeout)
    except asyncio.TimeoutError:
        raise LiveLimitError(f"{what or 'no message'} within {timeout:g} s") from None
    except (WebSocketDisconnect, RuntimeError, OSError) as err:
        raise _Gone() from err
    if message["type"] == "websocket.disconnect":
        raise _Gone()
    return message


async def _send(websocket: WebSocket, message: dict) -> None:
    try:
        await websocket.send_text(json.dumps(message, allow_nan=False))
    except (WebSocketDisconnect, RuntimeError, OSError) as err:
        raise _Gone() from err


async def _close(websocket: WebSocket, code: int, error: str | None = None) -> None:
    try:
        if error is not None:
            await _send(websocket, {"type": "error", "error": error})
        if websocket.application_state != WebSocketState.DISCONNECTED:
            await websocket.close(code=code, reason=close_reason(error or ""))
    except (_Gone, RuntimeError, OSError):
        pass


def parse_text(message: dict) -> dict:
    """A text message as a JSON object with a string ``type``; anything else is a protocol error.

    Parameters
    ----------
    message : dict
        The ASGI WebSocket message.

    Returns
    -------
    dict
    """
    text = message.get("text")
    if not isinstance(text, str):
        raise LiveProtocolError(f"expected a JSON text message, e.g. {START_EXAMPLE}")
    if len(text) > MAX_TEXT_BYTES or len(text.encode("utf-8", "replace")) > MAX_TEXT_BYTES:
        raise LiveProtocolError(f"text messages must be at most {MAX_TEXT_BYTES} bytes")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, a number too long to convert, nested too deep
        raise LiveProtocolError("text messages must be JSON objects") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise LiveProtocolError('text messages must be JSON objects with a "type" string')
    return data


def parse_start(message: dict) -> tuple[int, str]:
    """The first message: ``(sample_rate, format)``, each field checked by type and range.

    Parameters
    ----------
    message : dict
        The session's first ASGI WebSocket message (JSON text, ``type`` "start").

    Returns
    -------
    tuple of (int, str)
    """
    data = parse_text(message)
    if data["type"] != "start":
        raise LiveProtocolError(f"the first message must be {START_EXAMPLE}, got type {_short(data['type'])}")
    _no_other_fields(data, ("type", "sample_rate", "format"))
    if "sample_rate" not in data:
        raise LiveProtocolError(f"the start message needs a sample_rate, e.g. {START_EXAMPLE}")
    rate = data["sample_rate"]
    if not isinstance(rate, int) or isinstance(rate, bool) or not MIN_RATE <= rate <= MAX_RATE:
        raise LiveProtocolError(f"sample_rate must be a whole number of Hz from {MIN_RATE} to {MAX_RATE}, "
                                f"got {_short(rate)}")
    sample_format = data.get("format", "f32le")
    if not isinstance(sample_format, str) or sample_format not in FORMATS:
        raise LiveProtocolError(f"format must be one of {', '.join(FORMATS)}, got {_short(sample_format)}")
    return rate, sample_format


def parse_stop(message: dict) -> None:
    """A text message while streaming: only ``{"type": "stop"}`` is one.

    Parameters
    ----------
    message : dict
        The ASGI WebSocket message.
    """
    data = parse_text(message)
    if data["type"] != "stop":
        raise LiveProtocolError(f"unknown message type {_short(data['type'])} (expected audio or stop)")
    _no_other_fields(data, ("type",))


def _no_other_fields(data: dict, allowed: tuple[str, ...]) -> None:
    extra = [key for key in data if key not in allowed]
    if extra:
        raise LiveProtocolError(f"unknown field {_short(extra[0])} in a {data['type']} message "
                                f"(allowed: {', '.join(allowed)})")


def _short(value) -> str:
    """A client's value in a one-line message: its JSON, cut short."""
    try:
        text = json.dumps(value, allow_nan=True) if not isinstance(value, str) else repr(value)
    except (ValueError, RecursionError, TypeError):
        text = type(value).__name__
    return text if len(text) <= 40 else text[:40] + "..."
