"""``dancekit serve``: the page and the API on a local server. Hook: ``add_parser(subparsers)``."""

from __future__ import annotations

import argparse
import os
import sys

from dancekit.cli_run import standalone_main
from dancekit.cli_types import non_negative_int, positive_float, positive_int, torch_device
from dancekit.exit_codes import EXIT_OK
from dancekit.web.access import parse_allowed_host
from dancekit.web.settings import WebSettings, WebSettingsError

WILDCARD_HOSTS = ("0.0.0.0", "::", "")
TOKEN_ENV = "DANCEKIT_TOKEN"


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``serve`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers
        The main parser's sub-command action.

    Returns
    -------
    argparse.ArgumentParser
        The ``serve`` parser.
    """
    p = subparsers.add_parser("serve", help="start the web page and API (upload or listen live)",
                              description="Serve the dancekit page and its REST/WebSocket API.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 to reach it from a phone)")
    p.add_argument("--port", type=int, default=8000, help="port, 0 to 65535 (default 8000; 0 picks a free one)")
    p.add_argument("--model", default=None, help="built-in model name or model folder (default: the built-in dance model)")
    p.add_argument("--genre-model", default=None, metavar="MODEL", help="genre model for /api/genre (default: the built-in genre model)")
    p.add_argument("--no-genre", action="store_true", help="do not serve /api/genre")
    p.add_argument("--max-upload-mb", type=positive_float, default=50.0, metavar="MB",
                   help="largest accepted upload (default 50)")
    p.add_argument("--max-minutes", type=positive_float, default=30.0, metavar="MIN",
                   help="longest recording identified, decoded (default 30; longer ones get 413)")
    p.add_argument("--workers", type=positive_int, default=1,
                   help="recordings identified at the same time (default 1)")
    p.add_argument("--max-queue", type=int, default=32, metavar="N",
                   help="uploads that may wait for a worker before the server answers 503 (default 32)")
    p.add_argument("--live-max-sessions", type=int, default=4, metavar="N",
                   help="simultaneous live connections (default 4)")
    p.add_argument("--live-max-minutes", type=positive_float, default=20.0, metavar="MIN",
                   help="longest live connection (default 20)")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="let pages from ORIGIN call the API (repeatable; default: no CORS)")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME[:PORT]",
                   help="a host name the page may be opened by, besides localhost, the --host name and the "
                        "computer's address (repeatable; e.g. mybox.local; '*' turns the check off)")
    token = p.add_mutually_exclusive_group()
    token.add_argument("--token", default=None, help=f"access token that the API and the live socket require "
                                                     f"(prefer --token-file or ${TOKEN_ENV}: others see the "
                                                     f"command line); open the page as /?token=TOKEN")
    token.add_argument("--token-file", default=None, metavar="PATH", help="read the access token from PATH")
    p.add_argument("--uploads-per-minute", type=non_negative_int, default=30, metavar="N",
                   help="uploads one client address may send a minute, then 429 (default 30; 0: no limit)")
    p.add_argument("--live-sessions-per-client", type=non_negative_int, default=2, metavar="N",
                   help="live connections one client address may hold open (default 2; 0: no limit)")
    p.add_argument("--ssl-certfile", default=None, help="TLS certificate (browsers allow the microphone only "
                                                         "over https or on localhost)")
    p.add_argument("--ssl-keyfile", default=None, help="TLS private key")
    p.add_argument("--device", type=torch_device, default="cpu", help="torch device: cpu, cuda, cuda:N or mps (default cpu)")
    p.set_defaults(func=cmd_serve)
    return p


def cmd_serve(args: argparse.Namespace) -> int:
    """Run ``dancekit serve``: load the models, bind the socket, serve until interrupted.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``serve`` options.

    Returns
    -------
    int
        The exit code.
    """
    from dancekit.web.app import create_app  # heavy: imported only when serving (fastapi)
    from dancekit.web.server import ServeError, bind_socket, make_server  # heavy: uvicorn

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise ServeError("--ssl-certfile and --ssl-keyfile go together")
    genre_model = False if args.no_genre else args.genre_model
    token = read_token(args)
    settings = WebSettings(model=args.model, genre_model=genre_model, device=args.device,
                           max_upload_mb=args.max_upload_mb, max_duration_s=args.max_minutes * 60,
                           workers=args.workers, max_queue=args.max_queue,
                           live_max_sessions=args.live_max_sessions, live_max_seconds=args.live_max_minutes * 60,
                           cors_origins=tuple(args.cors_origin), allowed_hosts=allowed_hosts(args), token=token,
                           uploads_per_minute=args.uploads_per_minute,
                           live_sessions_per_client=args.live_sessions_per_client)
    sock = bind_socket(args.host, args.port)  # before loading the model: a busy port fails fast
    print("dancekit: loading the model...", file=sys.stderr)
    app = create_app(settings)
    server = make_server(app, sock, ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile,
                         ws_max_size=settings.live_max_message_bytes + 1024)
    host, port = sock.getsockname()[:2]
    scheme = "https" if args.ssl_certfile else "http"
    if args.host in WILDCARD_HOSTS:
        where = (f"{scheme}://localhost:{port}/ here, or {scheme}://<this computer's address>:{port}/ "
                 "from another device")
    else:
        shown = "localhost" if host in ("127.0.0.1", "::1") else f"[{host}]" if ":" in host else host
        where = f"{scheme}://{shown}:{port}/ in a browser"
    if token is not None:
        where += " with ?token=<the token> at the end"
    print(f"dancekit: open {where} (Ctrl-C stops)", file=sys.stderr, flush=True)
    server.run(sockets=[sock])
    return EXIT_OK


def read_token(args: argparse.Namespace, environ=os.environ) -> str | None:
    """The access token from ``--token``, ``--token-file`` or ``$DANCEKIT_TOKEN`` (in that order), or None.

    Parameters
    ----------
    args
        the parsed ``serve`` options.
    environ
        where to look for ``DANCEKIT_TOKEN``.
    """
    from dancekit.web.server import ServeError  # heavy: uvicorn, imported only when serving

    if args.token is not None:
        return args.token
    if args.token_file is not None:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except (OSError, UnicodeDecodeError) as err:
            raise ServeError(f"cannot read the token file {args.token_file}: "
                             f"{getattr(err, 'strerror', None) or err}") from None
        if not token:
            raise ServeError(f"the token file {args.token_file} is empty")
        return token
    token = environ.get(TOKEN_ENV)
    if token is not None and not token.strip():
        raise ServeError(f"${TOKEN_ENV} is set but empty (unset it to serve without a token)")
    return None if token is None else token.strip()


def allowed_hosts(args: argparse.Namespace) -> tuple[str, ...]:
    """``--allowed-host`` values plus the ``--host`` name when it names one interface (not 0.0.0.0).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options; ``--host`` and ``--allowed-host`` are read.

    Returns
    -------
    tuple of str
        Host names the server answers to.
    """
    hosts = list(args.allowed_host)
    if args.host not in WILDCARD_HOSTS:
        try:
            parse_allowed_host(args.host)
        except WebSettingsError:  # e.g. a scoped IPv6 address: the connection's own address covers it
            pass
        else:
            hosts.append(args.host)
    return tuple(hosts)


def serve_main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m dancekit.web``) until the main CLI hooks ``add_parser``.

    Parameters
    ----------
    argv : list of str, optional
        The ``serve`` options; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit code.
    """
    return standalone_main("serve", add_parser, argv, say_interrupted=False)
