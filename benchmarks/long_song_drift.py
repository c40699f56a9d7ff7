"""Does a whole long song generate without freezing, jittering or leaving the floor? Per minute, against the dancers.

A real Tang song's music is looped (in memory, nothing is written) to ``--minutes`` and danced in
one call; each minute's root travel, reach, hand and foot speed, foot skating, floor offset and
jolts (:mod:`dancekit.evaluation.long_song`) are printed beside the Tang dancers' per-minute range
(every capture, 1-minute windows). The same generated features are also shown as decoded, before the
turn-rate limit and the grounding that ``dancekit generate`` applies. Prints a table and
writes benchmarks/results/long_song_drift.json.

    PYTHONPATH=src python benchmarks/long_song_drift.py [--song DANCE_W_1] [--dance waltz] [--minutes 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from dancekit import audio
from dancekit.evaluation.long_song import dancer_ranges, per_minute, window_measures
from dancekit.features.step_audio import SAMPLE_RATE
from dancekit.fileio import atomic_write_text
from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.motion import load_tang_motion, tang_motion_folders
from dancekit.motion.generate import features_to_steps, generate_features

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "long_song_drift.json"
SHOWN = ("travel_cm_per_min", "reach_cm", "hand_speed", "foot_speed", "skate_cm_s", "floor_offset_cm", "jolts_per_min")


def _row(label: str, values: dict) -> str:
    return f"{label:<14}" + "".join(f"{values[k]:>12.1f}" for k in SHOWN)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("DANCEKIT_DATA", ROOT.parent / "shared" / "data")))
    parser.add_argument("--song", default="DANCE_W_1", help="Tang song folder whose music is looped")
    parser.add_argument("--dance", default="waltz")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--model", default=None, help="step generator (default: the built-in one)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    tang = args.data / "tang_dance"
    music = audio.load(tang / args.song / "audio.mp3", sr=SAMPLE_RATE)
    length = int(args.minutes * 60 * SAMPLE_RATE)
    looped = np.tile(music, -(-length // len(music)))[:length]
    model = load_dance_rnn(args.model)
    start = time.perf_counter()
    features, generator = generate_features(looped, model, args.dance, sample_rate=SAMPLE_RATE)
    seconds = time.perf_counter() - start
    clips = {"cleaned": features_to_steps(features, model.card),  # turn rate limited, grounded (what generate writes)
             "as decoded": features_to_steps(features, model.card, cleaned=False)}
    dancers = dancer_ranges(load_tang_motion(f).resampled(30.0) for f in tang_motion_folders(tang))

    print(f"{args.minutes:g} minutes of {args.song}'s music looped, danced as {generator.dance} "
          f"({seconds:.0f} s to generate on this machine, not a speed figure)")
    print(f"{'':<14}" + "".join(f"{k[:11]:>12}" for k in SHOWN))
    print(_row("dancers low", {k: dancers[k]["low"] for k in SHOWN}))
    print(_row("dancers med", {k: dancers[k]["median"] for k in SHOWN}))
    print(_row("dancers high", {k: dancers[k]["high"] for k in SHOWN}))
    result = {"song": args.song, "dance": generator.dance, "minutes": args.minutes, "model": model.card.name,
              "dancers_per_minute": dancers, "machine": platform.processor() or platform.machine()}
    for label, clip in clips.items():
        rows = per_minute(clip)
        for row in rows:
            print(_row(f"{label} minute {row['minute'] + 1}", row))
        whole = window_measures(clip)
        whole["feet_above_y0_cm"] = clip.floor_height()  # where a BVH's feet stand in Blender
        print(f"{label}: whole song reach {whole['reach_cm']:.0f} cm, floor box {whole['area_m2']:.1f} m2, "
              f"feet {whole['feet_above_y0_cm']:.1f} cm above y = 0, {whole['jolts_per_min'] * args.minutes:.0f} jolts")
        result[label] = {"per_minute": rows, "whole": whole}
    whole = dancer_ranges((load_tang_motion(f).resampled(30.0) for f in tang_motion_folders(tang)), window_s=None,
                          keys=["reach_cm", "area_m2"])
    print(f"dancers, whole captures (39-113 s): reach {whole['reach_cm']['median']:.0f} cm "
          f"({whole['reach_cm']['low']:.0f}-{whole['reach_cm']['high']:.0f}), floor box "
          f"{whole['area_m2']['median']:.1f} m2 ({whole['area_m2']['low']:.1f}-{whole['area_m2']['high']:.1f})")
    result["dancers_whole_captures"] = whole
    atomic_write_text(args.out, json.dumps(result, indent=1))
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
