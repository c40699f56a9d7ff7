"""``dancekit dedup TRAIN TEST``: which test recordings also sit in the training set. Hook: ``add_parser``."""

from __future__ import annotations

import argparse
import json
import sys

from dancekit.cli_types import torch_device
from dancekit.data.dedup_defaults import DEFAULT_THRESHOLD
from dancekit.data.errors import DatasetLayoutError
from dancekit.exit_codes import EXIT_AUDIO, EXIT_OK


class DedupInputError(DatasetLayoutError):
    """TRAIN or TEST names nothing readable (missing, an empty folder, an unreadable list): the input's fault."""

    exit_code = EXIT_AUDIO


def _files(target: str, what: str) -> list:
    """The audio files ``target`` names; a missing or empty input is the user's, not a bug (exit 3)."""
    from dancekit.data.dedup import audio_files_in  # heavy: dedup imports torch and librosa; only when the command runs

    try:
        return audio_files_in(target)
    except DatasetLayoutError as err:
        raise DedupInputError(f"{what}: {err}") from None
    except (OSError, UnicodeDecodeError) as err:  # a .txt list that cannot be read as text
        reason = getattr(err, "strerror", None) or "not a text list of paths"
        raise DedupInputError(f"{what}: cannot read {target} ({reason})") from None


def _correlation(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"threshold is a correlation in (0, 1], got {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text}") from None
    if not 0.5 <= value <= 60:
        raise argparse.ArgumentTypeError(f"segment length must be 0.5-60 s, got {text}")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``dedup`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The top-level parser's collection that ``dedup`` joins.

    Returns
    -------
    argparse.ArgumentParser
        The ``dedup`` parser, which runs :func:`cmd_dedup`.
    """

    p = subparsers.add_parser(
        "dedup", help="find test recordings that overlap the training set",
        description="Correlate spectrogram segments of every TEST file with every TRAIN file (paper 1, IV-A) "
                    "and list the pairs that match, best first. TRAIN and TEST are folders (all audio below "
                    "them), .txt lists of paths, or single files; give the same folder twice to find the "
                    "duplicates inside one set. Exit status 3 if some file could not be read.")
    p.add_argument("train", metavar="TRAIN", help="training audio: folder, .txt list or file")
    p.add_argument("test", metavar="TEST", help="test audio: folder, .txt list or file")
    p.add_argument("--threshold", type=_correlation, default=DEFAULT_THRESHOLD, metavar="R",
                   help=f"report pairs whose best segment correlation is at least R (default {DEFAULT_THRESHOLD})")
    p.add_argument("--segment", type=_seconds, default=5.0, metavar="S",
                   help="length of the compared segments in seconds (default 5)")
    p.add_argument("--device", type=torch_device, default="cpu",
                   help="torch device for the correlations: cpu, cuda, cuda:N or mps (default cpu)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (threshold, counts, overlaps, unreadable)")
    p.set_defaults(func=cmd_dedup)
    return p


def cmd_dedup(args: argparse.Namespace) -> int:
    """Run ``dancekit dedup``: list the test recordings that overlap training ones, best match first.

    Overlaps inflate a test score, so this runs before an evaluation is trusted.

    Parameters
    ----------
    args : argparse.Namespace
        ``train`` and ``test`` (folder, ``.txt`` list or file), ``threshold``, ``segment``,
        ``device``, ``json``.

    Returns
    -------
    int
        ``EXIT_AUDIO`` when some file could not be read, else ``EXIT_OK``.
    """
    from dancekit.data.dedup import DedupSettings, find_overlaps, summarise  # heavy: torch, librosa

    train, test = _files(args.train, "TRAIN"), _files(args.test, "TEST")
    report = None if args.json else (lambda f, e: print(f"{f}  error: {e}", file=sys.stderr))
    result = find_overlaps(train, test, threshold=args.threshold, settings=DedupSettings(segment_s=args.segment),
                           progress=sys.stderr.isatty(), on_error=report, device=args.device)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print("\n".join(summarise(result)))
    return EXIT_AUDIO if result.unreadable else EXIT_OK
