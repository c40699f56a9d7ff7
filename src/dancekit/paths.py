"""Where the real reference data lives (tests and benchmarks read it; the package never ships it)."""

import os
from pathlib import Path

#: Environment variable that overrides the location of the shared reference data.
DATA_ENV = "DANCEKIT_DATA"


def shared_data_dir() -> Path:
    """``$DANCEKIT_DATA`` if set, else ``../shared/data`` beside the project checkout."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


#: Environment variable that overrides where dancekit keeps files it can always make again.
CACHE_ENV = "DANCEKIT_CACHE"


def cache_dir() -> Path:
    """``$DANCEKIT_CACHE``, else ``$XDG_CACHE_HOME/dancekit``, else ``~/.cache/dancekit`` (may not exist yet).

    Compiled networks live here, not beside the weights: an installed package's model folder may
    be read-only, and deleting this folder only costs a recompilation.
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dancekit"
