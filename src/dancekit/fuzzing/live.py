"""Target: the live socket ``WS /api/live``, fed hostile message sequences.

Why its own module: the socket parses JSON from strangers, converts their bytes to samples at a
rate they choose and answers as it goes, so its failures differ from an upload's: a start message
with a wrong type in a field, JSON nested 100,000 deep, binary before start, text where audio is
due, NaN samples. Each case is one session (or several at once, for the session limit) and is
judged by what the server sent and the close code it ended with.
"""

from __future__ import annotations

import time
from contextlib import ExitStack

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from dancekit.fuzzing.cases import WS, Case
from dancekit.fuzzing.outcomes import BAD, CLEAN_ERROR, CRASH, HANG, MEMORY, Run, Verdict, judge_close
from dancekit.fuzzing.watch import Limits
from dancekit.fuzzing.web import Server, _after

TARGET = "web"
MODE = "live"


def run(cases: list[Case], server: Server, limits: Limits, log=None) -> list[Run]:
    """Play every WebSocket case against ``server`` and judge each session.

    Parameters
    ----------
    cases : list of Case
        Cases of any kind; only WebSocket ones are played.
    server : Server
        A started server (restarted when a case kills it).
    limits : Limits
        Time per session.
    log : callable, optional
        Called with one progress line per session.

    Returns
    -------
    list of Run
    """
    runs = []
    for case in (c for c in cases if c.kind == WS):
        log_from = len(server.log_text)
        t0 = time.monotonic()
        if case.sessions > 1:
            verdict = _many(case, server, limits)
        else:
            verdict = _one(case, server, limits)
        if verdict.outcome in (HANG, CRASH, MEMORY) and (not server.alive or verdict.outcome != CRASH):
            if server.blew_up:
                verdict = Verdict(MEMORY, f"server resident memory {server.blew_up / 2**20:.0f} MB")
            server.restart()
        else:
            verdict = _after(server, log_from, verdict)
        runs.append(Run.of(TARGET, MODE, case, verdict, time.monotonic() - t0))
    return runs


def _url(server: Server) -> str:
    return server.url.replace("http://", "ws://") + "/api/live"


def _connect(server: Server, case: Case):
    return connect(_url(server), additional_headers=list(case.headers) or None, open_timeout=15, close_timeout=5,
                   max_size=None)


def _one(case: Case, server: Server, limits: Limits) -> Verdict:
    with ExitStack() as stack:
        try:
            ws = stack.enter_context(_connect(server, case))
        except InvalidStatus as err:
            status = err.response.status_code
            kind = CLEAN_ERROR if 400 <= status < 500 else CRASH
            return Verdict(kind, f"handshake refused with HTTP {status}")
        except (OSError, TimeoutError) as err:
            return Verdict(CRASH, f"cannot connect: {type(err).__name__}: {err}")
        for kind, payload in case.messages:
            try:
                if kind in ("text", "binary"):
                    ws.send(payload)
                elif kind == "sleep":
                    time.sleep(payload)
                elif kind == "close":
                    ws.close(payload)
                    break
            except ConnectionClosed:
                break
        return _listen(case, ws, limits)


def _listen(case: Case, ws, limits: Limits) -> Verdict:
    """Read until the server closes; judge everything it said."""
    texts: list[str] = []
    deadline = time.monotonic() + limits.seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return judge_close(case, None, "", texts)
        try:
            message = ws.recv(timeout=left)
        except TimeoutError:
            return judge_close(case, None, "", texts)
        except ConnectionClosed as closed:
            rcvd = closed.rcvd
            code = rcvd.code if rcvd is not None else 1006
            return judge_close(case, code, rcvd.reason if rcvd is not None else "", texts)
        if isinstance(message, str):
            texts.append(message)
        else:
            return Verdict(CRASH, f"the server sent {len(message)} binary bytes")


def _many(case: Case, server: Server, limits: Limits) -> Verdict:
    """``case.sessions`` connections at once: those over the limit must get 1013, the others their answer."""
    sockets, verdicts = [], []
    with ExitStack() as stack:
        for _ in range(case.sessions):
            try:
                ws = stack.enter_context(_connect(server, case))
            except Exception as err:  # noqa: BLE001
                verdicts.append(Verdict(CRASH, f"cannot connect: {type(err).__name__}"))
                continue
            sockets.append(ws)
        first, *rest = case.messages
        for ws in sockets:
            try:
                ws.send(first[1])
            except ConnectionClosed:
                pass
        for ws in sockets:
            for kind, payload in rest:
                try:
                    if kind in ("text", "binary"):
                        ws.send(payload)
                except ConnectionClosed:
                    break
            verdicts.append(_listen(case, ws, limits))
    bad = [v for v in verdicts if v.outcome in BAD]
    if bad:
        return bad[0]
    clean = [v for v in verdicts if v.outcome == CLEAN_ERROR]
    if clean:
        return Verdict(CLEAN_ERROR, f"{len(clean)} of {case.sessions} sessions refused: {clean[0].detail}")
    return Verdict(verdicts[0].outcome, f"all {case.sessions} sessions served (limit not enforced?): {verdicts[0].detail}")
