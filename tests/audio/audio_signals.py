"""Small signal helpers for the audio tests (a unique module name: tests/ has no packages)."""

import numpy as np


def sine(freq, seconds, sr, amp=0.5, phase=0.0):
    t = np.arange(int(round(seconds * sr))) / sr
    return (amp * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def one_line(err: BaseException, name: str) -> str:
    """Assert the error text is one line naming ``name``; return it."""
    text = str(err)
    assert "\n" not in text and name in text, text
    return text
