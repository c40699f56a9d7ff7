"""Command line: a thin layer over the library. ``dancekit --help`` lists the commands.

Exit codes (the one table, ``dancekit.exit_codes``): 0 success; 1 unexpected internal error; 2 bad
usage; 3 at least one input could not be read as audio (the others are still processed); 4 model
problem; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from dancekit.cli_types import (
    UsageError,
    check_output_file,
    positive_float,
    positive_int,
    prepare_output_folder,
    torch_device,
)
from dancekit.cli_run import run_command
from dancekit.errors import AudioError
from dancekit.exit_codes import (  # noqa: F401  EXIT_MODEL, EXIT_USAGE: importable from here too
    EXIT_AUDIO,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_USAGE,
)
from dancekit.inference.limits import MAX_DURATION_S
from dancekit.runtime import prefer_sleeping_threads
from dancekit.version import __version__


def _add_classify_arguments(p: argparse.ArgumentParser, what: str, stride_help: str) -> None:
    """The options ``identify`` and ``genre`` share: files, model, top-k, JSON, plot, stride, device."""
    p.add_argument("files", nargs="+", metavar="FILE", help="audio or video files (anything ffmpeg reads)")
    p.add_argument("--model", default=None, help=f"built-in model name or model folder (default: the built-in {what} model)")
    p.add_argument("--top", type=positive_int, default=3, metavar="K", help=f"how many {what}s to list (default 3)")
    p.add_argument("--json", action="store_true", help="print a JSON array, one object per file (schema in README)")
    p.add_argument("--plot", metavar="PNG", help="write the per-segment timeline; with several files (or when "
                                                 "PNG is an existing folder), a folder of them")
    p.add_argument("--stride", type=positive_int, default=None, metavar="FRAMES", help=stride_help)
    p.add_argument("--device", type=torch_device, default="cpu",
                   help="torch device: cpu, cuda, cuda:N or mps (default cpu)")
    p.add_argument("--max-minutes", type=positive_float, default=MAX_DURATION_S / 60, metavar="MIN",
                   help="refuse recordings longer than this, by their header or once decoded (default 240)")
    p.add_argument("--playlists", action="store_true",
                   help="read .m3u8/.m3u/ffconcat playlist files and the files or URLs they name "
                        "(off: playlists are refused)")


def build_parser() -> argparse.ArgumentParser:
    """The ``dancekit`` argument parser with every sub-command, each module adding its own.

    Returns
    -------
    argparse.ArgumentParser
        Each sub-command sets ``func``, the ``cmd_*`` function that runs it.
    """
    parser = argparse.ArgumentParser(prog="dancekit", description="Understand dance from music.")
    parser.add_argument("--version", action="version", version=f"dancekit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    ident = sub.add_parser("identify", help="which ballroom dance is this recording?",
                           description="Identify the ballroom dance, tempo and meter of recordings.")
    _add_classify_arguments(ident, "dance", "hop between 224-frame segments (default: the model's, 200 = 4.6 s)")
    ident.add_argument("--no-tempo", action="store_true", help="skip beat and tempo analysis (and the tempo prior)")
    ident.add_argument("--no-tempo-prior", action="store_true",
                       help="answer from the network alone, without weighing in tempo and meter")
    ident.set_defaults(func=cmd_identify)

    genre = sub.add_parser("genre", help="which music genre is this recording (GTZAN classes)?",
                           description="Name the music genre of recordings (the ten GTZAN genres).")
    _add_classify_arguments(genre, "genre", "hop between segments in spectrogram frames (default: the model's)")
    genre.add_argument("--tempo", action="store_true", help="also measure tempo and meter")
    genre.set_defaults(func=cmd_genre)

    models = sub.add_parser("models", help="list the built-in models")
    models.add_argument("--json", action="store_true", help="print the full model cards as JSON")
    models.add_argument("--compile", nargs="*", metavar="MODEL", default=None,
                        help="compile classifiers (names or folders; default: the built-in dance and genre models) "
                             "to ONNX graphs in the cache, so identify runs without torch; identify also "
                             "does it on first use")
    models.set_defaults(func=cmd_models)

    # The sub-commands' modules load here, not at module level: `import dancekit.cli` stays light
    # (motion's package pulls in scipy.spatial, data's numpy and soundfile).
    from dancekit.synth.cli import add_parser as add_synth_parser

    add_synth_parser(sub)
    from dancekit.data.cli import add_parser as add_dedup_parser
    from dancekit.evaluation.cli import add_parser as add_evaluate_parser

    add_dedup_parser(sub)
    add_evaluate_parser(sub)
    from dancekit.motion.cli import add_parser as add_generate_parser
    from dancekit.video.cli import add_parser as add_video_parser
    from dancekit.web.cli import add_parser as add_serve_parser

    add_generate_parser(sub)
    add_video_parser(sub)
    add_serve_parser(sub)
    from dancekit.scan.cli import add_parser as add_scan_parser

    add_scan_parser(sub)
    return parser


def _plot_path(target: str, file: str, many: bool) -> Path:
    if not many:
        return Path(target)
    return Path(target) / f"{Path(file).stem}.timeline.png"


def _plots_in_folder(args: argparse.Namespace) -> bool:
    """Check --plot before any work (a bad path must not cost a whole run); True if it names a folder."""
    if not args.plot:
        return False
    many = len(args.files) > 1 or Path(args.plot).is_dir()
    if many:
        prepare_output_folder(args.plot, "--plot")
    else:
        check_output_file(args.plot, "--plot")
    return many


def _format_result(result, top: int) -> str:
    from dancekit.inference.result import NO_MUSIC  # numpy: imported once there is a result

    minutes, seconds = divmod(int(round(result.duration_s)), 60)
    lines = [f"{result.source}  ({minutes}:{seconds:02d})"]
    if result.status == NO_MUSIC:
        lines.append("  no music detected")
    else:
        if not result.sure:
            lines.append(f"  {result.describe()}")
        for rank, (name, p) in enumerate(result.top(top), 1):
            lines.append(f"  {rank}. {name:<16} {p:6.1%}")
    if result.rhythm is not None:
        lines.append(f"  tempo: {result.rhythm.describe()}")
    lines += [f"  note: {w}" for w in result.warnings if not w.startswith("no music")]
    return "\n".join(lines)


def cmd_identify(args: argparse.Namespace) -> int:
    """Run ``dancekit identify``: name the ballroom dance, tempo and meter of every file.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``identify`` options (files, model, top, json, plot, stride, device, tempo switches).

    Returns
    -------
    int
        ``EXIT_OK``, or ``EXIT_AUDIO`` when some file could not be read (the others are still done).
    """
    from dancekit.inference import Identifier  # heavy: torch, imported only when the command runs

    args.plot_folder = _plots_in_folder(args)
    identifier = Identifier(args.model, device=args.device)
    return _classify_files(identifier, args, rhythm=not args.no_tempo, tempo_prior=not args.no_tempo_prior)


def cmd_genre(args: argparse.Namespace) -> int:
    """Run ``dancekit genre``: the same flow as ``identify`` with the genre model and no tempo prior.

    Parameters
    ----------
    args : argparse.Namespace
        What the ``genre`` parser read; ``tempo`` asks for tempo and meter too.

    Returns
    -------
    int
        Exit status, as for :func:`cmd_identify`.
    """
    from dancekit.inference import Identifier  # heavy: torch, imported only when the command runs
    from dancekit.models import DEFAULT_MODELS  # the models package loads the data and audio modules

    args.plot_folder = _plots_in_folder(args)
    identifier = Identifier(args.model or DEFAULT_MODELS["genre"], device=args.device)
    return _classify_files(identifier, args, rhythm=args.tempo, tempo_prior=False)


def _classify_files(identifier, args: argparse.Namespace, rhythm: bool, tempo_prior: bool) -> int:
    """Classify every file, printing as they finish; a bad file is reported and the rest go on."""
    from tqdm import tqdm  # only when files are classified (~50 ms)

    many = len(args.files) > 1
    records, status = [], EXIT_OK
    bar = tqdm(args.files, unit="file", disable=not many, file=sys.stderr, leave=False)
    for file in bar:
        try:
            result = identifier.identify(file, stride=args.stride, rhythm=rhythm, tempo_prior=tempo_prior,
                                         playlists=args.playlists, max_duration=args.max_minutes * 60)
        except AudioError as err:
            status = EXIT_AUDIO
            records.append({"file": file, "status": "error", "error": str(err)})
            if not args.json:
                tqdm.write(f"{file}  error: {err}", file=sys.stderr)
            continue
        if args.plot:
            from dancekit.inference.timeline import plot_timeline  # only with --plot (matplotlib on use)

            target = _plot_path(args.plot, file, args.plot_folder)
            try:
                plot_timeline(result, target)
            except OSError as err:  # checked before the work, but a disk can fill or a folder go
                raise UsageError(f"--plot: cannot write {target} ({err.strerror or err})") from None
        if args.json:
            records.append(result.to_dict(top=args.top))
        else:
            tqdm.write(_format_result(result, args.top), file=sys.stdout)
    if args.json:
        print(json.dumps(records, indent=2, allow_nan=False))  # NaN is not JSON: fail loudly, never print it
    return status


def cmd_models(args: argparse.Namespace) -> int:
    """Run ``dancekit models``: one line per built-in model, or the full cards.

    Parameters
    ----------
    args : argparse.Namespace
        Holds ``json``: print the cards as JSON instead of a table.

    Returns
    -------
    int
        Always ``EXIT_OK``; no model installed is not an error.
    """
    if args.compile is not None:
        return _compile_models(args.compile)
    from dancekit.models.card import builtin_models, read_card  # loads the data and audio modules

    cards = [read_card(path) for path in builtin_models().values()]
    if args.json:
        print(json.dumps([c.to_dict() for c in cards], indent=2))
        return EXIT_OK
    if not cards:
        print("no built-in models installed (use --model PATH with a model folder)")
        return EXIT_OK
    for card in cards:
        print(f"{card.name:<16} {card.task:<6} {card.architecture:<14} {len(card.classes)} classes  {card.summary}")
    return EXIT_OK


def _compile_models(names: list[str]) -> int:
    """``dancekit models --compile``: each classifier's ONNX graph, made (or made again) and checked against torch."""
    from dancekit.models.card import builtin_models
    from dancekit.models.compiled import compile_model  # torch: the graph is traced from the network
    from dancekit.models.registry import DANCE, DEFAULT_MODELS, GENRE

    names = names or [DEFAULT_MODELS[t] for t in (DANCE, GENRE) if DEFAULT_MODELS[t] in builtin_models()]
    for name in names:
        print(f"{name}: {compile_model(name, force=True)}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """The ``dancekit`` command: run one sub-command and turn every failure into one line and an exit code.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        A code of :mod:`dancekit.exit_codes`; a dancekit error gives its own, anything else
        ``EXIT_INTERNAL`` (with a traceback only under ``--debug``).
    """
    prefer_sleeping_threads()  # before anything loads torch
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run_command(args)
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as err:  # last resort: one line, not a traceback (unless --debug)
        if args.debug:
            raise
        first = str(err).splitlines()[0] if str(err) else ""
        print(f"internal error: {type(err).__name__}: {first} (rerun with --debug for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
