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
