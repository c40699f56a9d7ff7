"""A weights file that runs code when unpickled: the attack ``torch.load(weights_only=True)`` must stop.

Unpickling the payload calls ``Path.touch(marker)``; the marker file existing afterwards means
the loader executed code from the file.
"""

import pickle
from pathlib import Path

import torch


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def write_payload(path: Path, marker: Path) -> Path:
    """A torch-saved state dict whose one "tensor" is the payload, at ``path``."""
    torch.save({"conv1.weight": _Payload(marker)}, path)
    return path


def write_raw_pickle(path: Path, marker: Path) -> Path:
    """The bare pickle of the payload (no torch framing), e.g. disguised as ``model.safetensors``."""
    path.write_bytes(pickle.dumps(_Payload(marker)))
    return path


def payload_is_live(path: Path, marker: Path) -> bool:
    """Unpickle ``path`` the unsafe way and tell whether that ran the payload (proof the test is real)."""
    try:
        torch.load(path, map_location="cpu", weights_only=False)
    except Exception:
        pickle.loads(path.read_bytes())
    return marker.exists()
