"""``dancekit video FILE...``: which dance is danced in each video. Hook: ``add_parser(subparsers)``.

Output as ``dancekit identify``: a ranked list per file, or with ``--json`` one JSON array
(one object per file; an unreadable file gives ``{"file", "status": "error", "error"}``).
Exit 0 when every file was classified, 3 when at least one could not be read as a video,
4 for a model problem.
"""

from __future__ import annotations

import argparse
import json
import sys

from dancekit.cli_types import positive_float, positive_int, torch_device
from dancekit.exit_codes import EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``video`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The main command's sub-commands.

    Returns
    -------
    argparse.ArgumentParser
        The ``video`` parser.
    """
    from dancekit.models.registry import DEFAULT_MODELS  # the models package loads data and audio (for the help text)

    p = subparsers.add_parser("video", help="which dance is danced in this video?",
                              description="Name the dance in videos from their frames (1 per second), "
                                          "averaging a frame classifier's probabilities.")
    p.add_argument("files", nargs="+", metavar="FILE", help="video files (anything FFmpeg reads)")
    p.add_argument("--model", default=None,
                   help=f"built-in model name or model folder (default: {DEFAULT_MODELS['video']})")
    p.add_argument("--top", type=positive_int, default=3, metavar="K", help="how many dances to list (default 3)")
    p.add_argument("--json", action="store_true", help="print a JSON array, one object per file")
    p.add_argument("--fps", type=positive_float, default=1.0, help="frames per second to judge (default 1, as the paper)")
    p.add_argument("--no-filter", action="store_true", help="keep black, flat, blurred and repeated frames")
    p.add_argument("--device", type=torch_device, default="cpu",
                   help="torch device: cpu, cuda, cuda:N or mps (default cpu)")
    p.set_defaults(func=cmd_video)
    return p


def format_result(result, top: int) -> str:
    """The text ``dancekit video`` prints for one file: its top dances and how many frames were used.

    Parameters
    ----------
    result : VideoResult
        What :class:`~dancekit.video.classify.VideoClassifier` answered.
    top : int
        Dances to list.

    Returns
    -------
    str
    """
    minutes, seconds = divmod(int(round(result.duration_s)), 60)
    lines = [f"{result.source}  ({minutes}:{seconds:02d})"]
    width = max([16, *map(len, result.classes)])
    for rank, (name, prob) in enumerate(result.top(top), 1):
        lines.append(f"  {rank}. {name:<{width}} {prob:6.1%}")
    dropped = ", ".join(f"{n} {k}" for k, n in result.dropped.items())
    lines.append(f"  frames: {len(result.frame_times_s)} of {result.frames_extracted} used"
                 + (f" (dropped: {dropped})" if dropped else ""))
    lines += [f"  note: {w}" for w in result.warnings]
    return "\n".join(lines)


def cmd_video(args: argparse.Namespace) -> int:
    """Run ``dancekit video``: classify every file, print text or JSON.

    A file that cannot be read is reported and the others still run.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``video`` arguments.

    Returns
    -------
    int
        Exit code: that of the last unreadable file, else 0.
    """
    from dancekit.video.classify import VideoClassifier  # heavy: torch, only when the command runs
    from dancekit.video.filtering import FilterSettings  # loads Pillow and scipy.fft
    from dancekit.video.frames import VideoError  # numpy: only when the command runs

    classifier = VideoClassifier(args.model, fps=args.fps, device=args.device,
                                 filter_settings=None if args.no_filter else FilterSettings())
    records, status = [], EXIT_OK
    for file in args.files:
        try:
            result = classifier.classify(file)
        except VideoError as err:
            status = err.exit_code
            records.append({"file": file, "status": "error", "error": str(err)})
            if not args.json:
                print(f"{file}  error: {err}", file=sys.stderr)
            continue
        if args.json:
            records.append(result.to_dict(top=args.top))
        else:
            print(format_result(result, args.top), flush=True)
    if args.json:
        print(json.dumps(records, indent=2))
    return status
