"""``dancekit generate SONG``: dance steps for a song as BVH (and a video). Hook: ``add_parser(subparsers)``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dancekit.cli_types import UsageError, check_output_file, non_negative_int, positive_float, torch_device
from dancekit.exit_codes import EXIT_OK


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``generate`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        Where ``dancekit``'s main parser collects its sub-commands.

    Returns
    -------
    argparse.ArgumentParser
        The new parser, its ``func`` set to :func:`cmd_generate`.
    """
    p = subparsers.add_parser("generate", help="generate basic dance steps that follow a song (BVH, MP4)",
                              description="Generate basic ballroom dance steps for a song with the "
                                          "weakly-supervised recurrent step generator (paper 5).")
    p.add_argument("song", metavar="SONG", help="audio or video file (anything ffmpeg reads)")
    p.add_argument("--dance", default=None,
                   help="waltz, cha-cha, rumba or tango (any case; default: identify the song's dance "
                        "and use the closest one the model knows, else waltz)")
    p.add_argument("-o", "--output", default=None, metavar="BVH", help="BVH file to write (default: SONG.steps.bvh)")
    p.add_argument("--video", default=None, metavar="MP4", help="also render a stick-figure video with the music")
    p.add_argument("--model", default=None, help="step-generator folder or built-in name (default: the built-in one)")
    p.add_argument("--seed", type=non_negative_int, default=None,
                   help="vary the starting pose (a whole number >= 0; same seed, same steps)")
    p.add_argument("--seed-pose", default=None, metavar="BVH",
                   help="start from the first frame of this BVH (one written by dancekit generate, or any "
                        "file on the same skeleton); the steps continue from where it stands")
    p.add_argument("--seconds", type=positive_float, default=None, metavar="S",
                   help="only the first S seconds of the song")
    p.add_argument("--device", type=torch_device, default="cpu",
                   help="torch device: cpu, cuda, cuda:N or mps (default cpu)")
    p.add_argument("--precision", choices=("fp16", "int8", "fp32"), default=None,
                   help="decoder weights: fp16 (default on a CPU: same steps as fp32, 5-7x faster there), "
                        "int8 (faster still, slightly different steps) or fp32 (default on a GPU)")
    p.set_defaults(func=cmd_generate)
    return p


def _closest_known_dance(song: str, dances: list[str]) -> tuple[str, str | None]:
    """The model's dance that ``dancekit identify`` finds most likely for the song (note for the user)."""
    fallback = "Slow Waltz" if "Slow Waltz" in dances or not dances else dances[0]
    try:
        from dancekit.inference import identify  # heavy: torch, only when the dance is unknown

        result = identify(song)
    except Exception as err:  # no identify model, unreadable for it...: steps are still possible
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        return fallback, f"could not identify the dance ({reason}); using {fallback}"
    if result.label is None:
        return fallback, f"no dance identified; using {fallback}"
    scores = {c: float(p) for c, p in zip(result.classes, result.probabilities) if c in dances}
    if not scores:
        return fallback, f"identified {result.label}, which this model cannot dance; using {fallback}"
    chosen = max(scores, key=scores.get)
    note = f"identified {result.label}"
    if chosen != result.label:
        note += f"; the closest this model dances is {chosen}"
    return chosen, note


def cmd_generate(args: argparse.Namespace) -> int:
    """Run ``dancekit generate``: pick the dance, generate the steps, write the BVH (and the video).

    Output paths are checked before the slow work, so a bad ``-o`` fails at once.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``generate`` arguments (``song``, ``dance``, ``output``, ``video``, ``model``,
        ``seed``, ``seed_pose``, ``seconds``, ``device``, ``precision``).

    Returns
    -------
    int
        ``EXIT_OK``. A failure raises one of dancekit's errors instead, which the main command
        prints as one line and turns into its exit code.
    """
    # heavy (torch, librosa): imported when the command runs, not when `dancekit --help` builds the parser
    from tqdm import tqdm

    from dancekit.models.dance_rnn import load_dance_rnn
    from dancekit.motion.bvh import write_bvh  # numpy, scipy.spatial: only when the command runs
    from dancekit.motion.generate import check_precision, generate_steps, resolve_dance

    if not Path(args.song).exists():
        from dancekit.audio import MissingFileError  # the audio package loads soundfile and soxr

        raise MissingFileError(f"file not found: {args.song}")
    output = Path(args.output) if args.output else Path(Path(args.song).stem + ".steps.bvh")
    check_output_file(output, "-o" if args.output else "output")  # before the slow work
    if args.video:
        check_output_file(args.video, "--video")
    precision = check_precision(args.precision, args.device)
    model = load_dance_rnn(args.model, args.device)
    start_pose = None
    if args.seed_pose:
        from dancekit.motion.seed_pose import read_seed_pose

        start_pose = read_seed_pose(args.seed_pose)
    dances = list(model.card.classes)
    dance = args.dance
    if dance is not None and not dances:
        print(f"note: model {model.card.name} is not dance-conditioned; --dance is ignored", file=sys.stderr)
    elif dance is not None:
        resolve_dance(dance, dances)  # fail early, before decoding the song
    elif dances:
        dance, note = _closest_known_dance(args.song, dances)
        print(f"{args.song}: {note}", file=sys.stderr)
    bar = tqdm(total=0, unit="frame", desc="generating", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False)

    def progress(done: int, total: int):
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        clip = generate_steps(args.song, model, dance, args.seconds, seed=args.seed, progress=progress,
                              device=args.device, start_pose=start_pose, precision=precision)
    finally:
        bar.close()
    try:
        write_bvh(output, clip)
    except OSError as err:  # checked before the work, but a disk can fill or a folder go
        raise UsageError(f"cannot write {output} ({err.strerror or err})") from None
    done = f"{output}: {len(clip)} frames ({clip.duration_s:.1f} s) of {clip.meta.get('dance') or 'dance'}"
    if args.video:
        from dancekit.motion.render import render_video  # heavy: av and matplotlib, only with --video

        render_video(clip, args.video, audio=args.song)
        done += f"; video {args.video}"
    print(done)
    return EXIT_OK
