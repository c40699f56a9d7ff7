"""Deterministic test signals that look like music to a spectrogram: tones, noise, silence, a fade."""

import numpy as np

SR = 22050


def music_like(seconds: float = 4.0, seed: int = 0, sr: int = SR) -> np.ndarray:
    """Sines + noise with a quiet tail and a near-silent gap, so quiet bins get tested too."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    y = sum(a * np.sin(2 * np.pi * f * t + p) for a, f, p in ((0.3, 220.0, 0.1), (0.2, 659.3, 1.0), (0.1, 3520.0, 2.0)))
    y = y + 0.05 * rng.standard_normal(t.size)
    y[t.size // 3 : t.size // 3 + sr // 4] *= 1e-4  # a near-silent gap: dynamic range like real recordings
    y *= np.linspace(1.0, 0.01, t.size)  # fade out
    return y.astype(np.float32)


def load_clip(path, seconds: float = 20.0, sr: int = SR) -> np.ndarray:
    """First ``seconds`` of a real file, mono float32 at ``sr`` (soundfile + soxr, like librosa.load)."""
    import soundfile as sf
    import soxr

    info = sf.info(str(path))
    y, file_sr = sf.read(str(path), frames=int(seconds * info.samplerate), dtype="float32", always_2d=True)
    y = y.mean(axis=1)
    if file_sr != sr:
        y = soxr.resample(y, file_sr, sr, quality="HQ")
    return np.ascontiguousarray(y, dtype=np.float32)
