"""The tempo-octave scorer: fitted on synthetic songs and annotated GTZAN clips, measured on held-out ones.

    python recipes/tempo_octave.py --corpus SYNTH [SYNTH ...] --gtzan GTZAN --annotations ANN \
        [--check-corpus SYNTH_FAST] [--tang TANG] --work WORK [--out MODEL_JSON] [--workers 2]

Figures (written to WORK/tempo_octave.json and printed):
  * GTZAN Acc1/Acc2 by 10-fold cross-validation over the clips (every fold trains on the synthetic
    songs and nine tenths of the clips; each clip is answered once by a scorer that never saw it);
  * the final scorer (all data) on ``--check-corpus``, synthetic songs of another seed, per dance;
  * the final scorer on the Tang songs (never trained on): the tempo inside the dance's real tempo
    spread (Extended Ballroom 5-95 % quantiles, 4 % slack).
Evidence is cached per recording in WORK, so a rerun only fits.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
from pathlib import Path

import numpy as np

from dancekit.data.rhythm_annotations import gtzan_rhythm_items
from dancekit.data.synth_corpus import synth_recordings
from dancekit.data.tang import tang_recordings
from dancekit.errors import DancekitError
from dancekit.fileio import atomic_write, atomic_write_text
from dancekit.rhythm.tempo import choose_octave_fixed
from dancekit.rhythm.tempo_candidates import candidates_from_evidence
from dancekit.synth.tempo import load_table
from dancekit.training.tempo_octave import (
    OctaveExample,
    choose,
    cross_validate_octave,
    evidence_table,
    fit_octave_model,
    fit_temperature,
    octave_accuracy,
)

SYNTH_WEIGHT = 0.3  # synthetic songs count less than real clips: their production is one world


def cached_evidence(work: Path, name: str, jobs: list, workers: int) -> list:
    path = work / f"evidence_{name}.pkl"  # written by this recipe only, read back by it
    if path.exists():
        return pickle.loads(path.read_bytes())
    table = evidence_table(jobs, workers=workers, progress=True)
    atomic_write(path, pickle.dumps(table))
    return table


def tempo_spread(label: str) -> tuple[float, float]:
    lo, _, hi = load_table()["dances"][label]["quantiles_5_50_95"]
    return lo / 1.04, hi * 1.04


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", nargs="+", required=True)
    p.add_argument("--gtzan", required=True)
    p.add_argument("--annotations", required=True)
    p.add_argument("--check-corpus")
    p.add_argument("--tang")
    p.add_argument("--work", required=True)
    p.add_argument("--out", help="where to write the fitted scorer (e.g. src/dancekit/rhythm/octave_model.json)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--folds", type=int, default=10)
    return p.parse_args(argv)


def run(args: argparse.Namespace) -> None:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    synth = [r for c in args.corpus for r in synth_recordings(c)]
    synth_ev = cached_evidence(work, "synthetic", [(r.path, 0.0, None) for r in synth], args.workers)
    always = [OctaveExample(candidates_from_evidence(e), r.meta["bpm"], "synthetic", str(r.path), SYNTH_WEIGHT)
              for r, e in zip(synth, synth_ev)]
    clips = gtzan_rhythm_items(args.gtzan, args.annotations)
    gtzan_ev = cached_evidence(work, "gtzan", [(c.path, *c.excerpt) for c in clips], args.workers)
    held = [OctaveExample(candidates_from_evidence(e), c.bpm, "gtzan", c.name) for c, e in zip(clips, gtzan_ev)]

    folds = cross_validate_octave(held, always, folds=args.folds)
    report = {"gtzan_crossval": {**octave_accuracy(folds.chosen_bpm, folds.reference_bpm),
                                 "split": f"{args.folds}-fold over the clips, synthetic songs in every fold"},
              "gtzan_fixed_prior": octave_accuracy(
                  [choose_octave_fixed(e.full) for e in gtzan_ev], [c.bpm for c in clips])}
    info = {"trained_on": {"synthetic_songs": len(always), "synthetic_weight": SYNTH_WEIGHT,
                           "gtzan_clips": len(held)}, "gtzan_crossval": report["gtzan_crossval"]}
    temperature = fit_temperature(folds)
    info["temperature"] = {"value": temperature, "fitted_on": "the GTZAN clips' held-out fold scores"}
    model = dataclasses.replace(fit_octave_model(always + held, info=info), temperature=temperature)
    report["temperature"] = temperature

    if args.check_corpus:
        check = synth_recordings(args.check_corpus)
        check_ev = cached_evidence(work, "check", [(r.path, 0.0, None) for r in check], args.workers)
        per_dance: dict[str, dict] = {}
        for label in sorted({r.label for r in check}):
            pairs = [(choose(model, candidates_from_evidence(e))[0], choose_octave_fixed(e.full), r.meta["bpm"])
                     for r, e in zip(check, check_ev) if r.label == label]
            per_dance[label] = {"scorer": octave_accuracy([a for a, _, _ in pairs], [t for _, _, t in pairs]),
                                "fixed_prior": octave_accuracy([b for _, b, _ in pairs], [t for _, _, t in pairs])}
        report["synthetic_check"] = per_dance
    if args.tang:
        songs = tang_recordings(args.tang)
        tang_ev = cached_evidence(work, "tang", [(r.path, 0.0, None) for r in songs], args.workers)
        rows = []
        for r, e in zip(songs, tang_ev):
            lo, hi = tempo_spread(r.label)
            chosen, fixed = choose(model, candidates_from_evidence(e))[0], choose_octave_fixed(e.full)
            rows.append({"song": r.group, "dance": r.label, "scorer_bpm": round(chosen, 1),
                         "fixed_prior_bpm": round(fixed, 1), "scorer_in_spread": bool(lo <= chosen <= hi),
                         "fixed_in_spread": bool(lo <= fixed <= hi),
                         "any_candidate_in_spread": bool(any(lo <= b <= hi for b in candidates_from_evidence(e).bpm))})
        report["tang"] = {"songs": rows, **{k: float(np.mean([row[k] for row in rows]))
                                            for k in ("scorer_in_spread", "fixed_in_spread", "any_candidate_in_spread")}}
    atomic_write_text(work / "tempo_octave.json", json.dumps(report, indent=1))
    if args.out:
        atomic_write_text(args.out, json.dumps(model.to_dict()))
    print(json.dumps({k: v for k, v in report.items() if k != "tang"}, indent=1))
    if "tang" in report:
        print({k: v for k, v in report["tang"].items() if k != "songs"})


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        run(args)
    except (DancekitError, OSError, ValueError) as err:  # a bad corpus, GTZAN or Tang folder, or no usable tempo
        raise SystemExit(f"error: {err}") from None


if __name__ == "__main__":
    main()
