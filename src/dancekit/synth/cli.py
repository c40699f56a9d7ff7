"""``dancekit synth OUT``: render a labelled synthetic corpus. Hook: ``add_parser(subparsers)``."""

from __future__ import annotations

import argparse
import os
import sys

from dancekit.cli_types import float_up_to, fraction, int_in, non_negative_int, positive_int, prepare_output_folder
from dancekit.cli_run import standalone_main
from dancekit.dances import dance_by_name
from dancekit.exit_codes import EXIT_INTERNAL, EXIT_OK
from dancekit.synth.grooves import OTHER_LABEL


def _dance_list(text: str) -> list[str]:
    """Comma-separated dance names (display names or keys, or Other), checked before anything renders."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"no dance named: {text!r}")
    for name in names:
        if name != OTHER_LABEL:
            try:
                dance_by_name(name)
            except KeyError:
                raise argparse.ArgumentTypeError(f"unknown dance: {name}") from None
    return names


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``synth`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        Where the sub-command goes.

    Returns
    -------
    argparse.ArgumentParser
        The ``synth`` parser.
    """
    p = subparsers.add_parser("synth", help="render labelled synthetic dance music (MMA + fluidsynth)",
                              description="Render a resumable, labelled corpus of synthetic ballroom clips.")
    p.add_argument("out", metavar="OUT", help="corpus folder (rerun to complete an interrupted build)")
    p.add_argument("--per-dance", type=positive_int, default=10, metavar="N", help="clips per label (default 10)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="corpus seed (default 0)")
    p.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1, metavar="W",
                   help="processes (default: all cores)")
    p.add_argument("--duration", type=float_up_to(3600), default=30.0, metavar="S",
                   help="clip length in seconds, up to 3600 (default 30)")
    p.add_argument("--degrade-fraction", type=fraction, default=0.3, metavar="F",
                   help="share of clips that also get a phone-in-the-hall copy (default 0.3)")
    p.add_argument("--dances", type=_dance_list, default=None, metavar="LIST",
                   help="comma-separated dances to render (default: all ten)")
    p.add_argument("--no-other", action="store_true", help="leave out the 'Other' (reject) class")
    p.add_argument("--sample-rate", type=int_in(8000, 96000), default=22050, metavar="HZ",
                   help="8000-96000, as fluidsynth renders (default 22050)")
    p.add_argument("--format", default="flac", choices=("flac", "ogg", "wav"), help="audio format (default flac)")
    p.set_defaults(func=cmd_synth)
    return p


def cmd_synth(args: argparse.Namespace) -> int:
    """Run ``dancekit synth``: build the corpus and print what was rendered.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``synth`` arguments.

    Returns
    -------
    int
        Exit code: 1 when a clip failed.
    """
    from dancekit.synth.corpus import build_corpus  # heavy: imported only when the command runs (scipy.signal, soundfile)

    prepare_output_folder(args.out, "OUT", create=False)
    summary = build_corpus(args.out, args.per_dance, seed=args.seed, workers=args.workers,
                           degrade_fraction=args.degrade_fraction, include_other=not args.no_other,
                           duration=args.duration, sample_rate=args.sample_rate, audio_format=args.format,
                           dances=args.dances,
                           progress=sys.stderr.isatty())
    print(f"{summary['rendered']} clips rendered, {summary['skipped']} already there, "
          f"{len(summary['failed'])} failed; manifest: {summary['manifest']}")
    for line in summary["failed"][:5]:
        print(f"  failed: {line}", file=sys.stderr)
    return EXIT_INTERNAL if summary["failed"] else EXIT_OK


def synth_main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m dancekit.synth``) until the main CLI hooks ``add_parser``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``synth`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code; errors are one line on stderr.
    """
    return standalone_main("synth", add_parser, argv)
