"""``dancekit serve``: the page and the API on a local server. Hook: ``add_parser(subparsers)``."""

from __future__ import annotations

import argparse
import sys


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text}")
        return value

    return parse


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``serve`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``)."""
    p = subparsers.add_parser("serve", help="start the web page and API (upload or listen live)",
                              description="Serve the dancekit page and its REST/WebSocket API.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 to reach it from a phone)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--model", default=None, help="built-in model name or model folder (default: the built-in dance model)")
    p.add_argument("--genre-model", default=None, metavar="MODEL", help="genre model for /api/genre (default: the built-in genre model)")
    p.add_argument("--no-genre", action="store_true", help="do not serve /api/genre")
    p.add_argument("--max-upload-mb", type=_positive(float), default=50.0, metavar="MB",
                   help="largest accepted upload (default 50)")
    p.add_argument("--workers", type=_positive(int), default=1,
                   help="recordings identified at the same time (default 1)")
    p.add_argument("--max-queue", type=int, default=32, metavar="N",
                   help="uploads that may wait for a worker before the server answers 503 (default 32)")
    p.add_argument("--live-max-sessions", type=int, default=4, metavar="N",
                   help="simultaneous live connections (default 4)")
    p.add_argument("--live-max-minutes", type=_positive(float), default=20.0, metavar="MIN",
                   help="longest live connection (default 20)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="let pages from ORIGIN call the API (repeatable; default: no CORS)")
    p.add_argument("--ssl-certfile", default=None, help="TLS certificate (browsers allow the microphone only "
                                                         "over https or on localhost)")
    p.add_argument("--ssl-keyfile", default=None, help="TLS private key")
    p.add_argument("--device", default="cpu", help="torch device (default cpu)")
    p.set_defaults(func=cmd_serve)
    return p


def cmd_serve(args: argparse.Namespace) -> int:
    from dancekit.web.app import create_app
    from dancekit.web.server import ServeError, bind_socket, make_server
    from dancekit.web.settings import WebSettings

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise ServeError("--ssl-certfile and --ssl-keyfile go together")
    genre_model = False if args.no_genre else args.genre_model
    settings = WebSettings(model=args.model, genre_model=genre_model, device=args.device,
                           max_upload_mb=args.max_upload_mb, workers=args.workers, max_queue=args.max_queue,
                           live_max_sessions=args.live_max_sessions, live_max_seconds=args.live_max_minutes * 60,
                           cors_origins=tuple(args.cors_origin))
    sock = bind_socket(args.host, args.port)  # before loading the model: a busy port fails fast
    print("dancekit: loading the model...", file=sys.stderr)
    app = create_app(settings)
    server = make_server(app, sock, ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
                         ws_max_size=settings.live_max_message_bytes + 1024)
    host, port = sock.getsockname()[:2]
    scheme = "https" if args.ssl_certfile else "http"
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    print(f"dancekit: open {scheme}://{shown}:{port}/ in a browser (Ctrl-C stops)", file=sys.stderr, flush=True)
    server.run(sockets=[sock])
    return 0


def serve_main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m dancekit.web``) until the main CLI hooks ``add_parser``."""
    from dancekit.errors import DancekitError

    parser = argparse.ArgumentParser(prog="dancekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except DancekitError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
