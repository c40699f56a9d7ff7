"""Does the 2-D motion of the body carry the dance, on songs never seen in training?

    python recipes/pose_dance.py --out reports/video_pose_tang [--tang DIR] [--no-cv] [--seed 0]

The first half of the pose route to video classification: 2-D keypoint windows made from the
real Tang motion capture through random pinhole cameras (``dancekit.video.pose_sequences``; NOT
pose-estimated from video), classified by a small temporal network
(``dancekit.models.pose_classifier``, trained by ``dancekit.video.pose_training``) on CPU.

* Split: ``dancekit.data.tang.tang_split`` (by song, every dance on every side). Tango has one
  song with motion, so it cannot be on both sides of any split and is left out: three classes.
* Training draws fresh class-balanced windows (random song, start and camera) every epoch; the
  epoch is picked on the validation songs (mean per-class recall of windows), the test songs
  are scored once. Evaluation windows are 4 s, 1 s apart, each with its own seeded camera.
* Song-level decision: mean window probabilities per song, argmax.
* Control: a logistic regression on order-free window statistics (mean and spread of every
  keypoint coordinate) on the same windows: what the pose distribution gives without motion order.
* Cross-validation: leave-songs-out, 5 folds over all songs stratified by dance (each song one
  group), the epoch count fixed to the one picked on the split above (no validation songs left).

The stages are ``dancekit.video.pose_experiment``; the report is ``dancekit.evaluation.pose_report``.
Each finished stage is saved in ``results.json`` and skipped when rerun (resume).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--tang", type=Path, help="Tang folder (default: shared data tang_dance)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--per-class", type=int, default=160)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cv", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    import torch

    from dancekit.data.tang import tang_recordings, tang_split
    from dancekit.errors import DancekitError
    from dancekit.evaluation.pose_report import write_pose_report
    from dancekit.paths import shared_data_dir
    from dancekit.video.pose_experiment import run_pose_experiment
    from dancekit.video.pose_sequences import load_tang_pose_songs
    from dancekit.video.pose_training import PoseTrainingSettings

    torch.set_num_threads(args.threads)
    log = lambda m: print(m, flush=True)  # noqa: E731
    try:
        root = args.tang or shared_data_dir() / "tang_dance"
        side = tang_split(tang_recordings(root))
        songs = load_tang_pose_songs(root)
        settings = PoseTrainingSettings(epochs=args.epochs, per_class=args.per_class, seed=args.seed)
        results = run_pose_experiment(songs, side, args.out, settings, args.folds, not args.no_cv, log)
    except DancekitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, scores in (("split test", results["split"]["test"]), ("cv pooled", results.get("cv", {}).get("pooled"))):
        if scores:
            log(f"{name}: window acc {100 * scores['window_accuracy']:.1f} %, song acc "
                f"{100 * scores['song_accuracy']:.1f} % (chance {100 * scores['window_chance_majority']:.1f} / "
                f"{100 * scores['song_chance_majority']:.1f} %)")
    log(f"wrote {write_pose_report(args.out, results)} ({results['total_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
