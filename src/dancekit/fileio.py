"""Writing files so that a crash or a kill never leaves a half-written one behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def atomic_write(path: str | os.PathLike, write: Callable[[str], object]) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it into place.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; its folder must exist.
    write : callable
        ``write(tmp_path)`` writes the content; if it raises, the temporary file is removed and ``path``
        is left as it was.

    Returns
    -------
    Path
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    text : str
        Its new content.

    Returns
    -------
    Path
    """
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def make_folder(path: str | os.PathLike) -> Path:
    """``path`` as a ``Path``, made (with its parents) if missing: where a report or a model goes.

    Parameters
    ----------
    path : str or os.PathLike
        The folder; an existing one is left as it is.

    Returns
    -------
    Path
        The same folder, as a ``Path``.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_figure(fig, path: str | os.PathLike, dpi: float | None = None) -> Path:
    """Lay out a matplotlib figure, write it as a PNG atomically, and close it (report figures end so).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure made through ``matplotlib.pyplot``.
    path : str or os.PathLike
        The PNG to write.
    dpi : float, optional
        Resolution; None keeps matplotlib's ``savefig.dpi`` setting.

    Returns
    -------
    Path
        ``path``.
    """
    # pyplot is loaded already when a figure exists; at module level it would load matplotlib for every file write.
    import matplotlib.pyplot as plt

    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))
    plt.close(fig)
    return Path(path)
