"""Target: a real ``dancekit serve``: uploads, raw HTTP requests and schemathesis on /openapi.json.

Why a real server in a child process: what a client meets is uvicorn, the middleware, the
multipart parser, the job queue and the library together, and a server that dies or bloats must
be seen as such (its resident memory is sampled every 50 ms; past the limit it is killed and the
request in flight is the culprit). Requests go one at a time, so whatever the server logs during
a request (a "Traceback") and any fetch from the canary belong to that request. After a hang, a
blow-up or a death the server is started again for the next case.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path

from dancekit.fuzzing.canary import Canary, token
from dancekit.fuzzing.cases import FILE, HTTP, Case
from dancekit.fuzzing.outcomes import (CLEAN_ERROR, CRASH, HANG, MEMORY, NOT_SENSIBLE, SSRF, TRACEBACK, Run, Verdict,
                                       canary_verdict, judge_http)
from dancekit.fuzzing.watch import Limits, Watched

TARGET = "web"
UPLOAD_PATHS = ("/api/identify", "/api/genre")
#: Seconds for the server to load its models and warm up.
STARTUP_S = 180.0
_URL = re.compile(r"open https?://[^:/\s]+:(\d+)/")
#: What a file the server must never serve looks like (traversal cases).
_LEAKS = ("[project]", "root:x:0:0", "BEGIN PRIVATE KEY")


@lru_cache(maxsize=None)
def _unthrottled() -> tuple[str, ...]:
    """Options that lift the per-client upload rate limit, where ``dancekit serve`` has one.

    The harness is one client sending hundreds of uploads a minute; throttling it would turn every
    case into the same 429.
    """
    usage = subprocess.run([sys.executable, "-m", "dancekit", "serve", "--help"], capture_output=True, text=True,
                           timeout=120).stdout
    return ("--uploads-per-minute", "0") if "--uploads-per-minute" in usage else ()


class Server:
    """``dancekit serve`` on 127.0.0.1 (a free port) in a watched child; restartable.

    Parameters
    ----------
    workdir : Path
        The server's working folder (holds canary copies, so relative playlist entries find one).
    model : str, optional
        ``--model`` (default: the built-in dance model).
    limits : Limits
        ``rss_bytes`` is the server's memory limit.
    genre : bool
        Serve ``/api/genre`` with the built-in genre model (else ``--no-genre``).
    log : callable, optional
        Told about restarts.
    options : sequence of str
        More ``dancekit serve`` options (``--workers``, ``--max-queue``...).
    env : dict, optional
        Environment variables set for the server on top of this process's (``OMP_NUM_THREADS``...).

    Attributes
    ----------
    samples : list of (float, int)
        (``time.monotonic()``, resident bytes) every 50 ms while the server runs.
    """

    def __init__(self, workdir: Path, model: str | None = None, limits: Limits = Limits(), genre: bool = True,
                 log=None, options: tuple[str, ...] = (), env: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.model = model
        self.limits = limits
        self.genre = genre
        self.log = log
        self.options = tuple(options)
        self.env = dict(env or {})
        self.samples: list[tuple[float, int]] = []
        self.starts = 0
        self._w: Watched | None = None
        self.blew_up: int | None = None
        self._stop = threading.Event()

    def start(self) -> "Server":
        """Start the server and wait until it answers.

        Returns
        -------
        Server
            Itself.
        """
        argv = [sys.executable, "-m", "dancekit", "serve", "--host", "127.0.0.1", "--port", "0", *_unthrottled()]
        if self.model:
            argv += ["--model", str(self.model)]
        if not self.genre:
            argv.append("--no-genre")
        argv += self.options
        self.blew_up = None
        env = {k: v for k, v in os.environ.items() if k != "DANCEKIT_TOKEN"}  # no access token: the API is open
        env.update(self.env)
        self._w = Watched(argv, cwd=self.workdir, env=env)
        self.starts += 1
        deadline = time.monotonic() + STARTUP_S
        while True:
            m = _URL.search(self._w.stderr)
            if m:
                self.url = f"http://127.0.0.1:{m.group(1)}"
                break
            if self._w.proc.poll() is not None or time.monotonic() > deadline:
                err = self._w.stderr[-2000:]
                self._w.kill()
                raise RuntimeError(f"dancekit serve did not start: {err}")
            time.sleep(0.1)
        self._wait_healthy(deadline)
        self._stop = threading.Event()
        threading.Thread(target=self._watch_memory, args=(self._w, self._stop), daemon=True).start()
        return self

    def _wait_healthy(self, deadline: float) -> None:
        import httpx2  # optional (the test extra): this module must import without it

        while time.monotonic() < deadline:
            try:
                if httpx2.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("dancekit serve never answered /healthz")

    def _watch_memory(self, w: Watched, stop: threading.Event) -> None:
        while not stop.is_set() and w.proc.poll() is None:
            rss = w.rss()
            self.samples.append((time.monotonic(), rss))
            if rss > self.limits.rss_bytes:
                self.blew_up = rss
                w.kill()
                return
            stop.wait(0.05)

    @property
    def alive(self) -> bool:
        """Whether the server process is still running."""
        return self._w is not None and self._w.proc.poll() is None

    def rss(self) -> int:
        """The server's resident memory now, in bytes (with its children).

        Returns
        -------
        int
        """
        return self._w.rss()

    def peak_between(self, start: float, end: float) -> int | None:
        """The largest sampled resident memory between two ``time.monotonic()`` readings.

        Parameters
        ----------
        start, end : float
            The window.

        Returns
        -------
        int or None
            Bytes; None when no sample fell in the window.
        """
        inside = [rss for t, rss in self.samples if start <= t <= end]
        return max(inside) if inside else None

    def high_water(self) -> int:
        """The kernel's high-water mark of the server process's resident memory (Linux ``VmHWM``), in bytes.

        Returns
        -------
        int
        """
        status = Path(f"/proc/{self._w.proc.pid}/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) * 1024

    @property
    def log_text(self) -> str:
        """What the server wrote to stderr so far."""
        return self._w.stderr if self._w is not None else ""

    def restart(self) -> None:
        """Stop and start again (after a case killed or hung the server)."""
        self.stop()
        if self.log:
            self.log("web: restarting the server")
        self.start()

    def stop(self) -> None:
        """Kill the server if it runs, and reap it."""
        self._stop.set()
        if self._w is not None:
            if self._w.proc.poll() is None:
                self._w.kill()
            else:
                self._w.close()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _client():
    """An HTTP client that opens a connection per request: a server that closes a connection after
    an error must not make the next, innocent request fail."""
    import httpx2  # optional (the test extra): this module must import without it

    return httpx2.Client(limits=httpx2.Limits(max_keepalive_connections=0))


def _send(server: Server, client, method: str, path: str, limits: Limits, **kwargs):
    """One request; returns (response or None, failure verdict or None)."""
    import httpx2  # optional (the test extra): this module must import without it

    try:
        return client.request(method, server.url + path, timeout=limits.seconds, **kwargs), None
    except httpx2.TimeoutException:
        verdict = Verdict(HANG, f"no answer after {limits.seconds:g} s")
    except httpx2.LocalProtocolError as err:  # the client refuses to send it: nothing reached the server
        return None, Verdict(CLEAN_ERROR, f"not sendable: {err}")
    except httpx2.HTTPError as err:
        time.sleep(0.2)  # let the memory watcher or the exit status catch up
        if server.blew_up:
            verdict = Verdict(MEMORY, f"server resident memory {server.blew_up / 2**20:.0f} MB "
                                      f"(limit {limits.rss_bytes / 2**20:.0f} MB)")
        elif not server.alive:
            tail = [line for line in server.log_text.splitlines() if line.strip()][-1:]
            verdict = Verdict(CRASH, f"server died ({type(err).__name__}): {tail[0] if tail else ''}")
        else:
            verdict = Verdict(CRASH, f"connection failed: {type(err).__name__}: {err}")
    server.restart()
    return None, verdict


def _after(server: Server, log_from: int, verdict: Verdict) -> Verdict:
    """A 'Traceback' the server logged while it handled the request makes the request a failure.

    After a failed request the server may log its traceback just after it answered: wait a moment,
    so that it lands in this request's window and not in the next one's.
    """
    if verdict.bad:
        time.sleep(0.5)
    logged = server.log_text[log_from:]
    if not verdict.bad and "Traceback" in logged:
        lines = [ln for ln in logged.splitlines() if ln.strip() and not ln.startswith(" ")]
        return Verdict(TRACEBACK, f"server logged a traceback ({lines[-1] if lines else ''}); client saw: {verdict.detail}")
    return verdict


def run_uploads(cases: list[Case], server: Server, canary: Canary, limits: Limits,
                genre_families: tuple[str, ...] = (), log=None) -> list[Run]:
    """POST every file case to /api/identify (and those of ``genre_families`` to /api/genre).

    Parameters
    ----------
    cases : list of Case
        Cases of any kind; file cases are uploaded.
    server : Server
        A started server.
    canary : Canary
        Payloads are rendered for it, and its hits judged (a fetch is SSRF).
    limits : Limits
        Time per request.
    genre_families : tuple of str
        Families whose files also go to /api/genre.
    log : callable, optional
        Progress lines.

    Returns
    -------
    list of Run
    """
    runs = []
    files = [c for c in cases if c.kind == FILE]
    with _client() as client:
        for n, case in enumerate(files):
            paths = ["/api/identify"] + (["/api/genre"] if case.family in genre_families and server.genre else [])
            for path in paths:
                mode = path.rsplit("/", 1)[-1]
                tok = token(TARGET, mode, case.id)
                data = canary.render(case.data, tok)
                log_from = len(server.log_text)
                t0 = time.monotonic()
                response, verdict = _send(server, client, "POST", path, limits, files={"file": (case.filename, data)})
                seconds = time.monotonic() - t0
                if response is not None:
                    verdict = _after(server, log_from, judge_http(case, response.status_code, response.text, True))
                verdict = canary_verdict(verdict, canary.hits(tok))
                runs.append(Run.of(TARGET, mode, case, verdict, seconds))
            if log and (n + 1) % 100 == 0:
                log(f"web: {n + 1}/{len(files)} uploads")
    return runs


def run_requests(cases: list[Case], server: Server, limits: Limits) -> list[Run]:
    """Send every raw HTTP case and judge it (including what must never be served or echoed).

    Parameters
    ----------
    cases : list of Case
        Cases of any kind; HTTP ones are sent.
    server : Server
        A started server; its log is checked for tracebacks after each request.
    limits : Limits
        Time per request.

    Returns
    -------
    list of Run
    """
    runs = []
    with _client() as client:
        for case in (c for c in cases if c.kind == HTTP):
            req = dict(case.request)
            method, path = req.pop("method"), req.pop("path")
            log_from = len(server.log_text)
            t0 = time.monotonic()
            try:
                response, verdict = _send(server, client, method, path, limits, **req)
            except (ValueError, TypeError, UnicodeError) as err:  # the client itself refuses to build it
                runs.append(Run.of(TARGET, "request", case, Verdict(CLEAN_ERROR, f"not sendable: {err}"), 0.0))
                continue
            seconds = time.monotonic() - t0
            if response is not None:
                expect_record = method == "POST" and path in UPLOAD_PATHS
                verdict = _after(server, log_from, judge_http(case, response.status_code, response.text, expect_record))
                verdict = _served_or_echoed(response, verdict)
            runs.append(Run.of(TARGET, "request", case, verdict, seconds))
    return runs


def _served_or_echoed(response, verdict: Verdict) -> Verdict:
    if verdict.bad:
        return verdict
    if any(leak in response.text for leak in _LEAKS):
        return Verdict(SSRF, f"HTTP {response.status_code} served a local file")
    try:
        body = json.loads(response.text)
    except ValueError:
        return verdict
    name = body.get("file") if isinstance(body, dict) else None
    if isinstance(name, str) and (re.search(r"[\x00-\x1f\x7f/\\]", name) or len(name) > 255):
        return Verdict(NOT_SENSIBLE, f"the client's file name echoed unsanitised: {name[:80]!r}")
    return verdict


def run_openapi(server: Server, limits: Limits, examples: int) -> list[Run]:
    """Schemathesis: ``examples`` generated requests per operation and mode (positive, negative).

    Only the server's robustness is judged (no 5xx, no traceback, no NaN, errors in the JSON
    error shape); whether a response matches the documented schema is schemathesis's own check and
    is left to it. Generation is derandomised, so the same schema gives the same requests.

    Parameters
    ----------
    server : Server
        A started server (its ``/openapi.json`` is the schema).
    limits : Limits
        Time per request.
    examples : int
        Generated requests per operation and mode.

    Returns
    -------
    list of Run
    """
    import hypothesis  # optional (the test extra), as httpx2 above
    import schemathesis
    from hypothesis import HealthCheck, Phase

    schema = schemathesis.openapi.from_url(server.url + "/openapi.json", timeout=30)
    runs = []
    for result in schema.get_all_operations():
        op = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            collected: list = []

            @hypothesis.settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                                 phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            @hypothesis.given(op.as_strategy(generation_mode=mode))
            def collect(generated):
                collected.append(generated)

            try:
                collect()
            except hypothesis.errors.Unsatisfiable:  # e.g. no invalid request exists for GET /healthz
                pass
            for k, generated in enumerate(collected):
                case = Case("openapi", f"{op.method.upper()} {op.path} {mode.value} #{k}", request={})
                log_from = len(server.log_text)
                t0 = time.monotonic()
                try:
                    response = generated.call(base_url=server.url, timeout=limits.seconds)
                    verdict = judge_http(case, response.status_code, response.text,
                                         op.method.upper() == "POST" and op.path in UPLOAD_PATHS)
                    verdict = _after(server, log_from, verdict)
                except Exception as err:  # noqa: BLE001 (requests' errors: a timeout, a reset, a refused connection)
                    if "Timeout" in type(err).__name__:
                        verdict = Verdict(HANG, f"no answer after {limits.seconds:g} s")
                    elif server.blew_up:
                        verdict = Verdict(MEMORY, f"server resident memory {server.blew_up / 2**20:.0f} MB")
                    else:
                        verdict = Verdict(CRASH, f"request failed: {type(err).__name__}: {err}")
                    server.restart()
                runs.append(Run.of(TARGET, "openapi", case, verdict, time.monotonic() - t0))
    return runs
