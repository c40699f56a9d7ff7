"""The web service: the page, a REST API that answers with the CLI's JSON, and a live socket.

``create_app(settings)`` loads the models once (a bad model fails here, before serving)
and returns a FastAPI app; ``dancekit serve`` runs it with uvicorn. Endpoints:

- ``POST /api/identify``  multipart ``file``: the ``identify --json`` object, timeline included
- ``POST /api/genre``     the same with the genre model (501 while none is installed)
- ``GET /api/models``     the cards of the served and the built-in models
- ``GET /api/config``     limits, live-protocol parameters, class colours, competition table
- ``GET /healthz``        liveness plus queue and live-session counts
- ``WS /api/live``        stream microphone PCM, get running results (see ``live_socket``)
- ``GET /``, ``/static/*`` the page, from memory; ``/openapi.json`` the schema

Every request first passes ``access.AccessGuard``: its Host and Origin must name this server
(DNS rebinding), the token when one is set (all but the page and ``/healthz``), and the
per-client upload rate.
"""

from __future__ import annotations

import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, File, HTTPException, Query, Request, UploadFile, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dancekit.dances import DANCES
from dancekit.errors import AudioError
from dancekit.inference.calibration import Calibration
from dancekit.inference.timeline import class_colours
from dancekit.models.files import builtin_models, read_card
from dancekit.version import __version__
from dancekit.web.access import AccessGuard
from dancekit.web.engine import Engine
from dancekit.web.errors import NoGenreModel, UploadTooLarge, WebError, error_body, status_for_audio_error
from dancekit.web.live_socket import LiveRegistry, serve_live
from dancekit.web.schemas import ERROR_RESPONSES, Health, IdentifyRecord
from dancekit.web.settings import WebSettings
from dancekit.web.static_files import CSP, load_assets
from dancekit.web.uploads import NamedUpload, UploadSizeLimit, display_name, size_text

UPLOAD_PATHS = ("/api/identify", "/api/genre")


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """A ready app: models loaded and warmed up, limits in place, no CORS unless configured.

    Parameters
    ----------
    settings : WebSettings, optional
        Models, limits and access rules; the defaults when None.

    Returns
    -------
    FastAPI
        The ASGI app (its ``state.engine`` holds the loaded models).
    """
    settings = settings or WebSettings()
    engine = Engine(settings)
    assets = load_assets()
    live_sessions = LiveRegistry(settings.live_max_sessions, settings.live_sessions_per_client)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        engine.close()

    app = FastAPI(title="dancekit", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Which ballroom dance is this recording? Tempo, meter and a per-segment timeline.")
    app.state.engine, app.state.settings, app.state.live_sessions = engine, settings, live_sessions
    app.add_middleware(UploadSizeLimit, max_file_bytes=settings.max_upload_bytes, paths=UPLOAD_PATHS)
    # outside the size limit (a refused client sends no body), inside CORS (a CORS page can read a refusal)
    app.add_middleware(AccessGuard, settings=settings, upload_paths=UPLOAD_PATHS)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["*"])
    _install_error_handlers(app)

    async def identify_upload(file: UploadFile, task: str, top: int | None, tempo: bool, tempo_prior: bool):
        name = display_name(file.filename)
        if file.size is not None and file.size > settings.max_upload_bytes:
            raise UploadTooLarge(f"file too large: {name} is {size_text(file.size)} "
                                 f"(limit {size_text(settings.max_upload_bytes)})")
        try:
            record = await engine.jobs.run(engine.identify, NamedUpload(file.file, name), name, task=task, top=top,
                                           tempo=tempo, tempo_prior=tempo_prior)
        except AudioError as err:
            return JSONResponse(error_body(str(err), file=name), status_code=status_for_audio_error(err))
        return JSONResponse(record)

    file_param = File(..., description="the recording: any audio or video format ffmpeg reads")
    top_param = Query(None, ge=1, le=100, description="how many classes to list in `top` (default 3)")

    @app.post("/api/identify", response_model=IdentifyRecord, responses=ERROR_RESPONSES, tags=["identify"],
              summary="Which ballroom dance is this recording?")
    async def identify(file: UploadFile = file_param, top: int | None = top_param,
                       tempo: bool = Query(True, description="measure tempo and meter"),
                       tempo_prior: bool = Query(True, description="weigh tempo and meter into the answer")):
        """The object `dancekit identify --json` prints for one file (schema in the README)."""
        return await identify_upload(file, "dance", top, tempo, tempo_prior)

    if engine.genre is not None:
        @app.post("/api/genre", response_model=IdentifyRecord, responses=ERROR_RESPONSES, tags=["identify"],
                  summary="Which genre is this recording?")
        async def genre(file: UploadFile = file_param, top: int | None = top_param):
            """The genre model's answer, in the same JSON as `/api/identify` (no tempo prior)."""
            return await identify_upload(file, "genre", top, True, False)
    else:
        @app.post("/api/genre", include_in_schema=False)
        async def no_genre():
            raise NoGenreModel()

    @app.get("/api/models", tags=["service"], summary="The models this server uses, and the built-in ones")
    async def models():
        return {"dance": engine.default.card.to_dict(),
                "genre": engine.genre.card.to_dict() if engine.genre is not None else None,
                "builtin": [read_card(path).to_dict() for path in builtin_models().values()]}

    @app.get("/api/config", tags=["service"], summary="Limits and live parameters for clients such as the page")
    async def config():
        return _client_config(engine, settings, __version__)

    @app.get("/healthz", response_model=Health, tags=["service"])
    async def healthz():
        return {"status": "ok", "model": engine.default.card.name,
                "uptime_s": round(time.monotonic() - engine.started, 1), "jobs": engine.jobs.stats(),
                "live_sessions": live_sessions.open}

    @app.websocket("/api/live")
    async def live(websocket: WebSocket):
        await serve_live(websocket, engine, settings, live_sessions)

    @app.get("/", include_in_schema=False)
    async def index():
        return _asset_response(assets, "index.html")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str):
        return _asset_response(assets, name)

    return app


def _asset_response(assets: dict, name: str) -> Response:
    if name not in assets:
        raise HTTPException(404, f"not found: {name}")
    content, media_type = assets[name]
    return Response(content, media_type=media_type, headers={
        "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache",
        "Referrer-Policy": "no-referrer"})


def _client_config(engine: Engine, settings: WebSettings, version: str) -> dict:
    ident = engine.default
    card = ident.card
    rgb = class_colours(len(ident.classes))  # the colours of `identify --plot`
    return {
        "version": version,
        "model": {"name": card.name, "version": card.version, "summary": card.summary, "classes": ident.classes,
                  "sample_rate": ident.sample_rate,
                  "segment_s": round(ident.segment_seconds, 4)},
        "genre_model": None if engine.genre is None else {"name": engine.genre.card.name,
                                                          "classes": engine.genre.classes},
        "colours": {c: "#%02x%02x%02x" % tuple(round(255 * v) for v in rgb[i][:3]) for i, c in enumerate(ident.classes)},
        "competition": {d.name: {"bars_per_minute": list(d.bars_per_minute), "beats_per_bar": d.beats_per_bar,
                                 "bpm": list(d.bpm_range), "style": d.style} for d in DANCES},
        "sure_from": Calibration.from_card(card).sure_from,
        "limits": settings.public_limits(),
        "live": {"path": "/api/live", "sample_rate": ident.sample_rate, "formats": ["s16le", "f32le"],
                 "update_s": settings.live_update_s, "rhythm_window_s": settings.live_rhythm_window_s},
    }


def _install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``{"status": "error", "error": "<one line>"}`` with its status."""

    @app.exception_handler(WebError)
    async def web_error(request: Request, err: WebError):
        headers = {"Retry-After": "5"} if err.status_code == 503 else None
        return JSONResponse(error_body(str(err)), status_code=err.status_code, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException):
        return JSONResponse(error_body(str(err.detail)), status_code=err.status_code, headers=err.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):
        problems = []
        for e in err.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query"))
            problems.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
        if any(e.get("type") == "missing" and tuple(e.get("loc", ()))[-1:] == ("file",) for e in err.errors()):
            problems = ["no file uploaded: send the recording as the multipart form field 'file'"]
        return JSONResponse(error_body("invalid request: " + "; ".join(problems)), status_code=422)

    @app.exception_handler(Exception)
    async def internal(request: Request, err: Exception):
        first = str(err).splitlines()[0] if str(err) else ""
        return JSONResponse(error_body(f"internal error: {type(err).__name__}: {first}"), status_code=500)
