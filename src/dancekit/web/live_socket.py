"""``WS /api/live``: the live protocol, one listening session per connection.

Client -> server
  1. text ``{"type": "start", "sample_rate": 22050, "format": "s16le"}`` (format ``f32le``
     or ``s16le``, little-endian mono; any rate from 8 to 192 kHz, resampled on the server)
  2. binary messages of raw samples, in order (a few hundred ms each is right)
  3. text ``{"type": "stop"}`` for the final result (or just close the socket)

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
      big, 1013 too many sessions) when something is wrong.

A client that vanishes mid-stream just ends its session; the server carries on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import urlsplit

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from dancekit.errors import DancekitError
from dancekit.web.errors import LiveLimitError, LiveProtocolError
from dancekit.web.live import LiveSession

log = logging.getLogger("dancekit.web")
CLOSE_NORMAL, CLOSE_POLICY, CLOSE_TRY_LATER, CLOSE_INTERNAL = 1000, 1008, 1013, 1011
START_TIMEOUT_S = 10.0


class _Gone(Exception):
    """The client disconnected."""


class LiveRegistry:
    """Counts open sessions so that their number stays bounded."""

    def __init__(self, limit: int):
        self.limit = limit
        self.open = 0


def origin_allowed(websocket: WebSocket, allowed: tuple[str, ...]) -> bool:
    """Browsers send their page's origin; only this server's own (or configured ones) may listen.

    Without this check any web site a person visits could open the socket on their machine.
    Clients that are not browsers send no Origin and are let in.
    """
    origin = websocket.headers.get("origin")
    if origin is None or origin in allowed or "*" in allowed:
        return True
    return urlsplit(origin).netloc.lower() == websocket.headers.get("host", "").lower()


async def serve_live(websocket: WebSocket, engine, settings, registry: LiveRegistry) -> None:
    """Run one connection to its end, whatever the client does."""
    if not origin_allowed(websocket, settings.cors_origins):
        await websocket.close(code=CLOSE_POLICY)  # before accept: the handshake is refused (403)
        return
    await websocket.accept()
    if registry.open >= registry.limit:
        await _close(websocket, CLOSE_TRY_LATER, f"server busy: {registry.limit} live sessions already open; "
                                                 "try again later")
        return
    registry.open += 1
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
        registry.open -= 1


async def _run_session(websocket: WebSocket, engine, settings) -> None:
    message = await _receive(websocket, START_TIMEOUT_S, "no start message")
    start = _parse_text(message)
    if start["type"] != "start":
        raise LiveProtocolError('the first message must be {"type": "start", "sample_rate": ..., "format": ...}')
    identifier = engine.default
    live = LiveSession(identifier, settings, start.get("sample_rate"), start.get("format", "f32le"))
    card = identifier.model.card
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
                command = _parse_text(message)
                if command["type"] != "stop":
                    raise LiveProtocolError(f"unknown message type {command['type']!r} (expected audio or stop)")
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
            await websocket.close(code=code, reason=(error or "")[:120])
    except (_Gone, RuntimeError, OSError):
        pass


def _parse_text(message: dict) -> dict:
    text = message.get("text")
    if text is None:
        raise LiveProtocolError('expected a JSON text message, e.g. {"type": "start", ...}')
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise LiveProtocolError("text messages must be JSON objects") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise LiveProtocolError('text messages must be JSON objects with a "type"')
    return data
