"""Process-wide settings the command line makes before torch loads.

``OMP_WAIT_POLICY=PASSIVE``: torch's OpenMP threads sleep between parallel regions instead of
spinning. On a 2-core machine that also runs other work, spinning threads take the core the
other thread of the same convolution is waiting for. Identifying a 3-minute song (model loaded)
took 5.9 s with spinning threads against 2.5 s with sleeping ones while another job kept a core
busy, and 1.6 s either way when the machine was quieter. OpenMP reads the variable once, when
torch loads, so the command line sets it first; a value already in the environment is kept.
"""

from __future__ import annotations

import os
import sys


def prefer_sleeping_threads() -> bool:
    """Set ``OMP_WAIT_POLICY=PASSIVE`` unless it is set or torch is already loaded (then it is too late).

    Returns
    -------
    bool
        Whether this call set it.
    """
    if "OMP_WAIT_POLICY" in os.environ or "torch" in sys.modules:
        return False
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return True
