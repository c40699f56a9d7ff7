"""Drop frames that carry no information before training or classifying (paper 4, section 2).

The paper removed empty and noisy frames with "an automatic tool plus manual review". Here
three automatic tests run on a grey version of each frame shrunk to ``ANALYSIS_SIDE`` pixels
on its long side, so the numbers do not depend on the video's resolution:

* **empty / black**: mean grey level below ``black_level`` (a black or faded-out frame), or
  grey standard deviation below ``flat_std`` (one flat colour: title cards, lens covered).
* **blurred**: variance of the Laplacian (the usual focus measure) below ``blur_abs``, or below
  ``blur_rel`` times the median of the video's frames (a motion-blurred or out-of-focus frame
  among sharp ones; the relative test keeps soft-looking videos from losing every frame).
  The median is taken over the frames within ``MEDIAN_WINDOW`` frames either side (5 minutes
  at 1 fps), so a video of any length is judged frame by frame in bounded memory, and a long
  video's scenes are each judged against their own sharpness; a video of up to
  ``MEDIAN_WINDOW + 1`` frames is judged against its whole median.
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

from collections import deque
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy.fft import dctn

from dancekit.records import PlainFields

ANALYSIS_SIDE = 256


@dataclass(frozen=True)
class FilterSettings(PlainFields):
    """Thresholds of the three tests (see the module notes for how they were set).

    Parameters
    ----------
    black_level : float
        Mean grey (0-255) below which a frame is black.
    flat_std : float
        Grey standard deviation below which a frame is one flat colour.
    blur_abs : float
        Laplacian variance below which a frame is blurred.
    blur_rel : float
        ... or below this share of the median Laplacian variance of the frames around it.
    duplicate_bits : int
        Perceptual-hash distance at or below which a frame may repeat the last kept one ...
    duplicate_mad : float
        ... if its 64x64 grey thumbnail also differs by less than this on average.
    """
    black_level: float = 16.0  # mean grey (0-255) below which a frame is black
    flat_std: float = 6.0  # grey std below which a frame is one flat colour
    blur_abs: float = 20.0  # Laplacian variance below which a frame is blurred
    blur_rel: float = 0.2  # ... or below this share of the video's median Laplacian variance
    duplicate_bits: int = 4  # perceptual-hash distance at or below which a frame may repeat the last kept
    duplicate_mad: float = 2.0  # ... if its 64x64 grey thumbnail also differs by less than this on average


@dataclass
class FrameVerdict:
    """Why each frame was kept or dropped.

    Parameters
    ----------
    keep : np.ndarray
        bool ``[N]``.
    reasons : list of str
        ``""`` when kept, else ``"black"``, ``"flat"``, ``"blurred"`` or ``"duplicate"``.
    sharpness : np.ndarray
        Laplacian variance ``[N]``.
    hashes : np.ndarray
        uint64 perceptual hashes ``[N]``.
    """

    keep: np.ndarray  # [N] bool
    reasons: list[str]  # "" when kept, else "black" | "flat" | "blurred" | "duplicate"
    sharpness: np.ndarray  # [N] Laplacian variance
    hashes: np.ndarray  # [N] uint64

    @property
    def kept(self) -> np.ndarray:
        """Indices of the kept frames."""
        return np.flatnonzero(self.keep)

    def counts(self) -> dict[str, int]:
        """Frames kept, and frames dropped per reason.

        Returns
        -------
        dict
        """
        out = {"kept": int(self.keep.sum())}
        for r in self.reasons:
            if r:
                out[r] = out.get(r, 0) + 1
        return out


def grey(image: np.ndarray, side: int = ANALYSIS_SIDE) -> np.ndarray:
    """Luma (BT.601) of an RGB uint8 frame, shrunk to ``side`` pixels on its long side, float32.

    Parameters
    ----------
    image : np.ndarray
        RGB uint8 ``[H, W, 3]``.
    side : int
        Long side of the result in pixels (a smaller image is not enlarged).

    Returns
    -------
    np.ndarray
    """
    h, w = image.shape[:2]
    pil = Image.fromarray(np.ascontiguousarray(image)).convert("L")
    scale = side / max(h, w)
    if scale < 1:
        pil = pil.resize((max(8, round(w * scale)), max(8, round(h * scale))), Image.BOX)
    return np.asarray(pil, dtype=np.float32)


def laplacian_variance(g: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian (valid region): high for sharp, low for blurred frames.

    Parameters
    ----------
    g : np.ndarray
        A grey image from :func:`grey`.

    Returns
    -------
    float
    """
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(lap.var())


def perceptual_hash(g: np.ndarray) -> int:
    """pHash: sign of the 8x8 lowest DCT coefficients of a 32x32 thumbnail against their median.

    Parameters
    ----------
    g : np.ndarray
        A grey image.

    Returns
    -------
    int
        64 bits.
    """
    small = np.asarray(Image.fromarray(g.astype(np.uint8)).resize((32, 32), Image.BOX), dtype=np.float32)
    low = dctn(small, norm="ortho")[:8, :8].ravel()
    bits = low > np.median(low[1:])
    return int(np.packbits(bits).view(">u8")[0])


def thumbnail(g: np.ndarray) -> np.ndarray:
    """64x64 box-filtered float32 thumbnail of a grey image (the duplicate test compares these).

    Parameters
    ----------
    g : np.ndarray
        A grey image (any size).

    Returns
    -------
    np.ndarray
    """
    return np.asarray(Image.fromarray(g.astype(np.uint8)).resize((64, 64), Image.BOX), dtype=np.float32)


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two hashes.

    Parameters
    ----------
    a, b : int
        Perceptual hashes.

    Returns
    -------
    int
    """
    return int(a ^ b).bit_count()


#: frames either side whose median sharpness the relative blur test uses (see the module notes)
MEDIAN_WINDOW = 300


@dataclass
class FrameMeasure:
    """What the filter needs to know of one frame, so the frame itself need not be kept.

    Parameters
    ----------
    mean, std : float
        Grey level and contrast.
    sharpness : float
        Laplacian variance.
    hash : int
        Perceptual hash.
    thumbnail : np.ndarray or None
        64x64 uint8 grey thumbnail; only the duplicate test needs it.
    """

    mean: float
    std: float
    sharpness: float
    hash: int
    thumbnail: np.ndarray | None

    def may_be_kept(self, settings: FilterSettings) -> bool:
        """False if the frame is black, flat or below the absolute blur level: decided on its own.

        Parameters
        ----------
        settings : FilterSettings
            The thresholds.

        Returns
        -------
        bool
        """
        return (self.mean >= settings.black_level and self.std >= settings.flat_std
                and self.sharpness >= settings.blur_abs)


def measure_frame(image: np.ndarray) -> FrameMeasure:
    """Grey level, contrast, sharpness, perceptual hash and thumbnail of one RGB uint8 frame.

    Parameters
    ----------
    image : np.ndarray
        RGB uint8 ``[H, W, 3]``.

    Returns
    -------
    FrameMeasure
    """
    g = grey(image)
    thumb = thumbnail(g).astype(np.uint8)  # whole grey levels: 4 kB instead of 16
    return FrameMeasure(float(g.mean()), float(g.std()), laplacian_variance(g), perceptual_hash(g), thumb)


@dataclass(frozen=True)
class FrameDecision:
    """The filter's verdict on one frame (``reason`` "" when kept).

    Parameters
    ----------
    index : int
        Position of the frame in the video.
    reason : str
        ``""``, ``"black"``, ``"flat"``, ``"blurred"`` or ``"duplicate"``.
    sharpness : float
        Its Laplacian variance.
    hash : int
        Its perceptual hash.
    """

    index: int
    reason: str
    sharpness: float
    hash: int


class FrameFilter:
    """The tests above, one frame at a time: push frames in time order, get verdicts in order.

    A verdict on frame i waits for frame i + ``window`` (the relative blur test's median); only
    measures (no frames) of those pending frames are held, so memory is bounded by the window.

    Parameters
    ----------
    settings : FilterSettings
        The thresholds.
    window : int, optional
        Frames either side for the relative blur test's median (default ``MEDIAN_WINDOW``).
    """

    def __init__(self, settings: FilterSettings = FilterSettings(), window: int | None = None):
        self.settings = settings
        self.window = MEDIAN_WINDOW if window is None else int(window)
        self._pending: deque = deque()  # (index, measure, reason so far) of the frames not yet decided
        self._sharp: deque = deque()  # (index, sharpness) of the informative frames in reach
        self._last: FrameMeasure | None = None  # the last kept frame
        self._n = 0

    def push(self, frame: np.ndarray | FrameMeasure) -> list[FrameDecision]:
        """Add the next frame (RGB image or its measure); return the verdicts now decided.

        Parameters
        ----------
        frame : np.ndarray or FrameMeasure
            The next frame in time order.

        Returns
        -------
        list of FrameDecision
            In frame order; possibly empty.
        """
        m = frame if isinstance(frame, FrameMeasure) else measure_frame(frame)
        settings, index = self.settings, self._n
        self._n += 1
        reason = ""
        if m.mean < settings.black_level:
            reason = "black"
        elif m.std < settings.flat_std:
            reason = "flat"
        else:
            self._sharp.append((index, m.sharpness))
            if m.sharpness < settings.blur_abs:
                reason = "blurred"
        if reason:  # out whatever comes: the thumbnail is not needed
            m = FrameMeasure(m.mean, m.std, m.sharpness, m.hash, None)
        self._pending.append((index, m, reason))
        decided = []
        while self._pending and self._pending[0][0] + self.window < self._n:
            decided.append(self._decide(*self._pending.popleft()))
        return decided

    def finish(self) -> list[FrameDecision]:
        """The verdicts on the frames still pending at the end of the video."""
        return [self._decide(*self._pending.popleft()) for _ in range(len(self._pending))]

    def _decide(self, index: int, m: FrameMeasure, reason: str) -> FrameDecision:
        settings = self.settings
        while self._sharp and self._sharp[0][0] < index - self.window:
            self._sharp.popleft()
        if not reason:
            median = float(np.median([v for _, v in self._sharp]))
            if m.sharpness < settings.blur_rel * median:
                reason = "blurred"
        if not reason:
            last = self._last
            if (last is not None and hamming(m.hash, last.hash) <= settings.duplicate_bits
                    and _mean_abs_difference(m.thumbnail, last.thumbnail) < settings.duplicate_mad):
                reason = "duplicate"
            else:
                self._last = m
        return FrameDecision(index, reason, m.sharpness, m.hash)


def _mean_abs_difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


def verdict_of(decisions: list[FrameDecision]) -> FrameVerdict:
    """Collect the decisions on a whole video (in order) into one :class:`FrameVerdict`.

    Parameters
    ----------
    decisions : list of FrameDecision
        Every frame's decision, in order.

    Returns
    -------
    FrameVerdict
    """
    reasons = [d.reason for d in decisions]
    return FrameVerdict(np.array([not r for r in reasons], dtype=bool), reasons,
                        np.array([d.sharpness for d in decisions], dtype=np.float64),
                        np.array([d.hash for d in decisions], dtype=np.uint64))


def filter_frames(images: np.ndarray, settings: FilterSettings = FilterSettings(),
                  window: int | None = None) -> FrameVerdict:
    """Judge every frame of one video (in time order) by the tests above.

    Parameters
    ----------
    images : np.ndarray
        RGB uint8 ``[N, H, W, 3]``.
    settings : FilterSettings
        The thresholds.
    window : int, optional
        Frames either side for the relative blur test (default ``MEDIAN_WINDOW``).

    Returns
    -------
    FrameVerdict
    """
    frame_filter = FrameFilter(settings, window)
    decisions = [d for image in images for d in frame_filter.push(image)]
    return verdict_of(decisions + frame_filter.finish())
