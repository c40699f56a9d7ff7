"""Rendering a tiny corpus: labels, tempo, determinism, resumability, errors."""

import csv
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from dancekit.errors import DancekitError
from dancekit.synth.corpus import build_corpus

FAST_FONTS = [p for p in ("/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/FluidR3_GM.sf2") if Path(p).is_file()]
pytestmark = pytest.mark.skipif(shutil.which("mma") is None or shutil.which("fluidsynth") is None or not FAST_FONTS,
                                reason="needs Debian packages mma, fluidsynth and a GM soundfont")
DANCES = ("Slow Waltz", "Samba", "Tango")
KW = dict(clips_per_dance=1, workers=1, duration=15.0, degrade_fraction=0.5, include_other=False,
          dances=DANCES, progress=False)


@pytest.fixture(autouse=True)
def _fast_soundfonts(monkeypatch):
    monkeypatch.setenv("DANCEKIT_SOUNDFONTS", ":".join(FAST_FONTS))  # MuseScore's sf3 takes ~4 s to decode per process


def _hashes(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((root / "audio").iterdir())}


def _rows(root: Path) -> list[dict]:
    with open(root / "manifest.csv") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    import os

    os.environ["DANCEKIT_SOUNDFONTS"] = ":".join(FAST_FONTS)
    root = tmp_path_factory.mktemp("corpus")
    summary = build_corpus(root, seed=5, **KW)
    return root, summary


def test_manifest_lists_labelled_clips(corpus):
    root, summary = corpus
    rows = _rows(root)
    assert summary["rendered"] == 3 and not summary["failed"]
    assert [r["label"] for r in rows if r["degraded"] == "False"] == list(DANCES)
    for r in rows:
        x, sr = sf.read(root / r["file"])
        assert sr == 22050 and x.ndim == 1 and len(x) == 15 * 22050
        assert 1e-3 < np.sqrt(np.mean(x**2)) and np.abs(x).max() <= 1.0
        assert r["meter"] == {"Slow Waltz": "3/4", "Samba": "2/4", "Tango": "4/4"}[r["label"]]
        assert r["groove_file"] and r["soundfont"] in {Path(p).name for p in FAST_FONTS}


def _comb(onset_ac, sr, bpm, hop=512):
    """Mean onset autocorrelation at 1-4 beat periods of ``bpm`` (+-1 frame): high when the music pulses at it."""
    period = 60.0 / bpm * sr / hop
    lags = [int(round(k * period)) for k in range(1, 5) if k * period + 2 < len(onset_ac)]
    return float(np.mean([onset_ac[lag - 1:lag + 2].max() for lag in lags]))


def test_clips_pulse_at_the_requested_tempo(corpus):
    """The requested beat (or half tempo) is a strong periodicity; tempi 15 % off are not.

    A comb over beat multiples rather than a beat tracker's single tempo: on a swung jazz
    waltz those often pick the swing grid.
    """
    import librosa

    root, _ = corpus
    for r in _rows(root):
        if r["degraded"] == "True":
            continue
        x, sr = sf.read(root / r["file"], dtype="float32")
        onset = librosa.onset.onset_strength(y=x, sr=sr)
        ac = librosa.autocorrelate(onset - onset.mean())
        ac = ac / ac[0]
        bpm = float(r["bpm"])
        right = max(_comb(ac, sr, bpm), _comb(ac, sr, bpm / 2))
        wrong = max(_comb(ac, sr, bpm * f) for f in (1.15, 0.87, 1.15 / 2, 0.87 / 2))
        assert right > 0.25 and right > wrong + 0.15, (r["label"], bpm, right, wrong)


def test_same_seed_same_corpus_other_seed_other_audio(corpus, tmp_path):
    root, _ = corpus
    again = tmp_path / "again"
    build_corpus(again, seed=5, **KW)
    assert (again / "manifest.csv").read_bytes() == (root / "manifest.csv").read_bytes()
    assert _hashes(again) == _hashes(root)
    other = tmp_path / "other"
    build_corpus(other, seed=6, **KW)
    assert not set(_hashes(other).values()) & set(_hashes(root).values())


def test_rerun_rebuilds_only_what_is_missing(corpus, tmp_path):
    root, _ = corpus
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    victim = sorted((copy / "audio").iterdir())[0]
    victim.unlink()
    (copy / "audio" / ".000001_samba.flac.abc.tmp").write_bytes(b"half a file")
    summary = build_corpus(copy, seed=5, **{**KW, "workers": 2})
    assert summary["rendered"] == 1 and summary["skipped"] == 2 and summary["stale_tmp_removed"] == 1
    assert _hashes(copy) == _hashes(root)
    assert not list((copy / "audio").glob(".*.tmp"))


def test_bad_requests_are_one_line_errors(corpus, tmp_path):
    root, _ = corpus
    with pytest.raises(DancekitError, match="other settings"):
        build_corpus(root, seed=99, **KW)
    with pytest.raises(DancekitError, match="unknown dance"):
        build_corpus(tmp_path / "x", seed=1, **{**KW, "dances": ("Lambada",)})
    with pytest.raises(DancekitError):
        build_corpus(tmp_path / "y", seed=1, **{**KW, "clips_per_dance": 0})
