"""dancekit.cli_run: how a parsed sub-command's interrupts and dancekit errors become exit codes."""

import argparse

import pytest

from dancekit.cli_run import run_command, standalone_main
from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_INTERRUPTED, EXIT_USAGE


class _Refused(DancekitError):
    exit_code = EXIT_USAGE


def _raise(error):
    def func(args):
        raise error
    return argparse.Namespace(func=func)


def test_a_dancekit_error_is_one_line_and_its_code(capsys):
    assert run_command(_raise(_Refused("no such folder"))) == EXIT_USAGE
    assert capsys.readouterr().err == "error: no such folder\n"


@pytest.mark.parametrize("say, printed", [(True, "interrupted\n"), (False, "")])
def test_an_interrupt_gives_130_and_says_so_when_asked(capsys, say, printed):
    assert run_command(_raise(KeyboardInterrupt()), say_interrupted=say) == EXIT_INTERRUPTED
    assert capsys.readouterr().err == printed


def test_other_errors_propagate():
    with pytest.raises(ZeroDivisionError):
        run_command(_raise(ZeroDivisionError()))


def test_standalone_main_parses_after_the_command_name():
    def add_parser(subparsers):
        p = subparsers.add_parser("echo")
        p.add_argument("--n", type=int, default=0)
        p.set_defaults(func=lambda args: args.n)

    assert standalone_main("echo", add_parser, ["--n", "7"]) == 7
