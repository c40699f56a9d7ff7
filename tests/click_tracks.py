"""Click tracks with known tempo and sub-beat pattern, for the rhythm tests."""

import numpy as np

SR = 22050


def click_track(bpm: float, seconds: float = 20.0, hat_positions=(0.5,), seed: int = 0) -> np.ndarray:
    """Kick on every beat (low thump), hi-hat ticks at the given fractions of each beat (noise burst)."""
    rng = np.random.default_rng(seed)
    y = np.zeros(int(seconds * SR), dtype=np.float32)
    period = 60.0 / bpm
    kick_t = np.arange(int(0.25 * SR)) / SR
    kick = np.sin(2 * np.pi * 60 * kick_t) * np.exp(-kick_t * 30)
    hat = rng.standard_normal(int(0.03 * SR)) * np.exp(-np.arange(int(0.03 * SR)) / SR * 150) * 0.3
    t = 0.0
    while t + period < seconds:
        i = int(t * SR)
        y[i:i + len(kick)] += kick[: len(y) - i]
        for frac in hat_positions:
            j = int((t + frac * period) * SR)
            y[j:j + len(hat)] += hat[: len(y) - j]
        t += period
    return y
