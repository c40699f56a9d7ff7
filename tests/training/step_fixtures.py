"""Generated songs in the layout of the step-training file (random codes, random normalised motion)."""

import numpy as np

from dancekit.features.step_audio import N_BINS, N_STFT
from dancekit.training.step_data import STEP_DANCES


def random_songs(lengths=(20, 15, 25), sides=("train", "val", "train"), dim=4, seed=0) -> list[dict]:
    """Songs for :func:`dancekit.training.step_data.write_step_dataset`, named ``DANCE_W_<i>``."""
    rng = np.random.default_rng(seed)
    return [{"name": f"DANCE_W_{i}", "side": side, "dance": i % len(STEP_DANCES),
             "codes": rng.integers(0, 255, (n, N_BINS, N_STFT), dtype=np.uint8),
             "motion": rng.uniform(-1, 1, (n, dim)).astype(np.float32), "signal_power": 0.01 * (i + 1)}
            for i, (n, side) in enumerate(zip(lengths, sides))]
