"""Drop frames that carry no information before training or classifying (paper 4, section 2).

The paper removed empty and noisy frames with "an automatic tool plus manual review". Here
three automatic tests run on a grey version of each frame shrunk to ``ANALYSIS_SIDE`` pixels
on its long side, so the numbers do not depend on the video's resolution:

* **empty / black**: mean grey level below ``black_level`` (a black or faded-out frame), or
  grey standard deviation below ``flat_std`` (one flat colour: title cards, lens covered).
* **blurred**: variance of the Laplacian (the usual focus measure) below ``blur_abs``, or below
  ``blur_rel`` times the median of the video's frames (a motion-blurred or out-of-focus frame
  among sharp ones; the relative test keeps soft-looking videos from losing every frame).
* **near-duplicate**: 64-bit perceptual hash (DCT of a 32x32 grey thumbnail, sign of the 8x8
  low frequencies against their median) within ``duplicate_bits`` bits of the last kept frame
  *and* a mean absolute grey difference of the 64x64 thumbnails below ``duplicate_mad`` (a
  frozen or repeated frame adds nothing but weight to one moment). The hash alone is not
  enough: on the real clips, frames one second apart with new poses but the same background
  come within 2-4 bits, yet differ by 20+ grey levels; frames 40 ms apart differ by 1-3 and
  re-encoded repeats by under 0.5.

Default thresholds were set on the five real clips of ``video_smoke`` (1 fps: every frame
kept) and on the same frames Gaussian-blurred (sigma 3 px at 256 px: every one dropped), black
and single-colour frames, and repeated frames; ``tests/video/test_video_filtering.py`` checks
all of these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

ANALYSIS_SIDE = 256


@dataclass(frozen=True)
class FilterSettings:
    black_level: float = 16.0  # mean grey (0-255) below which a frame is black
    flat_std: float = 6.0  # grey std below which a frame is one flat colour
    blur_abs: float = 20.0  # Laplacian variance below which a frame is blurred
    blur_rel: float = 0.2  # ... or below this share of the video's median Laplacian variance
    duplicate_bits: int = 4  # perceptual-hash distance at or below which a frame may repeat the last kept
    duplicate_mad: float = 2.0  # ... if its 64x64 grey thumbnail also differs by less than this on average

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class FrameVerdict:
    """Why each frame was kept or dropped."""

    keep: np.ndarray  # [N] bool
    reasons: list[str]  # "" when kept, else "black" | "flat" | "blurred" | "duplicate"
    sharpness: np.ndarray  # [N] Laplacian variance
    hashes: np.ndarray  # [N] uint64

    @property
    def kept(self) -> np.ndarray:
        return np.flatnonzero(self.keep)

    def counts(self) -> dict[str, int]:
        out = {"kept": int(self.keep.sum())}
        for r in self.reasons:
            if r:
                out[r] = out.get(r, 0) + 1
        return out


def grey(image: np.ndarray, side: int = ANALYSIS_SIDE) -> np.ndarray:
    """Luma (BT.601) of an RGB uint8 frame, shrunk to ``side`` pixels on its long side, float32."""
    from PIL import Image

    h, w = image.shape[:2]
    pil = Image.fromarray(np.ascontiguousarray(image)).convert("L")
    scale = side / max(h, w)
    if scale < 1:
        pil = pil.resize((max(8, round(w * scale)), max(8, round(h * scale))), Image.BOX)
    return np.asarray(pil, dtype=np.float32)


def laplacian_variance(g: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian (valid region): high for sharp, low for blurred frames."""
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(lap.var())


def perceptual_hash(g: np.ndarray) -> int:
    """pHash: sign of the 8x8 lowest DCT coefficients of a 32x32 thumbnail against their median."""
    from PIL import Image
    from scipy.fft import dctn

    small = np.asarray(Image.fromarray(g.astype(np.uint8)).resize((32, 32), Image.BOX), dtype=np.float32)
    low = dctn(small, norm="ortho")[:8, :8].ravel()
    bits = low > np.median(low[1:])
    return int(np.packbits(bits).view(">u8")[0])


def thumbnail(g: np.ndarray) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(g.astype(np.uint8)).resize((64, 64), Image.BOX), dtype=np.float32)


def hamming(a: int, b: int) -> int:
    return int(a ^ b).bit_count()


def filter_frames(images: np.ndarray, settings: FilterSettings = FilterSettings()) -> FrameVerdict:
    """Judge every frame of one video (in time order) by the tests above."""
    n = len(images)
    greys = [grey(im) for im in images]
    mean = np.array([g.mean() for g in greys]) if n else np.zeros(0)
    std = np.array([g.std() for g in greys]) if n else np.zeros(0)
    sharp = np.array([laplacian_variance(g) for g in greys]) if n else np.zeros(0)
    hashes = np.array([perceptual_hash(g) for g in greys], dtype=np.uint64) if n else np.zeros(0, np.uint64)
    reasons = [""] * n
    for i in range(n):
        if mean[i] < settings.black_level:
            reasons[i] = "black"
        elif std[i] < settings.flat_std:
            reasons[i] = "flat"
    informative = [i for i in range(n) if not reasons[i]]
    median_sharp = float(np.median(sharp[informative])) if informative else 0.0
    for i in informative:
        if sharp[i] < settings.blur_abs or sharp[i] < settings.blur_rel * median_sharp:
            reasons[i] = "blurred"
    last = None
    for i in range(n):
        if reasons[i]:
            continue
        if (last is not None and hamming(int(hashes[i]), int(hashes[last])) <= settings.duplicate_bits
                and float(np.abs(thumbnail(greys[i]) - thumbnail(greys[last])).mean()) < settings.duplicate_mad):
            reasons[i] = "duplicate"
        else:
            last = i
    keep = np.array([not r for r in reasons], dtype=bool)
    return FrameVerdict(keep, reasons, sharp, hashes)
