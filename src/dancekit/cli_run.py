"""Running a parsed sub-command: Ctrl-C and dancekit errors become an exit code and one line on stderr.

Shared by ``dancekit`` (:func:`dancekit.cli.main`) and the stand-alone ``python -m dancekit.*``
entry points, which sit below ``dancekit.cli`` and so may not import it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_INTERRUPTED


def run_command(args: argparse.Namespace, say_interrupted: bool = True) -> int:
    """Call ``args.func(args)``; an interrupt or a :class:`DancekitError` ends in its exit code.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options whose ``func`` runs the sub-command.
    say_interrupted : bool
        Print ``interrupted`` on stderr after Ctrl-C (a server that reports its own shutdown does not).

    Returns
    -------
    int
        What ``func`` returned, ``EXIT_INTERRUPTED``, or the error's ``exit_code``; other exceptions
        propagate.
    """
    try:
        return args.func(args)
    except KeyboardInterrupt:
        if say_interrupted:
            print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except DancekitError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code


def standalone_main(command: str, add_parser: Callable, argv: list[str] | None = None,
                    say_interrupted: bool = True) -> int:
    """Parse ``dancekit COMMAND ARGV`` with one sub-command's parser only, and run it.

    Parameters
    ----------
    command : str
        The sub-command's name, as ``add_parser`` registers it.
    add_parser : callable
        ``add_parser(subparsers)``, the sub-command module's hook.
    argv : list of str, optional
        The arguments after the sub-command's name (default: ``sys.argv[1:]``).
    say_interrupted : bool
        As for :func:`run_command`.

    Returns
    -------
    int
        The exit code.
    """
    parser = argparse.ArgumentParser(prog="dancekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([command, *(sys.argv[1:] if argv is None else argv)])
    return run_command(args, say_interrupted)
