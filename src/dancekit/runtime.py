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


def cpu_threads() -> int:
    """Threads the command's CPU work uses: torch's setting once torch is loaded, else one per usable core.

    ONNX Runtime gets the same number, so both network backends use the machine alike.

    Returns
    -------
    int
        At least 1.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        return max(1, torch.get_num_threads())
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)
