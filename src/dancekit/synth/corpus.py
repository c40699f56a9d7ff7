"""Build a labelled corpus of synthetic dance clips: planned from a seed, rendered in parallel, resumable.

Why this shape: clip ``i`` depends only on ``(seed, i)`` (label = ``i`` modulo the label list,
so asking for more clips per dance extends a corpus without changing the clips already there).
Each clip's audio and its manifest rows are written atomically, the rows last, so a killed run
leaves whole clips or none; a rerun renders only what is missing and sweeps stale ``*.tmp``.
``manifest.csv`` is written only by a build that tried every clip: while one runs (or after it
was killed) the clips finished so far are listed in ``manifest.partial.csv``, so a reader never
takes a corpus cut short for a whole one. A killed worker ends the build (no waiting forever for
its clip), and workers end with the build.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from tqdm import tqdm

from dancekit.dances import DANCE_NAMES, dance_by_name
from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write, atomic_write_text
from dancekit.synth import tempo
from dancekit.synth.degrade import degrade
from dancekit.synth.grooves import OTHER_LABEL, OTHER_STYLES, families_for
from dancekit.synth.render import available_soundfonts, fluidsynth, produce
from dancekit.synth.song import SynthToolError, compile_midi, random_song, song_text

FORMAT_VERSION = 1
MANIFEST_EVERY_S = 30.0
PARTIAL_MANIFEST = "manifest.partial.csv"  # the clips finished so far, while a build runs or after it was killed
MANIFEST_FIELDS = ("file", "label", "bpm", "beats_per_bar", "meter", "groove", "groove_file", "style", "key",
                   "soundfont", "seed", "song", "degraded", "duration")


@dataclass(frozen=True)
class CorpusSettings:
    """Everything that shapes a clip, apart from how many clips there are.

    Stored in ``corpus.json``: a rerun into the same folder must use the same settings, so every clip of
    a corpus was made the same way.

    Parameters
    ----------
    seed : int
        Seed of the whole corpus (each clip's seed derives from it and the clip index).
    duration : float
        Clip length in seconds.
    sample_rate : int
        Sample rate of the files.
    degrade_fraction : float
        Share of clips that also get a phone-in-the-hall copy.
    include_other : bool
        Add the non-ballroom reject class ``Other``.
    audio_format : {"flac", "ogg", "wav"}
        File format.
    dances : tuple of str, optional
        Restrict the labels (None: the ten dances, plus Other).
    version : int
        Format version of the corpus.
    """

    seed: int = 0
    duration: float = 30.0
    sample_rate: int = 22050
    degrade_fraction: float = 0.3
    include_other: bool = True
    audio_format: str = "flac"
    dances: tuple[str, ...] | None = None  # restrict the labels (None: the ten dances, plus Other)
    version: int = FORMAT_VERSION


@dataclass(frozen=True)
class ClipJob:
    """One clip to render: everything a worker process needs besides the settings.

    Parameters
    ----------
    index : int
        Position in the plan (also the song id and the file name prefix).
    label : str
        The dance, or ``Other``.
    seed : int
        The clip's own seed.
    degraded : bool
        Also render a phone-in-the-hall copy.
    """
    index: int
    label: str
    seed: int
    degraded: bool


def labels(include_other: bool, dances: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The labels of a corpus, in plan order.

    Parameters
    ----------
    include_other : bool
        Append ``Other`` (once, even if ``dances`` names it).
    dances : tuple of str, optional
        The dance names to use (default: all ten).

    Returns
    -------
    tuple of str
    """
    names = DANCE_NAMES if dances is None else tuple(dances)
    return names + ((OTHER_LABEL,) if include_other and OTHER_LABEL not in names else ())


def plan(settings: CorpusSettings, per_dance: int) -> list[ClipJob]:
    """The clips of a corpus, in manifest order.

    Labels cycle through the dances, so a partly rendered corpus stays balanced.

    Parameters
    ----------
    settings : CorpusSettings
        Seed, labels and degrade fraction.
    per_dance : int
        Clips per label.

    Returns
    -------
    list of ClipJob
    """
    names = labels(settings.include_other, settings.dances)
    jobs = []
    for i in range(per_dance * len(names)):
        clip_seed, flag_seed = np.random.SeedSequence([settings.seed, i]).generate_state(2)
        degraded = np.random.default_rng(flag_seed).random() < settings.degrade_fraction
        jobs.append(ClipJob(i, names[i % len(names)], int(clip_seed), bool(degraded)))
    return jobs


def _stem(job: ClipJob) -> str:
    return f"{job.index:06d}_{job.label.lower().replace(' ', '')}"


def _meta_path(out: Path, job: ClipJob) -> Path:
    return out / "meta" / f"{_stem(job)}.json"


def _pick(rng, items, weights):
    w = np.asarray(weights, dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


def _tempo_for(label: str, style: str | None, rng) -> float:
    key = label if style is None else f"Other:{style}"
    if tempo.has_distribution(key):
        return tempo.sample_bpm(key, rng)
    lo, hi = next(s.bpm_range for s in OTHER_STYLES if s.name == style)
    return float(rng.uniform(lo, hi))


def _write_audio(path: Path, x: np.ndarray, sr: int, fmt: str) -> None:
    atomic_write(path, lambda tmp: sf.write(tmp, x, sr, format=fmt.upper(), subtype="PCM_16" if fmt == "flac" else None))


def render_clip(job: ClipJob, settings: CorpusSettings, out: Path) -> list[dict]:
    """Render clip ``job`` (and its degraded copy) into ``out``; return its manifest rows.

    Parameters
    ----------
    job : ClipJob
        The clip.
    settings : CorpusSettings
        Duration, sample rate and format.
    out : Path
        The corpus folder; files go to ``audio/``, the rows to ``meta/`` (so a rerun can skip the clip).

    Returns
    -------
    list of dict
        One row per file written (clean, then degraded).
    """
    rng = np.random.default_rng(job.seed)
    style = str(rng.choice([s.name for s in OTHER_STYLES])) if job.label == OTHER_LABEL else None
    fams = families_for(job.label, style)
    family = _pick(rng, fams, [f.weight for f in fams])
    bpm = _tempo_for(job.label, style, rng)
    fonts = available_soundfonts()
    soundfont = _pick(rng, [p for p, _ in fonts], [w for _, w in fonts])
    sr, n = settings.sample_rate, int(round(settings.duration * settings.sample_rate))
    song = random_song(job.label, family, bpm, settings.duration * rng.uniform(1.1, 1.5) + 1.0, rng)
    with tempfile.TemporaryDirectory(prefix="dancekit-synth-") as tmp:
        midi = compile_midi(song_text(song), Path(tmp))
        stereo = fluidsynth(midi, soundfont, sr, gain=float(rng.uniform(0.3, 0.8)))
    start = int(rng.integers(0, max(1, len(stereo) - n)))
    stereo = stereo[start:start + n]
    if len(stereo) < n:
        stereo = np.pad(stereo, ((0, n - len(stereo)), (0, 0)))
    clean, _ = produce(stereo, sr, rng)
    if job.label == OTHER_LABEL:
        bpb = family.beats_per_bar
    else:
        bpb = dance_by_name(job.label).beats_per_bar
    base = {"label": job.label, "bpm": round(bpm, 2), "beats_per_bar": bpb, "meter": f"{bpb}/8" if bpb == 6 else f"{bpb}/4",
            "groove": family.mains[0], "groove_file": family.file,
            "style": style or "", "key": song.key, "soundfont": Path(soundfont).name, "seed": job.seed,
            "song": job.index, "duration": settings.duration}
    ext = settings.audio_format
    rows = []
    clean_path = out / "audio" / f"{_stem(job)}.{ext}"
    _write_audio(clean_path, clean, sr, ext)
    rows.append({**base, "file": str(clean_path.relative_to(out)), "degraded": False})
    if job.degraded:
        noisy, _ = degrade(clean, sr, bpm, np.random.default_rng([job.seed, 7]))
        noisy_path = out / "audio" / f"{_stem(job)}_phone.{ext}"
        _write_audio(noisy_path, noisy, sr, ext)
        rows.append({**base, "file": str(noisy_path.relative_to(out)), "degraded": True})
    atomic_write_text(_meta_path(out, job), json.dumps(rows))
    return rows


def _finished_rows(out: Path, job: ClipJob) -> list[dict] | None:
    """The manifest rows of a clip whose files are all there, else None."""
    meta = _meta_path(out, job)
    if not meta.exists():
        return None
    try:
        rows = json.loads(meta.read_text())
        return rows if all((out / r["file"]).exists() for r in rows) else None
    except (ValueError, KeyError):
        return None


def _sweep_tmp(out: Path) -> int:
    stale = [p for d in (out, out / "audio", out / "meta") if d.is_dir() for p in d.glob(".*.tmp")]
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)


def write_manifest(out: Path, jobs: list[ClipJob]) -> Path:
    """``manifest.csv`` of every finished clip, in plan order (atomic, so readers never see half a file).

    Parameters
    ----------
    out : Path
        The corpus folder.
    jobs : list of ClipJob
        The plan; clips whose files are missing are left out.

    Returns
    -------
    Path
        The manifest.
    """
    return _write_rows(out, [rows for job in jobs if (rows := _finished_rows(out, job))])


def _write_rows(out: Path, clips: list[list[dict]], name: str = "manifest.csv") -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    for rows in clips:
        writer.writerows(rows)
    return atomic_write_text(out / name, buf.getvalue())


def _check_settings(out: Path, settings: CorpusSettings) -> None:
    path = out / "corpus.json"
    wanted = asdict(settings)
    if path.exists():
        have = json.loads(path.read_text())
        wanted = json.loads(json.dumps(wanted))  # tuples -> lists, as stored
        if have != wanted:
            diff = ", ".join(f"{k}={have.get(k)!r}" for k in wanted if have.get(k) != wanted[k])
            raise DancekitError(f"{out} holds a corpus made with other settings ({diff}); use another folder")
    else:
        atomic_write_text(path, json.dumps(wanted, indent=1) + "\n")


def _check_tools() -> None:
    for tool, package in (("mma", "mma"), ("fluidsynth", "fluidsynth")):
        if shutil.which(tool) is None:
            raise SynthToolError(f"{tool} not found: install the Debian/Ubuntu package '{package}'")
    available_soundfonts()


def _end_with_parent() -> None:
    """Worker initialiser: exit when the build process dies (SIGKILL), instead of rendering on unseen."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_ready, args=(parent.sentinel,), daemon=True).start()


def _exit_when_ready(sentinel) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _as_finished(futures: dict, lost: list[ClipJob]):
    """Results as they come; the clips of a pool broken by a killed worker go to ``lost``."""
    for future in as_completed(futures):
        try:
            yield future.result()
        except BrokenProcessPool:
            lost.append(futures[future])


def _work(args):
    job, settings, out = args
    try:
        return job, render_clip(job, settings, Path(out)), None
    except (DancekitError, OSError, ValueError) as err:
        return job, None, f"{type(err).__name__}: {err}"


def build_corpus(out_dir: str | Path, clips_per_dance: int, seed: int = 0, workers: int = 1,
                 degrade_fraction: float = 0.3, include_other: bool = True, duration: float = 30.0,
                 sample_rate: int = 22050, audio_format: str = "flac", dances=None, progress: bool = True) -> dict:
    """Render the missing clips of a corpus into ``out_dir``; return a summary dict.

    The manifest (``manifest.csv``, written once every clip was tried) lists every finished clip,
    clean and degraded copies, with file, label, bpm (beats per minute), beats_per_bar, meter,
    groove, soundfont and seed. A worker killed mid-build (out of memory, say) ends the build with
    a :class:`SynthToolError`; the clips finished are kept and a rerun renders the rest.

    Parameters
    ----------
    out_dir : str or Path
        The corpus folder (created; an existing one must hold a corpus of the same settings).
    clips_per_dance : int
        Clips per label.
    seed : int
        Seed of the whole corpus.
    workers : int
        Processes rendering in parallel.
    degrade_fraction, include_other, duration, sample_rate, audio_format
        As in :class:`CorpusSettings`.
    dances : iterable of str, optional
        Restrict the labels (display names or keys, e.g. for tests or a focused corpus).
    progress : bool
        Show a progress bar.

    Returns
    -------
    dict
        ``planned``, ``rendered``, ``skipped``, ``failed`` (messages), ``stale_tmp_removed`` and
        ``manifest`` (its path).
    """
    if clips_per_dance < 1 or workers < 1 or not 0.0 <= degrade_fraction <= 1.0 or duration <= 0:
        raise DancekitError("clips per dance and workers must be >= 1, degrade fraction in [0, 1], duration > 0")
    if audio_format not in ("flac", "ogg", "wav"):
        raise DancekitError(f"unsupported audio format: {audio_format} (flac, ogg or wav)")
    if dances is not None:
        try:
            dances = tuple(OTHER_LABEL if d == OTHER_LABEL else dance_by_name(d).name for d in dances)
        except KeyError as err:
            raise DancekitError(str(err).strip("'")) from None
    out = Path(out_dir)
    (out / "audio").mkdir(parents=True, exist_ok=True)
    (out / "meta").mkdir(exist_ok=True)
    settings = CorpusSettings(seed, float(duration), int(sample_rate), float(degrade_fraction), bool(include_other), audio_format, dances)
    _check_tools()
    _check_settings(out, settings)
    swept = _sweep_tmp(out)
    jobs = plan(settings, clips_per_dance)
    done = {j.index: rows for j in jobs if (rows := _finished_rows(out, j))}  # for the interim manifests
    todo = [j for j in jobs if j.index not in done]
    failures: list[str] = []
    bar = tqdm(total=len(todo), unit="clip", desc="synth", disable=not progress, file=sys.stderr)
    args = [(j, settings, str(out)) for j in todo]
    lost: list[ClipJob] = []
    pool = None
    try:
        if workers == 1 or len(todo) <= 1:
            results = map(_work, args)
        else:  # not multiprocessing.Pool: it waits forever for the clip of a worker that was killed
            pool = ProcessPoolExecutor(min(workers, len(todo)), mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_end_with_parent)
            results = _as_finished({pool.submit(_work, a): a[0] for a in args}, lost)
        last = time.monotonic()
        for job, rows, err in results:
            if err:
                failures.append(f"clip {job.index} ({job.label}): {err}")
            else:
                done[job.index] = rows
            bar.update(1)
            if time.monotonic() - last >= MANIFEST_EVERY_S:  # for readers of a corpus still being built
                _write_rows(out, [done[i] for i in sorted(done)], PARTIAL_MANIFEST)
                last = time.monotonic()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        bar.close()
    if lost:
        _write_rows(out, [done[i] for i in sorted(done)], PARTIAL_MANIFEST)
        raise SynthToolError(f"a worker process died (killed? out of memory?); {len(lost)} clip(s) not rendered, "
                             f"{len(done)} kept: rerun the same command to finish the corpus")
    write_manifest(out, jobs)
    (out / PARTIAL_MANIFEST).unlink(missing_ok=True)
    if failures and len(failures) == len(todo):
        raise SynthToolError(f"every clip failed; first: {failures[0]}")
    return {"planned": len(jobs), "rendered": len(todo) - len(failures), "skipped": len(jobs) - len(todo),
            "failed": failures, "stale_tmp_removed": swept, "manifest": str(out / "manifest.csv")}
