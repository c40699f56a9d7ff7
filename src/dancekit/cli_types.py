"""Argument types and output checks shared by every sub-command (``dancekit`` and ``python -m dancekit.*``).

A bad value is refused while the command line is parsed (argparse's usage message, exit 2),
before any model is loaded or audio decoded; an output path that cannot be written is refused
(exit 2) before the slow work, not after it. Sub-command modules import from here, never from
``dancekit.cli`` (which imports them).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import tempfile
from pathlib import Path

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE


class UsageError(DancekitError):
    """A mistake in the command line found after parsing (e.g. an output folder that does not exist)."""

    exit_code = EXIT_USAGE


def positive_int(text: str) -> int:
    """A whole number >= 1 (counts: --top, --folds, --workers...).

    Parameters
    ----------
    text : str
        The option's value as typed.

    Returns
    -------
    int
    """
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def non_negative_int(text: str) -> int:
    """A whole number >= 0 (seeds: numpy refuses negative ones).

    Parameters
    ----------
    text : str
        A seed or offset, as typed.

    Returns
    -------
    int
    """
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text}")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0 (seconds, rates, sizes); NaN and infinity are refused.

    Parameters
    ----------
    text : str
        The value to check (``"2.5"``, ``"1e-3"``).

    Returns
    -------
    float
    """
    value = _float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


def float_up_to(high: float):
    """A type for finite numbers in (0, high] (e.g. a clip length that must fit in memory).

    Parameters
    ----------
    high : float
        The largest value allowed.

    Returns
    -------
    callable
        ``parse(text) -> float`` for argparse's ``type=``; it raises ``ArgumentTypeError``.
    """

    def parse(text: str) -> float:
        value = positive_float(text)
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:g}: {text}")
        return value

    parse.__name__ = f"float_up_to_{high:g}"
    return parse


def fraction(text: str) -> float:
    """A finite number in [0, 1].

    Parameters
    ----------
    text : str
        A share or probability as typed (``"0.3"``).

    Returns
    -------
    float
    """
    value = _float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text}")
    return value


def int_in(low: int, high: int | None = None):
    """A type for whole numbers in [low, high] (no upper end when ``high`` is None).

    Parameters
    ----------
    low : int
        Smallest value allowed.
    high : int, optional
        Largest value allowed.

    Returns
    -------
    callable
        ``parse(text) -> int`` for argparse's ``type=``.
    """

    def parse(text: str) -> int:
        value = _int(text)
        if high is None and value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}: {text}")
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}: {text}")
        return value

    parse.__name__ = f"int_in_{low}_{high}"
    return parse


_DEVICE = re.compile(r"(cpu|mps|cuda)(?::(\d+))?")


def torch_device(text: str) -> str:
    """A torch device: cpu, cuda, cuda:N or mps, that this machine has (torch is imported only for GPUs).

    Parameters
    ----------
    text : str
        Device name, any case.

    Returns
    -------
    str
        The name in lower case, as torch takes it.
    """
    name = text.strip().lower()
    match = _DEVICE.fullmatch(name)
    if match is None or (match.group(2) is not None and match.group(1) != "cuda"):
        raise argparse.ArgumentTypeError(f"unknown device {text!r} (use cpu, cuda, cuda:N or mps)")
    kind, index = match.group(1), match.group(2)
    if kind == "cuda":
        import torch  # heavy: only for cuda/mps; a lazy.load proxy of torch would make scipy's array-API probes import it

        if not torch.cuda.is_available():
            raise argparse.ArgumentTypeError("CUDA is not available on this machine")
        count = torch.cuda.device_count()
        if index is not None and int(index) >= count:
            raise argparse.ArgumentTypeError(f"no CUDA device {index} on this machine (it has {count}: 0-{count - 1})")
    elif kind == "mps":
        import torch  # heavy: as above

        if not torch.backends.mps.is_available():
            raise argparse.ArgumentTypeError("MPS (Apple GPU) is not available on this machine")
    return name


def check_output_file(path: str | os.PathLike, option: str) -> Path:
    """``path`` can be written (its folder exists and takes files, it is not a folder): else UsageError.

    Meant to run before the slow work, so that a typo in ``-o`` does not cost a whole run.

    Parameters
    ----------
    path : str or os.PathLike
        The file the command will write.
    option : str
        The option's name for the message (``"-o"``).

    Returns
    -------
    Path
    """
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder, not a file name")
    _check_folder_writable(path.parent if str(path.parent) else Path("."), option, path)
    return path


def prepare_output_folder(path: str | os.PathLike, option: str, create: bool = True) -> Path:
    """Check that the output folder ``path`` can be filled, else UsageError.

    Parameters
    ----------
    path : str or os.PathLike
        The folder the command will fill.
    option : str
        The option or argument named in the message (``"OUT"``).
    create : bool
        Make the folder (and its parents) now; otherwise only check that the nearest existing folder on
        its path takes files, so that nothing is left behind if the command stops early.

    Returns
    -------
    Path
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path}: is a file, not a folder")
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise UsageError(f"{option} {path}: cannot create the folder ({err.strerror or err})") from None
        _check_folder_writable(path, option, path)
        return path
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    _check_folder_writable(existing, option, path)
    return path


def _check_folder_writable(folder: Path, option: str, target: Path) -> None:
    if not folder.exists():
        raise UsageError(f"{option} {target}: folder {folder} does not exist")
    if not folder.is_dir():
        raise UsageError(f"{option} {target}: {folder} is not a folder")
    try:  # a real probe: os.access says yes to root on read-only and virtual file systems
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".dancekit-probe.", suffix=".tmp")
    except OSError as err:
        raise UsageError(f"{option} {target}: cannot write in {folder} ({err.strerror or err})") from None
    os.close(fd)
    os.unlink(probe)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text}") from None


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text}")
    return value
