"""Tempo, beat and meter accuracy of the candidate rhythm methods on the real reference data.

Sets (from $DANCEKIT_DATA or ../shared/data next to the project root):
  gtzan_mini       100 GTZAN clips vs gtzan_annotations (tempo, beats, beat-in-bar)
  ballroom         the one annotated Ballroom track (a Slow Waltz, 84 BPM, 3/4)
  tang_dance       meter only: a 30-s excerpt (30-60 s) of each "Dance with Melody" track,
                   labelled 3/4 for the waltz folders (W) and 4/4 for C/R/T; no tempo/beat truth

Metrics: Acc1 (within 4 %), Acc2 (also x2, x3, x1/2, x1/3), beat F-measure (mir_eval, 70 ms,
beats before 5 s trimmed), meter accuracy (3 vs 4; GTZAN 2/4 counts as 4; tracks without
beat-in-bar are left out) next to the trivial "always 4" baseline, seconds per clip.

    PYTHONPATH=src python benchmarks/rhythm_accuracy.py [--workers 2] [--no-tang]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import librosa
import mir_eval
import numpy as np
import scipy.stats

from dancekit import audio
from dancekit.paths import shared_data_dir
from dancekit.rhythm import analyze, mel_db, onset_envelope
from dancekit.rhythm.beats import track_beats
from dancekit.rhythm.meter import estimate_meter
from dancekit.rhythm.onsets import HOP_LENGTH, SR
from dancekit.rhythm.tempo import estimate_tempo

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "rhythm_accuracy.json"
TANG_EXCERPT = (30.0, 30.0)  # start, duration in seconds


# ---------------------------------------------------------------- candidate methods
# Each takes (y, sr=22050) and returns (tempo_bpm, beat_times, beats_per_bar or None).


def librosa_default(y):
    tempo, beats = librosa.beat.beat_track(y=y, sr=SR, units="time")
    return float(np.atleast_1d(tempo)[0]), beats, None


def librosa_flat_prior(y):
    env = onset_envelope(y)
    tempo = float(librosa.feature.tempo(onset_envelope=env, sr=SR, prior=scipy.stats.uniform(40, 200))[0])
    _, beats = librosa.beat.beat_track(onset_envelope=env, sr=SR, bpm=tempo, units="time")
    return tempo, beats, None


def librosa_plp(y):
    env = onset_envelope(y)
    pulse = librosa.beat.plp(onset_envelope=env, sr=SR, hop_length=HOP_LENGTH)
    peaks = np.flatnonzero(librosa.util.localmax(pulse))
    beats = librosa.frames_to_time(peaks, sr=SR, hop_length=HOP_LENGTH)
    tempo = 60.0 / float(np.median(np.diff(beats))) if len(beats) > 1 else 0.0
    return tempo, beats, None


def dancekit_onsets_only(y):
    r = analyze(onset_envelope=onset_envelope(y), sr=SR, hop_length=HOP_LENGTH)
    return r.tempo_bpm, r.beats, r.beats_per_bar


def dancekit_acf_octave(y):
    """Variant: octave chosen by autocorrelation alone (no DFT veto), prior 100 BPM / 1.5 octaves."""
    spec = mel_db(y)
    env = onset_envelope(S=spec)
    tempo = estimate_tempo(env, SR, HOP_LENGTH, octave_prior=(100.0, 1.5), acf_power=2.0, dft_power=0.0)
    frames = track_beats(env, SR, HOP_LENGTH, tempo)
    meter = estimate_meter(env, frames, spec)
    return tempo, librosa.frames_to_time(frames, sr=SR, hop_length=HOP_LENGTH), meter.beats_per_bar


def dancekit_default(y):
    r = analyze(y, SR)
    return r.tempo_bpm, r.beats, r.beats_per_bar


METHODS = {
    "librosa beat_track (default)": librosa_default,
    "librosa tempo, flat prior": librosa_flat_prior,
    "librosa PLP": librosa_plp,
    "dancekit, ACF-only octave choice": dancekit_acf_octave,
    "dancekit, onset envelope only": dancekit_onsets_only,
    "dancekit analyze() (default)": dancekit_default,
}

# ---------------------------------------------------------------- data


def gtzan_items(root: Path) -> list[dict]:
    items = []
    for audio in sorted((root / "gtzan_mini" / "genres").glob("*/*.flac")):
        genre, number = audio.stem.split(".")
        ann = root / "gtzan_annotations"
        beats = np.loadtxt(ann / "beats" / f"gtzan_{genre}_{number}.beats", ndmin=2)
        in_bar = int(beats[:, 1].max()) if beats.shape[1] > 1 else 0
        items.append(
            dict(
                set="gtzan_mini",
                name=audio.stem,
                path=str(audio),
                bpm=float(np.loadtxt(ann / "tempo" / f"gtzan_{genre}_{number}.bpm")),
                beats=beats[:, 0].tolist(),
                meter=None if in_bar == 0 else (3 if in_bar == 3 else 4),
            )
        )
    return items


def ballroom_items(root: Path) -> list[dict]:
    sample = root / "ballroom_sample"
    audio = sample / "Waltz_Media-105901.flac"
    if not audio.exists():
        return []
    # The sample's own .beats file holds only the first 3 beats; the full annotation is in ballroom_annotations.
    full = root / "ballroom_annotations" / "Media-105901.beats"
    beats = np.loadtxt(full if full.exists() else sample / "ballroom_Media-105901.beats", ndmin=2)
    return [
        dict(
            set="ballroom",
            name=audio.stem,
            path=str(audio),
            bpm=float((sample / "ballroom_Media-105901.bpm").read_text()),
            beats=beats[:, 0].tolist(),
            meter=int(beats[:, 1].max()),
        )
    ]


def tang_items(root: Path) -> list[dict]:
    folders = sorted((root / "tang_dance").glob("DANCE_*"))
    return [
        dict(set="tang_dance", name=f.name, path=str(f / "audio.mp3"), bpm=None, beats=None,
             meter=3 if f.name.split("_")[1] == "W" else 4, excerpt=TANG_EXCERPT)
        for f in folders
        if (f / "audio.mp3").exists()
    ]


def load(item: dict) -> np.ndarray:
    start, duration = item.get("excerpt", (0.0, None))
    return audio.load(item["path"], sr=SR, offset=start, duration=duration)


# ---------------------------------------------------------------- scoring


def tempo_hits(estimate: float, reference: float) -> tuple[bool, bool]:
    acc1 = abs(estimate - reference) <= 0.04 * reference
    acc2 = any(abs(estimate - reference * f) <= 0.04 * reference * f for f in (1, 2, 3, 1 / 2, 1 / 3))
    return bool(acc1), bool(acc2)


def beat_f(reference: list[float], estimate: np.ndarray) -> float:
    ref = mir_eval.beat.trim_beats(np.asarray(reference, dtype=float))
    est = mir_eval.beat.trim_beats(np.asarray(estimate, dtype=float))
    return float(mir_eval.beat.f_measure(ref, est, f_measure_threshold=0.07))


def run_item(item: dict) -> list[dict]:
    y = load(item)
    rows = []
    for method, fn in METHODS.items():
        t0 = time.perf_counter()
        tempo, beats, meter = fn(y)
        row = dict(set=item["set"], track=item["name"], method=method, seconds=time.perf_counter() - t0,
                   tempo_est=round(float(tempo), 2), meter_est=meter, meter_ref=item["meter"])
        if item["bpm"] is not None:
            row["tempo_ref"] = item["bpm"]
            row["acc1"], row["acc2"] = tempo_hits(tempo, item["bpm"])
            row["beat_f"] = beat_f(item["beats"], beats)
        rows.append(row)
    return rows


def summarise(rows: list[dict]) -> dict:
    out = {"n": len(rows), "seconds_per_clip": float(np.mean([r["seconds"] for r in rows]))}
    timed = [r for r in rows if "acc1" in r]
    if timed:
        out["acc1"] = float(np.mean([r["acc1"] for r in timed]))
        out["acc2"] = float(np.mean([r["acc2"] for r in timed]))
        out["beat_f"] = float(np.mean([r["beat_f"] for r in timed]))
    metered = [r for r in rows if r["meter_ref"] is not None]
    if metered:
        out["meter_n"] = len(metered)
        out["meter_n_triple"] = sum(r["meter_ref"] == 3 for r in metered)
        out["meter_always4"] = float(np.mean([r["meter_ref"] == 4 for r in metered]))
        if metered[0]["meter_est"] is not None:
            out["meter_acc"] = float(np.mean([r["meter_est"] == r["meter_ref"] for r in metered]))
            out["meter_triple_recall"] = (
                float(np.mean([r["meter_est"] == 3 for r in metered if r["meter_ref"] == 3]))
                if out["meter_n_triple"] else None
            )
            out["meter_false_triple"] = sum(r["meter_est"] == 3 and r["meter_ref"] == 4 for r in metered)
    return out


def fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


def print_table(summary: dict) -> None:
    for set_name, methods in summary.items():
        print(f"\n{set_name}")
        print(f"{'method':32s} {'Acc1':>6s} {'Acc2':>6s} {'beatF':>6s} {'meter':>6s} {'always4':>7s} "
              f"{'3-recall':>8s} {'false3':>6s} {'s/clip':>6s}")
        for method, s in methods.items():
            print(f"{method:32s} {fmt(s.get('acc1')):>6s} {fmt(s.get('acc2')):>6s} {fmt(s.get('beat_f')):>6s} "
                  f"{fmt(s.get('meter_acc')):>6s} {fmt(s.get('meter_always4')):>7s} "
                  f"{fmt(s.get('meter_triple_recall'), '.2f'):>8s} {fmt(s.get('meter_false_triple'), 'd'):>6s} "
                  f"{s['seconds_per_clip']:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-tang", action="store_true", help="skip the tang_dance meter set")
    args = parser.parse_args()
    root = shared_data_dir()
    if not (root / "gtzan_mini").is_dir():
        raise SystemExit(f"reference data not found at {root} (set DANCEKIT_DATA)")
    items = gtzan_items(root) + ballroom_items(root) + ([] if args.no_tang else tang_items(root))
    t0 = time.time()
    with ProcessPoolExecutor(args.workers) as pool:
        rows = [r for rs in pool.map(run_item, items) for r in rs]
    summary = {
        s: {m: summarise([r for r in rows if r["set"] == s and r["method"] == m]) for m in METHODS}
        for s in dict.fromkeys(r["set"] for r in rows)
    }
    print_table(summary)
    print(f"\n{len(items)} clips in {time.time() - t0:.0f} s wall ({args.workers} workers)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"summary": summary, "tracks": rows}, indent=1))
    print(f"wrote {RESULTS.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
