"""Mixed precision in one place: bf16 autocast on CUDA when asked, full precision everywhere else.

bf16 keeps float32's range, so no loss scaling is needed; CPUs gain little from it and some
of their kernels lose accuracy, so a CPU always runs in float32.
"""

from __future__ import annotations

import torch


def autocast(device: str | torch.device, amp: bool = True):
    """The autocast context for ``device``.

    Parameters
    ----------
    device : str or torch.device
        Where the network runs.
    amp : bool
        Ask for bf16 mixed precision (honoured on CUDA only).

    Returns
    -------
    torch.autocast
        A context manager.
    """
    device = torch.device(device)
    if amp and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast(device.type, enabled=False)
