"""Train and evaluate the dance-step generator of paper 5 (S2S, S2S-MC) on the real Tang motion capture.

    python recipes/dance_steps.py prepare steps.npz [--tang DIR] [--include-test] [--pack]
    python recipes/dance_steps.py train steps.npz --variant s2s-mc --out MODEL --minutes 10.5 --device cuda \
        --fold-val --batch 128 --lr 5e-4 --teacher-updates 600 --half      # the shipped model's recipe
    python recipes/dance_steps.py train steps.npz --variant s2s --phase --tempo-augment 0.85 1.15 \
        --init src/dancekit/models/builtin/dance_steps --out MODEL ...    # phase-aware, from version 2
    python recipes/dance_steps.py evaluate --model S2S_DIR --model S2S_MC_DIR --out REPORT_DIR [--songs test,train]
    python recipes/dance_steps.py ship --model RUN_DIR --results REPORT_DIR/results.json --out MODEL_DIR
    python recipes/dance_steps.py beatphase --model MODEL_DIR [--model ...] --out beat_phase.json [--other-songs]

``prepare`` (needs the audio decoders) turns every Tang song with motion into one compact file:
per 30 fps motion frame the clean 16 kHz power patch of paper IV-B as uint8 codes of 0.5 dB
(``step_audio.quantise_power``), the motion features normalised to [-1, 1] by a normaliser
fitted on the training songs, each song's dance, signal power (the SNR reference) and split
(``dancekit.data.tang.tang_split`` over all Tang recordings, so it is the split the dance
identifier uses), and each song's beat grid per frame (beat count, period, meter, downbeat of
``dancekit.features.step_phase``). Test songs are left out unless asked: training never needs
them, and the evaluation reads them from the Tang folder with their audio. ``--pack`` stores the
power codes LZMA-packed (a smaller file to carry to a training machine).

``train`` needs only torch and numpy (a bare GPU machine): white noise at 0 / 10 dB is drawn on
the GPU from the clean power in every batch and validation is at 5 dB; it writes a model folder
(``model.safetensors`` + ``model.json`` with normaliser, mean pose, split, recipe and history),
resuming from ``OUT/checkpoint.pt`` when rerun. ``--phase`` gives the decoder each frame's beat and bar
phase and ``--tempo-augment LO HI`` plays every training window's music and motion a random factor
slower or faster (issue 18); ``--init`` starts from a model's weights, a model without phase input
included (the new input columns start at zero, so the first update starts from its dance).

``evaluate`` reproduces the paper's Tables III-V on held-out (and, marked *, trained) songs: the
F-score (70 ms) of motion beats against the music beats of ``dancekit.rhythm`` for the dancer
(baseline), S2S and S2S-MC, with the music clean, under white noise, claps and crowd noise at
20 dB SNR; the cross entropy between generated and real motion; and the beat-alignment score of
the AIST++ work. It writes ``report.md``, ``results.json`` and PNG plots.

``beatphase`` tests dancer and generated motion for beat-phase locking (``dancekit.motion.beat_phase``):
the bar-synchronous modulation of foot speed and the phase concentration of motion beats against
null beat grids, per song, on the first 60 s of the dancers' songs and of the models' held-out songs.

``movement`` measures how much generated figures move against the dancer (limb speed, floor
travel) on the test songs. ``ship`` re-saves a trained run under its folder's name with float16 weights (22 MB instead of
44 MB) and the held-out scores of ``evaluate`` in its card.

This script only parses arguments; the work is done by the package: ``dancekit.motion.step_dataset``
(prepare), ``dancekit.training.step_data`` and ``dancekit.training.step_model`` (train, ship),
``dancekit.evaluation.step_evaluation`` (evaluate), ``dancekit.evaluation.movement`` (movement) and
``dancekit.evaluation.beat_phase_run`` (beatphase).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path

# Only modules that need torch and numpy at the top: ``train`` runs on a bare GPU machine. The other
# sub-commands import their stage when they run.
from dancekit.errors import DancekitError
from dancekit.training.step_model import STEP_MODEL_SIZES, ship_step_model, train_step_model
from dancekit.training.steps import StepTrainConfig

class UsageError(DancekitError):
    """Options that do not fit together."""

    exit_code = 2


def _progress():
    from tqdm import tqdm

    return partial(tqdm, unit="song")


def cmd_prepare(args) -> int:
    from dancekit.motion.step_dataset import prepare_tang_steps
    from dancekit.motion.tang_songs import tang_root
    from dancekit.training.step_data import write_step_dataset

    songs, meta = prepare_tang_steps(tang_root(args.tang), args.include_test, args.retime, _progress())
    out = write_step_dataset(args.out, songs, meta, pack=args.pack)
    sides = {k: sum(len(s["motion"]) for s in songs if s["side"] == k) for k in ("train", "val", "test")}
    print(f"{out}: {len(songs)} songs, frames {sides}, motion {songs[0]['motion'].shape[1]}-d, "
          f"{out.stat().st_size / 1e6:.1f} MB")
    return 0


def cmd_train(args) -> int:
    cfg = StepTrainConfig(variant=args.variant, steps=args.steps, max_minutes=args.minutes, batch_size=args.batch,
                          sequence=args.sequence, seed=args.seed, amp=args.amp, learning_rate=args.lr,
                          val_every=args.val_every, checkpoint_every=args.checkpoint_every,
                          teacher_updates=args.teacher_updates, grad_noise_eta=args.grad_noise,
                          speed_weight=args.speed_weight, phase=args.phase, tempo_range=args.tempo_augment)
    started = time.time()
    result = train_step_model(args.data, args.out, cfg, fold_val=args.fold_val, condition=args.condition,
                              size=args.size, device=args.device, half=args.half, init=args.init,
                              progress=not args.quiet)
    wall = (time.time() - started) / 60
    print(f"{args.out}: {result.steps_done} steps in {result.seconds / 60:.1f} min (wall {wall:.1f}), "
          f"best step {result.best_step}, val MSE {result.best_val_mse}")
    return 0


def cmd_evaluate(args) -> int:
    import torch

    from dancekit.evaluation.noise_conditions import CONDITIONS
    from dancekit.evaluation.step_evaluation import evaluate_step_models, write_step_report
    from dancekit.motion.tang_songs import tang_root

    if args.threads:
        torch.set_num_threads(args.threads)
    conditions = args.conditions.split(",") if args.conditions else list(CONDITIONS)
    rows, songs = evaluate_step_models(tang_root(args.tang), args.model, args.songs.split(","), conditions,
                                       args.seconds, args.limit, args.val_is_trained, _progress())
    report = write_step_report(rows, conditions, args.out)
    print(f"{report}: {songs} songs, {len(rows)} rows")
    return 0


def cmd_ship(args) -> int:
    variant = ship_step_model(args.model, args.results, args.out)
    print(f"model: {args.out} ({variant})")
    return 0


def cmd_movement(args) -> int:
    from dancekit.evaluation.movement import tang_movement_rows
    from dancekit.fileio import atomic_write_text
    from dancekit.motion.tang_songs import tang_root

    if len(args.label) != len(args.model):
        raise UsageError("give one --label per --model")
    rows = tang_movement_rows(tang_root(args.tang), dict(zip(args.label, args.model)), args.seconds, args.limit,
                              progress=_progress())
    atomic_write_text(args.out, json.dumps(rows, indent=1) + "\n")
    print(f"{args.out}: {len(rows)} songs")
    return 0


def cmd_beatphase(args) -> int:
    """Beat-phase locking of the dancers (song groups) and of each model (held-out songs), first S seconds."""
    import torch

    from dancekit.evaluation.beat_phase_report import beat_phase_markdown, beat_phase_summary
    from dancekit.evaluation.beat_phase_run import BeatPhaseOptions, tang_beat_phase_rows
    from dancekit.fileio import atomic_write_text
    from dancekit.models.dance_rnn import load_dance_rnn
    from dancekit.motion.tang_songs import tang_root

    labels = args.label or [Path(m).name for m in args.model]
    if len(labels) != len(args.model):
        raise UsageError("give one --label per --model")
    try:
        tolerances = [float(t) for t in args.tolerance.split(",")]
    except ValueError:
        raise UsageError(f"--tolerance wants comma-separated numbers, got {args.tolerance!r}") from None
    options = BeatPhaseOptions(songs=tuple(args.songs.split(",")), model_songs=tuple(args.model_songs.split(",")),
                               seconds=args.seconds, tolerances=tuple(tolerances), meter=args.meter,
                               joints=args.joints, null=args.null, other_songs=args.other_songs,
                               stretch=args.stretch, limit=args.limit)
    torch.set_num_threads(args.threads)
    models = [(label, load_dance_rnn(path)) for label, path in zip(labels, args.model)]
    rows = tang_beat_phase_rows(tang_root(args.tang), models, options, _progress())
    summary = beat_phase_summary(rows)
    settings = options.settings(dict(zip(labels, args.model)))
    atomic_write_text(args.out, json.dumps({"settings": settings, "summary": summary, "rows": rows}, indent=1) + "\n")
    print(beat_phase_markdown(summary), end="")
    print(f"{args.out}: {len(rows)} rows")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="Tang songs -> compact training file (.npz)")
    p.add_argument("out", metavar="OUT.npz")
    p.add_argument("--tang", default=None, help="Tang dance folder (default ../shared/data/tang_dance)")
    p.add_argument("--include-test", action="store_true", help="also store the test songs")
    p.add_argument("--no-retime", dest="retime", action="store_false",
                   help="keep each capture's own clock (default: retime it onto its music's bars where the "
                        "dancer's bar-synchronous speed is significant)")
    p.add_argument("--pack", action="store_true",
                   help="store the power codes LZMA-packed: about 0.8 of the file to carry (slower to write)")
    p.set_defaults(func=cmd_prepare)

    t = sub.add_parser("train", help="train S2S or S2S-MC from a prepared file (torch + numpy only)")
    t.add_argument("data", metavar="DATA.npz")
    t.add_argument("--variant", choices=("s2s", "s2s-mc"), default="s2s-mc")
    t.add_argument("--out", required=True, help="model folder (rerun to resume from OUT/checkpoint.pt)")
    t.add_argument("--minutes", type=float, default=None, help="training time budget")
    t.add_argument("--steps", type=int, default=100000, help="most updates (default 100000)")
    t.add_argument("--batch", type=int, default=50)
    t.add_argument("--sequence", type=int, default=150)
    t.add_argument("--lr", type=float, default=2e-4)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default="cuda" if _cuda() else "cpu")
    t.add_argument("--amp", action="store_true", help="bf16 autocast on CUDA (slower for this launch-bound net)")
    t.add_argument("--grad-noise", type=float, default=0.0, metavar="ETA",
                   help="annealed gradient noise (the paper's code: 0.01, for a loss summed over the window)")
    t.add_argument("--speed-weight", type=float, default=0.0, metavar="W",
                   help="weight of the phase-free speed-matching loss against damped motion (0 = off)")
    t.add_argument("--half", action="store_true", help="store the weights as float16 (half the file)")
    t.add_argument("--teacher-updates", type=int, default=0, metavar="N",
                   help="scheduled-sampling warm-up: ground-truth inputs fading out over the first N updates")
    t.add_argument("--no-condition", dest="condition", action="store_false", help="no dance conditioning")
    t.add_argument("--fold-val", action="store_true",
                   help="also train on the validation songs (the paper validates on its training songs at 5 dB)")
    t.add_argument("--size", choices=tuple(STEP_MODEL_SIZES), default="paper")
    t.add_argument("--val-every", type=int, default=200)
    t.add_argument("--checkpoint-every", type=int, default=200)
    t.add_argument("--quiet", action="store_true")
    t.add_argument("--init", default=None, metavar="MODEL_DIR",
                   help="start from this model's weights (one without phase input may start a --phase run)")
    t.add_argument("--phase", action="store_true",
                   help="give the decoder each frame's beat and bar phase (the data must carry beat grids)")
    t.add_argument("--tempo-augment", nargs=2, type=float, default=None, metavar=("LO", "HI"),
                   help="play each training window's music and motion a random factor in [LO, HI] slower "
                        "(e.g. 0.85 1.15)")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="paper Tables III-V on Tang songs: report.md, results.json, PNGs")
    e.add_argument("--model", action="append", required=True, help="model folder (repeat: S2S, S2S-MC)")
    e.add_argument("--out", required=True, help="report folder")
    e.add_argument("--tang", default=None)
    e.add_argument("--songs", default="test,train", help="splits to evaluate (default test,train)")
    e.add_argument("--val-is-trained", action="store_true", help="count validation songs as trained (--fold-val)")
    e.add_argument("--conditions", default=None, help="comma-separated (default: clean,white20,claps20,crowd20)")
    e.add_argument("--seconds", type=float, default=None, help="only the first S seconds of each dance")
    e.add_argument("--limit", type=int, default=None, help="at most N songs (smoke runs)")
    e.add_argument("--threads", type=int, default=None)
    e.set_defaults(func=cmd_evaluate)

    sh = sub.add_parser("ship", help="save a trained run as a shippable model folder with its held-out scores")
    sh.add_argument("--model", required=True, help="trained run folder")
    sh.add_argument("--results", required=True, help="results.json written by evaluate")
    sh.add_argument("--out", required=True, help="model folder; its name becomes the model's name")
    sh.set_defaults(func=cmd_ship)

    mv = sub.add_parser("movement", help="limb speed and floor travel of generated vs real motion (test songs)")
    mv.add_argument("--model", action="append", required=True, help="model folder (repeat)")
    mv.add_argument("--label", action="append", required=True, help="its label in the output (repeat, same order)")
    mv.add_argument("--out", required=True, help="JSON file")
    mv.add_argument("--seconds", type=float, default=60.0, help="first S seconds of each song (default 60)")
    mv.add_argument("--tang", default=None)
    mv.add_argument("--limit", type=int, default=None, help="at most N songs")
    mv.set_defaults(func=cmd_movement)

    bp = sub.add_parser("beatphase", help="beat-phase locking of dancers and generated motion (JSON)")
    bp.add_argument("--model", action="append", default=[], help="model folder (repeat; none: dancers only)")
    bp.add_argument("--label", action="append", default=None, help="its label (repeat; default: folder name)")
    bp.add_argument("--out", required=True, help="JSON file")
    bp.add_argument("--songs", default="test,train", help="song groups for the dancers (default test,train)")
    bp.add_argument("--model-songs", default="test", help="song groups generated by the models (default test)")
    bp.add_argument("--seconds", type=float, default=60.0, help="first S seconds of each dance (0: all; default 60)")
    bp.add_argument("--tolerance", default="0,0.04",
                    help="clock tolerances to test, comma-separated (default 0,0.04)")
    bp.add_argument("--meter", choices=("rhythm", "dance"), default="rhythm",
                    help="beats per bar from dancekit.rhythm (default) or from the song's dance")
    bp.add_argument("--joints", choices=("feet", "all"), default="feet", help="speed of the feet or all joints")
    bp.add_argument("--null", type=int, default=200, help="stretched null grids per test (default 200)")
    bp.add_argument("--other-songs", action="store_true",
                    help="also test against other songs' beats of the same dance and tempo (within 3 %%)")
    bp.add_argument("--stretch", type=float, default=1.0,
                    help="play each song to the models this many times slower (1.08: 8 %% slower), beats scaled "
                         "alike: a model that follows the music passes, one that keeps a learnt tempo fails")
    bp.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    bp.add_argument("--tang", default=None)
    bp.add_argument("--limit", type=int, default=None, help="at most N songs")
    bp.set_defaults(func=cmd_beatphase)
    return parser


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted (training: the checkpoint is saved; rerun the same command to resume)", file=sys.stderr)
        return 130
    except (DancekitError, OSError, json.JSONDecodeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
