"""Train/test overlap check: does a test recording also sit (in part) in the training set?

Paper 1 (section IV-A) verified its test sets by "correlating spectrogram segments between training
and test sets" and checking the highly correlated cases by ear. This is that check, made cheap:

1. Each file becomes a small log-mel fingerprint (the project's mel front end at 11025 Hz, 32 bands,
   46 ms frames) with its floor clipped 60 dB under the file's peak, so silence and fades look alike
   whatever the level.
2. Test files are cut into non-overlapping segments of ``segment_s`` seconds. Each segment loses its
   band means (a gain change or an EQ tilt is a per-band offset in dB) and its frame means (the
   loudness contour all bands share: without this, any two fade-outs correlate), then gets unit norm:
   the dot product of two segments is their normalised cross-correlation.
3. Each training file is compared at every frame offset, and again with its frames shifted by half a
   frame (``phases``), so two copies that start at an arbitrary offset line up within a quarter frame
   (12 ms). One matrix product per block keeps only each test segment's best match. Memory: the test
   fingerprints plus one block; time: linear in each set.

A test file overlaps a training file when one of its segments correlates at ``threshold`` or more
with a segment of that file; the report gives the best score, where it is in each file, and how many
of the test file's segments match (all of them for a copy, a few for a shared intro or a sample).
Nearly constant segments (silence, a held tone) are not compared: they would correlate with anything.

Measured on real clips (100 GTZAN-mini + 7 CC tracks, each against all others): the best score of
two different recordings was 0.58; copies of 10 of them (offset 0.3-7 s, gain -20..+6 dB, some with
noise, some 10-s excerpts, some re-encoded to 96 kb/s MP3 at 44.1 kHz) scored 0.84-1.00. Hence the
default threshold of 0.75.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import torch
from tqdm import tqdm

from dancekit.audio import load
from dancekit.data.dedup_defaults import DEFAULT_THRESHOLD
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.recordings import is_audio_file
from dancekit.errors import AudioError
from dancekit.records import PlainFields
from dancekit.features import FrontEndConfig, build_frontend

#: The fingerprint front end: coarse on purpose (identity, not timbre, is what is compared).
FINGERPRINT_FRONTEND = FrontEndConfig(kind="mel", sr=11025, n_fft=1024, hop_length=512, n_mels=32, fmin=30.0,
                                      fmax=5000.0, power=2.0, log="db")


@dataclass(frozen=True)
class DedupSettings:
    """What a fingerprint segment is, and how finely files are compared.

    Parameters
    ----------
    segment_s : float
        Length of a test segment, in seconds; each one is looked for in every training file.
    floor_db : float
        Spectrogram values more than this under the file's peak are clipped, so silence and fades
        look alike whatever the level.
    min_std_db : float
        Segments flatter than this (silence, a held tone) are not compared: they would match anything.
    phases : int
        Training spectrograms per file, shifted by ``1/phases`` of a frame.
    max_scores : int
        Entries of one query x window score block (memory bound; 64 MB of float32 by default).
    """

    segment_s: float = 5.0
    floor_db: float = 60.0
    min_std_db: float = 1.0  # segments flatter than this (silence) are not compared
    phases: int = 2  # training spectrograms per file, shifted by 1/phases of a frame
    max_scores: int = 1 << 24  # entries of one query x window score block (64 MB of float32)

    @property
    def frames(self) -> int:
        """Fingerprint frames in one segment (at least 2)."""
        return max(2, round(self.segment_s * FINGERPRINT_FRONTEND.frame_rate))


@dataclass(frozen=True)
class Overlap(PlainFields):
    """One test file that correlates with one training file.

    Parameters
    ----------
    test, train : str
        The two files.
    score : float
        Best correlation of a test segment with the training file.
    test_time, train_time : float
        Where that best match starts in each file, in seconds.
    matched, segments : int
        Test segments at or above the threshold, out of all the test file's compared segments.
    """

    test: str
    train: str
    score: float  # best normalised cross-correlation of a test segment with the training file
    test_time: float  # where that segment starts, seconds
    train_time: float
    matched: int  # test segments of this file that match this training file above the threshold
    segments: int  # test segments compared


@dataclass
class DedupResult:
    """What :func:`find_overlaps` found.

    Parameters
    ----------
    overlaps : list of Overlap
        Best first.
    test_files, train_files : int
        Files named on each side (readable or not).
    unreadable : list of (str, str)
        ``(file, error)`` for files that could not be decoded; they were skipped.
    threshold : float
        The correlation that made an overlap.
    """
    overlaps: list[Overlap]
    test_files: int
    train_files: int
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, error)
    threshold: float = DEFAULT_THRESHOLD

    def to_dict(self) -> dict:
        """The result as a JSON-ready dict (what the ``dedup`` command prints with ``--json``)."""
        return {"threshold": self.threshold, "test_files": self.test_files, "train_files": self.train_files,
                "overlaps": [o.to_dict() for o in self.overlaps],
                "unreadable": [{"file": f, "error": e} for f, e in self.unreadable]}


class Fingerprinter:
    """Audio -> clipped log-mel matrices ``[bands, frames]`` (float32 numpy), one per frame phase.

    Parameters
    ----------
    settings : DedupSettings
        Only ``floor_db`` and ``phases`` matter here.
    """

    def __init__(self, settings: DedupSettings = DedupSettings()):
        self.settings = settings
        self.frontend = build_frontend(FINGERPRINT_FRONTEND, precision="float32")

    def load(self, source) -> np.ndarray:
        """Mono samples at the fingerprint rate; too short a file is an ``AudioError``.

        Parameters
        ----------
        source : str, Path or np.ndarray
            A file, or samples already at ``FINGERPRINT_FRONTEND.sr``.

        Returns
        -------
        np.ndarray
            float32 samples.
        """
        wave = source if isinstance(source, np.ndarray) else load(source, sr=FINGERPRINT_FRONTEND.sr)
        if wave.size < FINGERPRINT_FRONTEND.n_fft:
            raise AudioError(f"{_name(source)}: too short to compare ({wave.size} samples)")
        return np.ascontiguousarray(wave, dtype=np.float32)

    def spectrogram(self, wave: np.ndarray) -> np.ndarray:
        """The clipped log-mel fingerprint of samples.

        Parameters
        ----------
        wave : np.ndarray
            float32 samples at ``FINGERPRINT_FRONTEND.sr``.

        Returns
        -------
        np.ndarray
            ``[bands, frames]``.
        """
        with torch.inference_mode():
            spec = self.frontend(torch.from_numpy(wave)).numpy()
        return np.maximum(spec, spec.max() - self.settings.floor_db)

    def __call__(self, source) -> np.ndarray:
        return self.spectrogram(self.load(source))

    def phases(self, source) -> list[tuple[int, np.ndarray]]:
        """``(offset in samples, spectrogram)`` at frame phases 0, 1/n, ... (n = ``settings.phases``).

        A copy that starts between two frames of the original still lines up within 1/(2n) frame.

        Parameters
        ----------
        source : str, Path or np.ndarray
            As for :meth:`load`.

        Returns
        -------
        list of (int, np.ndarray)
            Offsets too close to the end for one FFT are left out.
        """
        wave = self.load(source)
        hop = FINGERPRINT_FRONTEND.hop_length
        offsets = [round(k * hop / self.settings.phases) for k in range(self.settings.phases)]
        return [(o, self.spectrogram(wave[o:])) for o in offsets if wave.size - o >= FINGERPRINT_FRONTEND.n_fft]


def _name(source) -> str:
    return str(source) if isinstance(source, (str, os.PathLike)) else "<samples>"


def _normalise(windows: np.ndarray, min_std: float) -> tuple[np.ndarray, np.ndarray]:
    """``[n, bands, frames]`` -> unit-norm, per-band-centred ``[n, bands*frames]`` and a usable mask."""
    centred = windows - windows.mean(axis=2, keepdims=True)
    centred -= centred.mean(axis=1, keepdims=True)  # and the loudness contour shared by all bands
    flat = centred.reshape(len(centred), -1)
    norm = np.linalg.norm(flat, axis=1)
    usable = norm / np.sqrt(flat.shape[1]) >= min_std
    flat = flat / np.where(usable, norm, 1.0)[:, None]
    return flat.astype(np.float32), usable


def query_segments(spec: np.ndarray, settings: DedupSettings) -> tuple[np.ndarray, np.ndarray]:
    """Non-overlapping test segments (the last one flush with the end): fingerprints and start frames.

    Parameters
    ----------
    spec : np.ndarray
        A test file's fingerprint ``[bands, frames]``.
    settings : DedupSettings
        Segment length and flatness floor.

    Returns
    -------
    fingerprints : np.ndarray
        ``[segments, bands * frames]`` unit-norm rows; flat segments are left out.
    starts : np.ndarray
        Start frame of each row.
    """
    length = settings.frames
    if spec.shape[1] < length:
        return np.zeros((0, spec.shape[0] * length), np.float32), np.zeros(0, int)
    starts = list(range(0, spec.shape[1] - length + 1, length))
    if starts[-1] != spec.shape[1] - length:
        starts.append(spec.shape[1] - length)
    starts = np.array(starts)
    flat, usable = _normalise(np.stack([spec[:, s:s + length] for s in starts]), settings.min_std_db)
    return flat[usable], starts[usable]


def best_matches(queries: np.ndarray | torch.Tensor, spec: np.ndarray, settings: DedupSettings
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For every query, its best correlation with any window of ``spec`` (every frame offset) and where.

    Parameters
    ----------
    queries : np.ndarray or torch.Tensor
        Rows of :func:`query_segments`; a tensor on a GPU runs the products there.
    spec : np.ndarray
        A training file's fingerprint ``[bands, frames]``.
    settings : DedupSettings
        Segment length, flatness floor and block size.

    Returns
    -------
    best : np.ndarray
        ``[queries]`` correlations (-1 where ``spec`` is shorter than a segment).
    where : np.ndarray
        Frame of ``spec`` where each best window starts.
    """
    length = settings.frames
    best = np.full(len(queries), -1.0, np.float32)
    where = np.zeros(len(queries), int)
    n_windows = spec.shape[1] - length + 1
    if n_windows < 1 or len(queries) == 0:
        return best, where
    view = np.lib.stride_tricks.sliding_window_view(spec, length, axis=1)  # [bands, windows, frames]
    q = queries if isinstance(queries, torch.Tensor) else torch.from_numpy(queries)
    block = int(np.clip(settings.max_scores // len(q), 64, 8192))
    for start in range(0, n_windows, block):
        windows = np.ascontiguousarray(view[:, start:start + block].transpose(1, 0, 2))
        flat, usable = _normalise(windows, settings.min_std_db)
        flat[~usable] = 0.0  # flat windows (silence) score 0 with everything
        value, index = (q @ torch.from_numpy(flat).to(q.device).T).max(dim=1)
        value, index = value.cpu().numpy(), index.cpu().numpy()
        better = value > best
        best[better] = value[better]
        where[better] = index[better] + start
    return best, where


def _as_path(item) -> str:
    return str(item.path if hasattr(item, "path") else item)


def find_overlaps(train: Iterable, test: Iterable, threshold: float = DEFAULT_THRESHOLD,
                  settings: DedupSettings = DedupSettings(), progress: bool = False,
                  on_error: Callable[[str, str], None] | None = None, device: str = "cpu") -> DedupResult:
    """Every (test, train) pair of files whose segments correlate at ``threshold`` or more, best first.

    Memory: about 14 kB per 5-s test segment (all test files are held), plus one score block.

    Parameters
    ----------
    train, test : iterable of path or Recording
        The two sets. A file that is in both is not compared with itself, so
        ``find_overlaps(files, files)`` finds the duplicates inside one set.
    threshold : float
        Correlation in [-1, 1] that makes an overlap (0.75 separates copies from different recordings
        on the clips measured in the module doc).
    settings : DedupSettings
        Segment length and comparison detail.
    progress : bool
        Show progress bars.
    on_error : callable, optional
        ``on_error(path, message)`` for each unreadable file (which is skipped either way).
    device : str
        Torch device of the products (``"cuda"`` for a GPU).

    Returns
    -------
    DedupResult
    """
    if not -1.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be a correlation between -1 and 1, got {threshold}")
    train_files = [_as_path(t) for t in train]
    test_files = [_as_path(t) for t in test]
    fingerprint = Fingerprinter(settings)
    unreadable: list[tuple[str, str]] = []

    def read(path: str, reader: Callable):
        try:
            return reader(path)
        except AudioError as err:
            unreadable.append((path, str(err)))
            if on_error is not None:
                on_error(path, str(err))
            return None

    blocks, owners, starts, counts = [], [], [], {}
    for i, path in enumerate(tqdm(test_files, desc="test files", unit="file", disable=not progress, leave=False)):
        spec = read(path, fingerprint)
        if spec is not None:
            q, s = query_segments(spec, settings)
            blocks.append(q)
            owners += [i] * len(q)
            starts.append(s)
            counts[i] = len(q)
    dim = FINGERPRINT_FRONTEND.n_bins * settings.frames
    queries = np.concatenate(blocks) if blocks else np.zeros((0, dim), np.float32)
    query_tensor = torch.from_numpy(queries).to(device)
    owners_arr = np.array(owners, int)
    starts_arr = np.concatenate(starts) if starts else np.zeros(0, int)
    resolved_test = [os.path.realpath(p) for p in test_files]
    sr, hop = FINGERPRINT_FRONTEND.sr, FINGERPRINT_FRONTEND.hop_length

    overlaps = []
    for path in tqdm(train_files, desc="train files", unit="file", disable=not progress, leave=False):
        specs = read(path, fingerprint.phases)
        if not specs or len(queries) == 0:
            continue
        best = np.full(len(queries), -1.0, np.float32)
        where = np.zeros(len(queries))  # seconds
        for offset, spec in specs:
            value, frame = best_matches(query_tensor, spec, settings)
            better = value > best
            best[better] = value[better]
            where[better] = (frame[better] * hop + offset) / sr
        same = os.path.realpath(path)
        for i in np.unique(owners_arr[best >= threshold]):
            if resolved_test[i] == same:
                continue
            mine = np.flatnonzero(owners_arr == i)
            top = mine[np.argmax(best[mine])]
            overlaps.append(Overlap(test_files[i], path, round(float(best[top]), 4),
                                    round(float(starts_arr[top] * hop / sr), 2), round(float(where[top]), 2),
                                    int((best[mine] >= threshold).sum()), counts[i]))
    overlaps.sort(key=lambda o: (-o.score, o.test, o.train))
    return DedupResult(overlaps, len(test_files), len(train_files), unreadable, threshold)


def audio_files_in(target: str | Path) -> list[Path]:
    """The files a TRAIN/TEST argument names.

    Parameters
    ----------
    target : str or Path
        A folder (the audio files below it), a ``.txt``/``.lst``/``.list`` of paths (relative to the
        list's folder), or one audio file.

    Returns
    -------
    list of Path
        A missing target or an empty folder or list is a ``DatasetLayoutError``.
    """
    target = Path(target)
    if target.is_dir():
        files = sorted(p for p in target.rglob("*") if is_audio_file(p))
        if not files:
            raise DatasetLayoutError(f"no audio files in {target}")
        return files
    if not target.exists():
        raise DatasetLayoutError(f"not found: {target}")
    if target.suffix.lower() in (".txt", ".lst", ".list"):
        lines = [ln.split("\t")[0].strip() for ln in target.read_text().splitlines()]
        files = [p if p.is_absolute() else target.parent / p for p in map(Path, filter(None, lines))]
        if not files:
            raise DatasetLayoutError(f"list {target} names no files")
        return files
    return [target]


def summarise(result: DedupResult, top: int | None = None) -> Sequence[str]:
    """Human-readable lines: one per overlapping pair (best first), then a count.

    Parameters
    ----------
    result : DedupResult
        What :func:`find_overlaps` returned.
    top : int, optional
        Print only the first ``top`` pairs (the count still covers all).

    Returns
    -------
    list of str
    """
    lines = [f"{o.score:.3f}  {o.test} @ {o.test_time:.1f}s  ~  {o.train} @ {o.train_time:.1f}s  "
             f"({o.matched}/{o.segments} segments)" for o in result.overlaps[:top]]
    n_test = len({o.test for o in result.overlaps})
    lines.append(f"{n_test} of {result.test_files} test files overlap {len({o.train for o in result.overlaps})} "
                 f"of {result.train_files} training files (threshold {result.threshold})")
    return lines
