"""``dancekit scan PATH...``: identify a whole music library, resumably. Hook: ``add_parser(subparsers)``.

Everything heavy (torch, the decoders, mutagen) loads when the command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dancekit.cli_types import UsageError, int_in, positive_float, positive_int, prepare_output_folder, torch_device
from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_AUDIO, EXIT_OK
from dancekit.inference.limits import MAX_DURATION_S

#: The files a scan writes in its ``--out`` folder.
DATABASE, CSV, JSONL, UNDO_LOG = "scan.sqlite", "scan.csv", "scan.jsonl", "tags-undo.jsonl"


class ScanInputError(DancekitError):
    """The paths to scan hold no media file: the input's fault (exit 3), as for any unreadable input."""

    exit_code = EXIT_AUDIO


def _default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 2) // 2))


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``scan`` sub-command on ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The top-level parser's collection that ``scan`` joins.

    Returns
    -------
    argparse.ArgumentParser
        The ``scan`` parser, which runs :func:`cmd_scan`.
    """
    p = subparsers.add_parser(
        "scan", help="identify every recording of a music library (resumable; CSV, JSONL, SQLite, tags, playlists)",
        description="Identify the dance, tempo and meter of every audio or video file below PATH (folders are "
                    "read recursively). Answers go to a SQLite table in --out as soon as each exists, so a "
                    "scan that is stopped (Ctrl-C, a crash) continues where it was on the next run, and a "
                    "library scanned before costs nothing but new files. CSV and JSONL copies are written "
                    "at the end. Exit status 3 if some file could not be decoded.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders (read recursively) and files")
    p.add_argument("--out", default="dancekit-scan", metavar="DIR",
                   help=f"folder for {DATABASE}, {CSV}, {JSONL} and {UNDO_LOG} (default ./dancekit-scan)")
    p.add_argument("--model", default=None, help="built-in model name or model folder (default: the built-in dance model)")
    p.add_argument("--device", type=torch_device, default="cpu", help="torch device: cpu, cuda, cuda:N or mps (default cpu)")
    p.add_argument("--workers", type=int_in(0), default=_default_workers(), metavar="N",
                   help=f"decode processes running ahead of the model; 0 decodes in the main process "
                        f"(default {_default_workers()} here)")
    p.add_argument("--batch", type=positive_int, default=32, metavar="SEGMENTS",
                   help="segments per forward pass, taken from several files (default 32)")
    p.add_argument("--stride", type=positive_int, default=None, metavar="FRAMES",
                   help="hop between 224-frame segments (default: the model's, 200 = 4.6 s)")
    p.add_argument("--no-tempo-prior", action="store_true",
                   help="answer from the network alone, without weighing in tempo and meter")
    p.add_argument("--max-minutes", type=positive_float, default=MAX_DURATION_S / 60, metavar="MIN",
                   help="refuse recordings longer than this (default 240)")
    p.add_argument("--ray", metavar="ADDRESS",
                   help="run on a Ray cluster: auto (the cluster of this machine), ray://HOST:10001, or local "
                        "(start one here); the files and --model must be at the same paths on every node")
    p.add_argument("--ray-actors", type=positive_int, default=None, metavar="N",
                   help="with --ray: model copies on the cluster (default: one per CPU, or per GPU with --device cuda)")
    p.add_argument("--retry-errors", action="store_true", help="decode again the files that failed in an earlier scan")
    p.add_argument("--playlists", metavar="DIR",
                   help="write one M3U playlist per dance (sure answers, best first) and competition.m3u8 "
                        "(one song per dance in competition order, in competition tempo)")
    p.add_argument("--write-tags", action="store_true",
                   help="write the dance (TXXX:DANCE / DANCE / ----:DANCE) and BPM (TBPM / BPM / tmpo) into the "
                        "files of sure answers: each through a copy that must decode to the same audio, "
                        f"replaced atomically, logged in {UNDO_LOG} for --undo-tags")
    p.add_argument("--overwrite-tags", action="store_true",
                   help="with --write-tags: replace a dance or BPM tag that holds another value (off: it is kept)")
    p.add_argument("--dry-run", action="store_true", help="with --write-tags or --undo-tags: show the changes, write nothing")
    p.add_argument("--undo-tags", metavar="LOG", help=f"put back the tags recorded in LOG (a {UNDO_LOG}) and exit")
    p.set_defaults(func=cmd_scan)
    return p


def cmd_scan(args: argparse.Namespace) -> int:
    """Run ``dancekit scan``: answer every file not answered yet, then write the tables, tags and playlists.

    Parameters
    ----------
    args : argparse.Namespace
        What the ``scan`` parser read.

    Returns
    -------
    int
        ``EXIT_OK``; ``EXIT_AUDIO`` when some file could not be decoded or tagged (the others are done).
    """
    if args.undo_tags:
        if args.paths or args.write_tags:
            raise UsageError("--undo-tags takes no PATH and no --write-tags")
        return _undo(args)
    if not args.paths:
        raise UsageError("give at least one PATH to scan (or --undo-tags LOG)")
    if args.ray_actors and not args.ray:
        raise UsageError("--ray-actors is for a scan on a Ray cluster: add --ray ADDRESS")
    if args.dry_run and not args.write_tags:
        raise UsageError("--dry-run shows what --write-tags or --undo-tags would change: add one of them")
    from dancekit.scan.discovery import discover

    found = discover(args.paths)
    if found.missing:
        raise UsageError(f"not found: {', '.join(found.missing)}")
    if not found.files:
        raise ScanInputError(f"no audio or video files in {', '.join(args.paths)}")
    out = prepare_output_folder(args.out, "--out")
    if args.playlists:
        prepare_output_folder(args.playlists, "--playlists")
    return _scan(args, [os.path.abspath(p) for p in found.files], out, found.skipped_note())


def _say(line: str) -> None:
    from tqdm import tqdm

    tqdm.write(line, file=sys.stderr)


def _scan(args: argparse.Namespace, files: list[str], out: Path, skipped: str | None) -> int:
    from tqdm import tqdm

    from dancekit.scan.engine import ScanOptions, scan_files
    from dancekit.scan.export import write_csv, write_jsonl
    from dancekit.scan.store import ScanStore

    if skipped:
        _say(f"note: {skipped}")
    options = ScanOptions(stride=args.stride, tempo_prior=not args.no_tempo_prior,
                          max_duration=args.max_minutes * 60, workers=args.workers, retry_errors=args.retry_errors)

    def bar(total: int):
        return tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True, leave=False,
                    disable=None if total > 1 else True)

    with ScanStore(out / DATABASE) as store:  # a bad database file is refused before the model loads
        source = _source(args, options)
        try:
            summary = scan_files(files, store, source, retry_errors=args.retry_errors, note=_say, progress=bar)
        finally:  # after Ctrl-C too: the tables show everything answered so far
            rows = store.rows(files, source.key)
            write_csv(out / CSV, rows)
            write_jsonl(out / JSONL, rows)
            if hasattr(source, "close"):
                source.close()
        status = EXIT_AUDIO if summary.errors else EXIT_OK
        if args.write_tags:
            status = max(status, _write_tags(rows, out / UNDO_LOG, args, store))
    if args.playlists:
        from dancekit.scan.playlists import write_playlists

        written = write_playlists(args.playlists, rows)
        _say(f"playlists: {len(written)} in {args.playlists}")
    rate = f", {summary.analysed / summary.seconds:.2f} files/s" if summary.analysed and summary.seconds else ""
    _say(f"{len(files)} files: {summary.analysed} identified now ({summary.audio_seconds / 60:.1f} min of audio in "
         f"{summary.seconds:.0f} s{rate}), {summary.reused} from earlier scans, {len(summary.not_audio)} not audio, "
         f"{len(summary.errors)} failed; results in {out / CSV}, {out / JSONL} and {out / DATABASE}")
    return status


def _source(args: argparse.Namespace, options):
    """Where answers come from: this machine (a decode pool and one model) or a Ray cluster's actors."""
    if args.ray:
        from dancekit.scan.cluster import RayWorkers

        return RayWorkers(args.ray, args.model, args.device, options, args.batch, actors=args.ray_actors, note=_say)
    from dancekit.inference import Identifier
    from dancekit.scan.engine import LocalWorkers

    identifier = Identifier(args.model, device=args.device, batch_size=args.batch)
    return LocalWorkers(identifier, options, note=_say)


def _keeper(store):
    """``retagged(path, before, after)``: the answer follows the file to its new hash (same audio, new tags)."""
    def retagged(path: str, before: str, after: str) -> None:
        if store is None:
            return
        store.copy_results(before, after)
        st = os.stat(path)
        store.remember_file(path, st.st_size, st.st_mtime_ns, after)

    return retagged


def _write_tags(rows: list[dict], log: Path, args: argparse.Namespace, store) -> int:
    from dancekit.scan.tags import tag_rows

    dry_run = args.dry_run
    summary = tag_rows(rows, log, dry_run=dry_run, retagged=_keeper(store), overwrite=args.overwrite_tags)
    for change in summary.changed:
        print(("would tag " if dry_run else "tagged ") + change.describe())
    for line in summary.failed:
        _say(f"error: {line}")
    verb = "would change" if dry_run else "changed"
    kept = f", {summary.kept} tags kept that hold other values (--overwrite-tags replaces them)" if summary.kept else ""
    _say(f"tags: {verb} {len(summary.changed)} files, {summary.unchanged} unchanged, {len(summary.failed)} failed{kept}"
         + ("" if dry_run or not summary.changed else f"; undo with: dancekit scan --undo-tags {log}"))
    return EXIT_AUDIO if summary.failed else EXIT_OK


def _undo(args: argparse.Namespace) -> int:
    from dancekit.scan.store import ScanStore
    from dancekit.scan.tags import undo

    if not Path(args.undo_tags).is_file():
        raise UsageError(f"--undo-tags: no such log: {args.undo_tags}")
    database = Path(args.out) / DATABASE
    store = ScanStore(database) if database.is_file() and not args.dry_run else None
    try:
        report = undo(args.undo_tags, dry_run=args.dry_run)
        keep = _keeper(store)
        for path, before, after in report.restored:
            if not args.dry_run:
                keep(path, before, after)
            print(("would restore " if args.dry_run else "restored ") + path)
    finally:
        if store is not None:
            store.close()
    for line in report.skipped:
        _say(f"left alone: {line}")
    failed = [line for line in report.skipped if line.startswith("not tagged")]
    return EXIT_AUDIO if failed else EXIT_OK
