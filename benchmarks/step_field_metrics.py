"""The field's dance-generation metrics on the 14 held-out Tang songs: dancers and any step models side by side.

Per held-out song (first ``--seconds`` of its danced span, 30 fps): the dancer and each model (which
dances the same span of the music, as ``recipes/dance_steps.py beatphase`` does) are scored by
Bailando's Beat Align Score, EDGE's Physical Foot Contact, the motion-beat F-score against its chance
level (``dancekit.evaluation.step_evaluation.beat_scores``) and the bar-depth test of
``dancekit.motion.beat_phase`` (feet, nominal clock, p < 0.05). Kinetic and geometric features are taken
per ``--window`` seconds; FID_k / FID_g are measured against the held-out dancers' windows, Diversity
on each set's own windows (both normalised by the held-out dancers' statistics, as Bailando). The
dancers of the other songs (train and val sides) are scored the same way, as the real-motion floor of
FID. Prints the table; writes JSON (atomically).

``--precision fp32 --precision int8`` scores each model once per precision of its decoder, and
``--seed 1 --seed 2`` once more per starting-pose seed (one column each): how far the figures move
between two equally valid dances of one model is the noise a faster precision is judged against.

    PYTHONPATH=src python benchmarks/step_field_metrics.py [--model dance_steps] [--model DIR ...]
                                                         [--precision fp32 --precision int8] [--seed 1 ...]
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from pathlib import Path

import numpy as np

from dancekit.errors import DancekitError
from dancekit.evaluation.beat_phase_report import beat_phase_row
from dancekit.evaluation.beat_phase_run import _played_audio
from dancekit.evaluation.field_metrics import clip_field_measures, feature_set_scores
from dancekit.evaluation.step_evaluation import beat_scores
from dancekit.fileio import atomic_write_text
from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.motion.beats import TANG_FEET, beats_in_span, motion_beats, song_rhythm
from dancekit.motion.generate import generate_steps
from dancekit.motion.tang import load_tang_motion
from dancekit.motion.tang_songs import tang_motion_songs, tang_root

RESULTS = Path(__file__).resolve().parent / "results" / "step_field_metrics.json"
FPS = 30
SAMPLE_RATE = 16000
#: Published figures on AIST++ (their papers' tables), for the side-by-side table.
PUBLISHED = {"AIST++ dancers (Bailando's table)": {"bas": 0.2374},
             "Bailando (CVPR 2022)": {"bas": 0.2332, "fid_k": 28.16},
             "EDGE (CVPR 2023)": {"pfc": 1.536},
             "Lodge (CVPR 2024)": {"bas": 0.2423}}


def song_scores(clip, music, span, seed: int, null: int, meter: int, rhythm, window_s: float) -> dict:
    """Per-song scores of one motion on its song clock (features kept apart for the set scores)."""
    field = clip_field_measures(clip.world_joints(), clip.fps, clip.start_s, music, window_s)
    beats = beat_scores(motion_beats(clip), music, span, np.random.default_rng(seed))
    row = beat_phase_row({}, "", clip, rhythm, meter, TANG_FEET, (0.0,), null, seed)
    return {**{k: v for k, v in field.items() if k not in ("kinetic", "geometric")},
            "f_score": beats["f_score"], "f_chance": beats["f_chance"], "motion_beats": beats["motion_beats"],
            "bar_depth_passed": bool(row["tests"]["stretched@0"]["passed"]),
            "_kinetic": field["kinetic"], "_geometric": field["geometric"]}


def summary_of(rows: list[dict], ref_k: np.ndarray, ref_g: np.ndarray) -> dict:
    """Means over songs and the set scores of one method's held-out rows."""
    kin = np.concatenate([r["_kinetic"] for r in rows])
    geo = np.concatenate([r["_geometric"] for r in rows])
    out = {"songs": len(rows), **feature_set_scores(ref_k, ref_g, kin, geo)}
    for key in ("bas", "bas_chance", "bas_60fps", "pfc", "f_score", "f_chance"):
        out[key] = float(np.mean([r[key] for r in rows if r[key] is not None]))
    out["bar_depth_passed"] = int(sum(r["bar_depth_passed"] for r in rows))
    out["kinematic_beats_per_min"] = float(np.mean([60 * r["kinematic_beats"] / r["seconds"] for r in rows]))
    return out


def _label(model: str, precision: str | None, seed: int | None) -> str:
    """A column's name: the model, and its precision and starting-pose seed where they were chosen."""
    extra = [x for x in (precision, None if seed is None else f"seed {seed}") if x]
    return f"{model} ({', '.join(extra)})" if extra else str(model)


def run(args) -> dict:
    root = tang_root(args.tang)
    folders, split = tang_motion_songs(root)
    held_out = [f for f in folders if split[f.name] == "test"][: args.limit]
    others = [f for f in folders if split[f.name] != "test"][: args.limit]
    precisions, seeds = args.precision or [None], [None, *(args.seed or [])]
    models = [(_label(m, p, s), load_dance_rnn(m), p, s) for m in args.model for p in precisions for s in seeds]
    n_frames = int(args.seconds * FPS)
    rows = []
    for folder in held_out:
        t0 = time.time()
        clip = load_tang_motion(folder)
        rhythm = song_rhythm(clip)
        clip = clip.resampled(FPS).cropped(0, n_frames)
        span = (clip.start_s, clip.start_s + len(clip) / FPS)
        music = beats_in_span(rhythm.beats, *span)
        seed = zlib.crc32(folder.name.encode())
        base = {"song": folder.name, "dance": clip.meta["dance"], "seconds": len(clip) / FPS}
        test = (music, span, seed, args.null, int(rhythm.beats_per_bar), rhythm, args.window)
        rows.append({**base, "method": "Dancer", **song_scores(clip, *test)})
        danced, _ = _played_audio(clip, rhythm, 1.0)
        for label, model, precision, pose_seed in models:
            known = model.card.classes if model.network.conditioned else []
            gen = generate_steps(danced, model=model, sample_rate=SAMPLE_RATE, precision=precision, seed=pose_seed,
                                 dance=clip.meta["dance"] if clip.meta["dance"] in known else None)
            gen.start_s = clip.start_s
            rows.append({**base, "method": label, **song_scores(gen.cropped(0, len(clip)), *test)})
        print(f"{folder.name:<12} {clip.meta['dance']:<12} " + "  ".join(
            f"{r['method']}: BAS {r['bas']:.3f} PFC {r['pfc']:.2f} F {100 * r['f_score']:.1f} "
            f"bar {'pass' if r['bar_depth_passed'] else 'fail'}" for r in rows[-1 - len(models):])
            + f"  ({time.time() - t0:.0f} s)", flush=True)
    ref = [r for r in rows if r["method"] == "Dancer"]
    ref_k, ref_g = np.concatenate([r["_kinetic"] for r in ref]), np.concatenate([r["_geometric"] for r in ref])
    other_k, other_g = [], []
    for folder in others:  # the real-motion floor: dancers of songs outside the held-out side
        clip = load_tang_motion(folder).resampled(FPS).cropped(0, n_frames)
        field = clip_field_measures(clip.world_joints(), FPS, clip.start_s, [], args.window)
        other_k.append(field["kinetic"])
        other_g.append(field["geometric"])
    summary = {"Dancers, held-out songs (the reference)": summary_of(ref, ref_k, ref_g),
               f"Dancers, other songs ({len(others)}, train and val sides)":
                   {"songs": len(others), **feature_set_scores(ref_k, ref_g, np.concatenate(other_k),
                                                               np.concatenate(other_g))}}
    for label, *_ in models:
        summary[label] = summary_of([r for r in rows if r["method"] == label], ref_k, ref_g)
    settings = {"data": "Tang et al. 2018 'Dance with Melody' motion capture with its music",
                "held_out": "test side of dancekit.data.tang.tang_split", "seconds": args.seconds, "fps": FPS,
                "window_s": args.window, "bar_depth_null_grids": args.null, "models": args.model,
                "precisions": precisions, "pose_seeds": seeds,
                "units": "metres (Tang cm / 100), y up",
                "music_beats": "dancekit.rhythm.analyze of the whole song, inside the span",
                "generation": "the song's danced span fed to dancekit.motion.generate (as the beatphase command)"}
    clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    return {"settings": settings, "summary": summary, "published_aistpp": PUBLISHED, "rows": clean}


def _cell(value, fmt):
    return "-" if value is None else format(value, fmt)


def table(result: dict) -> str:
    """The markdown table of a run's summary beside the published AIST++ figures."""
    s = result["summary"]
    cols = list(s) + list(result["published_aistpp"])
    get = {**s, **result["published_aistpp"]}
    lines = ["| measure | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for key, name, fmt in [("bas", "Beat Align Score (Bailando; sigma 3 frames at 30 fps)", ".4f"),
                           ("bas_chance", "... its chance level (kinematic beats shifted in time)", ".4f"),
                           ("bas_60fps", "... at Bailando's 60 fps time scale (sigma 50 ms)", ".4f"),
                           ("kinematic_beats_per_min", "kinematic beats / min", ".0f"),
                           ("fid_k", "FID_k (vs held-out dancers' windows)", ".2f"),
                           ("fid_g", "FID_g", ".2f"), ("div_k", "Diversity_k", ".2f"), ("div_g", "Diversity_g", ".2f"),
                           ("pfc", "Physical Foot Contact (EDGE, lower is better)", ".3f"),
                           ("f_score", "motion-beat F-score % (70 ms)", ".1f"), ("f_chance", "... its chance level %", ".1f"),
                           ("bar_depth_passed", "bar-depth test passed (feet, nominal clock)", "d")]:
        cells = []
        for c in cols:
            v = get[c].get(key)
            if v is not None and key in ("f_score", "f_chance"):
                v = 100 * v
            cells.append(_cell(v, fmt))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=None, help="step model name or folder (repeatable; "
                        "default: the shipped dance_steps)")
    parser.add_argument("--precision", action="append", default=None, choices=["fp32", "fp16", "int8"],
                        help="decoder precision (repeatable: one column per model and precision; "
                             "default: generation's own default)")
    parser.add_argument("--seed", action="append", type=int, default=None,
                        help="also generate with this starting-pose seed (repeatable: one more column each)")
    parser.add_argument("--tang", type=Path, default=None, help="Tang folder (default: the shared data's tang_dance)")
    parser.add_argument("--seconds", type=float, default=60.0, help="first seconds of each danced span")
    parser.add_argument("--window", type=float, default=5.0, help="feature window (s)")
    parser.add_argument("--null", type=int, default=200, help="null grids of the bar-depth test")
    parser.add_argument("--limit", type=int, default=None, help="at most this many songs per side (a quick look)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.model = args.model or ["dance_steps"]
    try:
        result = run(args)
    except DancekitError as err:
        raise SystemExit(f"error: {err}") from None
    print()
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
