"""Tempo, beat and meter accuracy of the candidate rhythm methods on the real reference data.

Sets (from $DANCEKIT_DATA or ../shared/data next to the project root):
  gtzan_mini       100 GTZAN clips vs gtzan_annotations (tempo, beats, beat-in-bar)
  ballroom         the one annotated Ballroom track (a Slow Waltz, 84 BPM, 3/4)
  tang_dance       meter only: a 30-s excerpt (30-60 s) of each "Dance with Melody" track,
                   labelled 3/4 for the waltz folders (W) and 4/4 for C/R/T; no tempo/beat truth
  synth_fast       tempo only, with --synth-corpus DIR: a `dancekit synth` corpus (its manifest.csv
                   bpm is exact), scored per dance and overall

Methods madmom_dbn and madmom_downbeat (benchmarks/madmom_methods.py) run madmom's trained networks,
whose model files are CC BY-NC-SA 4.0: an optional benchmark anchor only, never a dancekit
dependency; they are skipped with a note where madmom does not import.

Metrics: Acc1 (within 4 %), Acc2 (also x2, x3, x1/2, x1/3), beat F-measure (mir_eval, 70 ms,
beats before 5 s trimmed), meter accuracy (3 vs 4; GTZAN 2/4 counts as 4; tracks without
beat-in-bar are left out) next to the trivial "always 4" baseline, seconds per clip.

    PYTHONPATH=src python benchmarks/rhythm_accuracy.py [--workers 2] [--no-tang] [--method NAME] [--out FILE]
        [--synth-corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import librosa
import numpy as np
import scipy.stats

from dancekit.data.errors import DatasetLayoutError
from dancekit.data.rhythm_annotations import RhythmItem, ballroom_rhythm_items, gtzan_rhythm_items, tang_meter_items
from dancekit.data.synth_corpus import synth_recordings
from dancekit.evaluation.rhythm_metrics import score_rhythm, summarise_rhythm, tempo_hits
from dancekit.fileio import atomic_write_text
from dancekit.paths import shared_data_dir
from dancekit.rhythm import analyze, mel_db, onset_envelope
from dancekit.rhythm.beats import track_beats
from dancekit.rhythm.meter import estimate_meter
from dancekit.rhythm.onsets import HOP_LENGTH, SR
from dancekit.rhythm.tempo import estimate_tempo

import madmom_methods  # beside this script; imports madmom only if it is installed

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "rhythm_accuracy.json"


# ---------------------------------------------------------------- candidate methods
# Each takes y (at SR = 22050 Hz, or at the method's ``sample_rate`` attribute where it has one) and
# returns (tempo_bpm, beat_times, beats_per_bar or None).


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
    **madmom_methods.METHODS,  # optional anchor: CC BY-NC-SA models
}
SYNTH_SET = "synth_fast"


def run_item(item: RhythmItem, methods: dict) -> list[dict]:
    samples = {}  # sample rate -> the clip at that rate
    rows = []
    for method, fn in methods.items():
        sr = getattr(fn, "sample_rate", SR)
        if sr not in samples:
            samples[sr] = item.load(sr)
        t0 = time.perf_counter()
        tempo, beats, meter = fn(samples[sr])
        seconds = time.perf_counter() - t0
        if item.bpm is not None and item.beats is None:  # tempo truth only (synth): no beat F
            row = score_rhythm(tempo, beats, meter, bpm=None, reference_beats=None, reference_meter=item.meter)
            row["tempo_ref"] = item.bpm
            row["acc1"], row["acc2"] = tempo_hits(tempo, item.bpm)
        else:
            row = score_rhythm(tempo, beats, meter, bpm=item.bpm, reference_beats=item.beats,
                               reference_meter=item.meter)
        rows.append(dict(set=item.set, track=item.name, method=method, seconds=seconds, **row))
    return rows


def synth_items(root: Path) -> tuple[list[RhythmItem], dict]:
    """The clips of a ``dancekit synth`` corpus as tempo-only items, and each clip's manifest facts."""
    recs = synth_recordings(root)
    items = [RhythmItem(SYNTH_SET, r.meta["id"], r.path, r.meta["bpm"], None, None) for r in recs]
    return items, {r.meta["id"]: dict(dance=r.label, degraded=r.meta.get("degraded", False)) for r in recs}


def summarise_tempo(rows: list[dict]) -> dict:
    """Acc1/Acc2 over tempo-only rows, overall and per dance."""
    def means(rs):
        return {"n": len(rs), "acc1": float(np.mean([r["acc1"] for r in rs])),
                "acc2": float(np.mean([r["acc2"] for r in rs])),
                "seconds_per_clip": float(np.mean([r["seconds"] for r in rs]))}
    dances = sorted({r["dance"] for r in rows})
    return {**means(rows), "per_dance": {d: means([r for r in rows if r["dance"] == d]) for d in dances}}


def fmt(x, spec=".3f"):
    return "-" if x is None else format(x, spec)


def print_table(summary: dict) -> None:
    for set_name, methods in summary.items():
        print(f"\n{set_name}")
        print(f"{'method':32s} {'Acc1':>6s} {'Acc2':>6s} {'beatF':>6s} {'meter':>6s} {'always4':>7s} "
              f"{'3-recall':>8s} {'false3':>6s} {'s/clip':>6s}")
        for method, s in methods.items():
            for dance, d in s.get("per_dance", {}).items():
                print(f"{'  ' + method + ' / ' + dance:48s} {fmt(d['acc1']):>6s} {fmt(d['acc2']):>6s}  (n={d['n']})")
            print(f"{method:32s} {fmt(s.get('acc1')):>6s} {fmt(s.get('acc2')):>6s} {fmt(s.get('beat_f')):>6s} "
                  f"{fmt(s.get('meter_acc')):>6s} {fmt(s.get('meter_always4')):>7s} "
                  f"{fmt(s.get('meter_triple_recall'), '.2f'):>8s} {fmt(s.get('meter_false_triple'), 'd'):>6s} "
                  f"{s['seconds_per_clip']:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-tang", action="store_true", help="skip the tang_dance meter set")
    parser.add_argument("--method", action="append", choices=list(METHODS), default=None,
                        help="score only this method (repeatable; default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--synth-corpus", type=Path, default=None,
                        help="also score tempo (Acc1/Acc2 per dance) on this dancekit synth corpus")
    args = parser.parse_args()
    methods = {m: METHODS[m] for m in args.method} if args.method else dict(METHODS)
    if madmom_methods.UNAVAILABLE:
        for m in madmom_methods.METHODS:
            if methods.pop(m, None):
                print(f"note: skipping {m}: madmom does not import ({madmom_methods.UNAVAILABLE})")
    if not methods:
        raise SystemExit("no method left to score")
    root = shared_data_dir()
    if not (root / "gtzan_mini").is_dir():
        raise SystemExit(f"reference data not found at {root} (set DANCEKIT_DATA)")
    try:
        items = (gtzan_rhythm_items(root / "gtzan_mini", root / "gtzan_annotations")
                 + ballroom_rhythm_items(root / "ballroom_sample", root / "ballroom_annotations")
                 + ([] if args.no_tang else tang_meter_items(root / "tang_dance")))
        synth, synth_facts = synth_items(args.synth_corpus) if args.synth_corpus else ([], {})
    except DatasetLayoutError as err:
        raise SystemExit(f"error: {err}") from None
    items += synth
    t0 = time.time()
    with ProcessPoolExecutor(args.workers) as pool:
        rows = [r for rs in pool.map(run_item, items, [methods] * len(items)) for r in rs]
    for r in (r for r in rows if r["set"] == SYNTH_SET):
        r.update(synth_facts[r["track"]])
    summary = {
        s: {m: (summarise_tempo if s == SYNTH_SET else summarise_rhythm)(
            [r for r in rows if r["set"] == s and r["method"] == m]) for m in methods}
        for s in dict.fromkeys(r["set"] for r in rows)
    }
    print_table(summary)
    labels = {m: madmom_methods.LABEL for m in methods if m in madmom_methods.METHODS}
    for m, label in labels.items():
        print(f"{m}: {label}")
    print(f"\n{len(items)} clips in {time.time() - t0:.0f} s wall ({args.workers} workers)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps({"summary": summary, "labels": labels, "tracks": rows}, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
