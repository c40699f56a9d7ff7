"""Train and evaluate the dance-step generator of paper 5 (S2S, S2S-MC) on the real Tang motion capture.

    python recipes/dance_steps.py prepare steps.npz [--tang DIR] [--include-test]
    python recipes/dance_steps.py train steps.npz --variant s2s-mc --out MODEL --minutes 10.5 --device cuda \
        --fold-val --batch 128 --lr 5e-4 --teacher-updates 600 --half      # the shipped model's recipe
    python recipes/dance_steps.py evaluate --model S2S_DIR --model S2S_MC_DIR --out REPORT_DIR [--songs test,train]
    python recipes/dance_steps.py ship --model RUN_DIR --results REPORT_DIR/results.json --out MODEL_DIR
    python recipes/dance_steps.py beatphase --model MODEL_DIR [--model ...] --out beat_phase.json [--other-songs]

``prepare`` (needs the audio decoders) turns every Tang song with motion into one compact file:
per 30 fps motion frame the clean 16 kHz power patch of paper IV-B as uint8 codes of 0.5 dB
(``step_audio.quantise_power``), the motion features normalised to [-1, 1] by a normaliser
fitted on the training songs, each song's dance, signal power (the SNR reference) and split
(``dancekit.data.tang.tang_split`` over all Tang recordings, so it is the split the dance
identifier uses). Test songs are left out unless asked: training never needs them, and the
evaluation reads them from the Tang folder with their audio.

``train`` needs only torch and numpy (a bare GPU machine): white noise at 0 / 10 dB is drawn on
the GPU from the clean power in every batch and validation is at 5 dB; it writes a model folder
(``model.safetensors`` + ``model.json`` with normaliser, mean pose, split, recipe and history),
resuming from ``OUT/checkpoint.pt`` when rerun.

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
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np

TANG_ORDER = ["Cha Cha Cha", "Rumba", "Slow Waltz", "Tango"]
FPS = 30


def light_import(name: str):
    """Import a dancekit module that needs only torch/numpy even where its package ``__init__``
    pulls in audio libraries (``dancekit.features`` imports librosa): load the file itself."""
    try:
        return importlib.import_module(name)
    except ImportError:
        import dancekit

        path = Path(dancekit.__file__).parent.joinpath(*name.split(".")[1:]).with_suffix(".py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module


# ------------------------------------------------------------------------------------------------
# the compact dataset


def write_dataset(path: str | Path, songs: list[dict], meta: dict) -> Path:
    """One .npz: concatenated ``codes`` [N, 129, 5] uint8 and ``motion`` [N, D] float16, per-song arrays."""
    from dancekit.fileio import atomic_write

    lengths = [len(s["motion"]) for s in songs]
    arrays = {
        "codes": np.concatenate([s["codes"] for s in songs]).astype(np.uint8),
        "motion": np.concatenate([s["motion"] for s in songs]).astype(np.float16),
        "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "names": np.array([s["name"] for s in songs]),
        "dance": np.array([s["dance"] for s in songs], dtype=np.int64),
        "side": np.array([s["side"] for s in songs]),
        "signal_power": np.array([s["signal_power"] for s in songs], dtype=np.float64),
        "meta": np.array(json.dumps(meta)),
    }

    def write(tmp):
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, write)


def read_dataset(path: str | Path) -> tuple[dict, dict]:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return arrays, json.loads(str(arrays.pop("meta")))


def cmd_prepare(args) -> int:
    from tqdm import tqdm

    from dancekit import audio
    from dancekit.data.tang import tang_recordings, tang_split
    from dancekit.features import step_audio
    from dancekit.motion import load_tang_motion, tang_motion_folders
    from dancekit.dances import dance_by_name
    from dancekit.motion.beat_phase import capture_clock
    from dancekit.motion.beats import TANG_FEET, song_rhythm
    from dancekit.motion.features import MotionNormalizer, motion_to_features
    from dancekit.paths import shared_data_dir

    root = Path(args.tang or shared_data_dir() / "tang_dance")
    split = tang_split(tang_recordings(root))
    folders = [f for f in tang_motion_folders(root) if args.include_test or split[f.name] != "test"]
    clips = {f.name: load_tang_motion(f) for f in folders}
    clocks = {}
    if args.retime:
        for name, clip in tqdm(clips.items(), desc="capture clocks", unit="song"):
            clocks[name] = capture_clock(clip, song_rhythm(clip).beats,
                                         dance_by_name(clip.meta["dance"]).beats_per_bar, joints=TANG_FEET,
                                         seed=zlib.crc32(name.encode()))
    known = [c for c in clocks.values() if c is not None]
    fallback = float(np.median(known)) if known else 1.0  # the capture system's typical drift
    songs = []
    for folder in tqdm(folders, desc="songs", unit="song"):
        side = split[folder.name]
        clip = clips[folder.name]
        if args.retime:
            clip = clip.retimed(clocks[folder.name] or fallback)
        clip = clip.resampled(FPS)
        features = np.asarray(motion_to_features(clip), dtype=np.float32)
        y = audio.load(clip.meta["audio"], sr=step_audio.SAMPLE_RATE)
        y = y / max(float(np.abs(y).max()), 1e-12)
        first = int(round(clip.start_s * step_audio.SAMPLE_RATE))
        danced = y[first:first + int(step_audio.frame_starts(len(features), 1)[0]) + step_audio.SPAN]
        power = step_audio.slice_power(danced, len(features))
        songs.append({"name": folder.name, "side": side, "dance": TANG_ORDER.index(clip.meta["dance"]),
                      "codes": step_audio.quantise_power(power).numpy(), "features": features,
                      "signal_power": step_audio.signal_power(danced), "start_s": clip.start_s})
    train = [s for s in songs if s["side"] == "train"]
    if not train:
        raise SystemExit("no training songs with motion found")
    normaliser = MotionNormalizer.fit([s["features"] for s in train])
    for s in songs:
        s["motion"] = np.asarray(normaliser.transform(s.pop("features")), dtype=np.float32)
    mean_pose = np.concatenate([s["motion"] for s in train]).mean(0)
    meta = {"source": str(root), "fps": FPS, "dances": TANG_ORDER, "split": split,
            "normaliser": normaliser.to_dict(), "mean_pose": mean_pose.tolist(),
            "start_s": {s["name"]: s["start_s"] for s in songs},
            "capture_clock": clocks, "capture_clock_fallback": fallback if args.retime else None,
            "audio": {"sample_rate": step_audio.SAMPLE_RATE, "win": step_audio.WIN, "hop": step_audio.HOP,
                      "n_fft": step_audio.N_FFT, "n_stft": step_audio.N_STFT, "slice": step_audio.SLICE_SAMPLES,
                      "db_step": step_audio.DB_STEP, "floor_db": step_audio.FLOOR_DB}}
    out = write_dataset(args.out, songs, meta)
    sides = {k: sum(len(s["motion"]) for s in songs if s["side"] == k) for k in ("train", "val", "test")}
    print(f"{out}: {len(songs)} songs, frames {sides}, motion {songs[0]['motion'].shape[1]}-d, "
          f"{out.stat().st_size / 1e6:.1f} MB")
    return 0


# ------------------------------------------------------------------------------------------------
# training (torch + numpy only)

SIZES = {
    "paper": {},
    "tiny": dict(conv_channels=(4, 4, 4, 8), hidden=16, encoder_layers=1, decoder_layers=1, code_dim=8, dance_dim=4),
}


def step_data(arrays: dict, songs: list[int]):
    import torch

    steps = light_import("dancekit.training.steps")
    offsets = arrays["offsets"]
    parts = [slice(int(offsets[i]), int(offsets[i + 1])) for i in songs]
    lengths = [p.stop - p.start for p in parts]
    return steps.StepData(torch.as_tensor(np.concatenate([arrays["codes"][p] for p in parts])),
                          torch.as_tensor(np.concatenate([arrays["motion"][p] for p in parts]).astype(np.float32)),
                          np.concatenate([[0], np.cumsum(lengths)]), arrays["dance"][songs],
                          arrays["signal_power"][songs], [str(arrays["names"][i]) for i in songs])


def cmd_train(args) -> int:
    import torch

    step_audio = light_import("dancekit.features.step_audio")
    dance_rnn = light_import("dancekit.models.dance_rnn")
    steps = light_import("dancekit.training.steps")
    files = light_import("dancekit.models.files")

    arrays, meta = read_dataset(args.data)
    sides = [str(s) for s in arrays["side"]]
    train_sides = ("train", "val") if args.fold_val else ("train",)
    train = step_data(arrays, [i for i, s in enumerate(sides) if s in train_sides])
    val_songs = [i for i, s in enumerate(sides) if s == "val"]
    val = step_data(arrays, val_songs) if val_songs else None
    torch.manual_seed(args.seed)
    dances = list(meta["dances"]) if args.condition else []
    network = dance_rnn.build_dance_rnn(train.motion.shape[1], n_dances=len(dances), dances=dances,
                                        **SIZES[args.size])
    if args.init:  # continue an earlier run's weights (a fresh optimiser; recorded in the card)
        from safetensors.torch import load_file

        network.load_state_dict(load_file(str(Path(args.init) / "model.safetensors")))
    cfg = steps.StepTrainConfig(variant=args.variant, steps=args.steps, max_minutes=args.minutes,
                                batch_size=args.batch, sequence=args.sequence, seed=args.seed, amp=args.amp,
                                learning_rate=args.lr, val_every=args.val_every,
                                checkpoint_every=args.checkpoint_every, teacher_updates=args.teacher_updates,
                                grad_noise_eta=args.grad_noise, speed_weight=args.speed_weight)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    result = steps.train_steps(network, train, val, cfg, checkpoint=out / "checkpoint.pt", device=args.device,
                               progress=not args.quiet)
    frontend = {"kind": "step_audio", "sample_rate": step_audio.SAMPLE_RATE, "fps": step_audio.FPS,
                "slice": step_audio.SLICE_SAMPLES, "win": step_audio.WIN, "hop": step_audio.HOP,
                "n_fft": step_audio.N_FFT, "top_db": step_audio.TOP_DB, "floor_db": step_audio.FLOOR_DB,
                "peak_normalise": True,
                "motion": {"fps": FPS, "dim": int(train.motion.shape[1]), "normaliser": meta["normaliser"],
                           "mean_pose": meta["mean_pose"]}}
    history = [h for h in result.to_dict()["history"] if h["val_mse"] is not None or h["step"] % 50 == 0]
    training = {"data": "Tang et al. 2018 'Dance with Melody' motion capture with its music (ballroom: "
                        "Cha Cha Cha, Rumba, Tango, Slow Waltz), 30 fps",
                "trained_on": sorted(train.names), "validated_on": sorted(val.names) if val else [],
                "split": meta["split"], "variant": args.variant, "recipe": cfg.to_dict(), "device": args.device,
                "steps_done": result.steps_done, "best_step": result.best_step, "seconds": round(result.seconds, 1),
                "frames_per_second": round(result.frames_per_second, 1), "history": history,
                "initialised_from": json.loads((Path(args.init) / "model.json").read_text())["training"]
                if args.init else None,
                "weights_stored_as": "float16" if args.half else "float32"}
    name = f"dance_steps_{args.variant.replace('-', '_')}"
    summary = (f"{'S2S-MC' if args.variant == 's2s-mc' else 'S2S'} dance-step generator (paper 5)"
               + (", dance-conditioned" if dances else ""))
    network = network.cpu()
    card = dance_rnn.make_card(name, network, frontend, summary, training,
                               {"val_mse_5db": result.best_val_mse}, cfg.sequence)
    files.save_model(network, card, out, torch.float16 if args.half else None)
    wall = (time.time() - started) / 60
    print(f"{out}: {result.steps_done} steps in {result.seconds / 60:.1f} min (wall {wall:.1f}), "
          f"best step {result.best_step}, val MSE {result.best_val_mse}")
    return 0


# ------------------------------------------------------------------------------------------------
# evaluation (paper Tables III-V)

CONDITIONS = ("clean", "white20", "claps20", "crowd20")


def condition_audio(y: np.ndarray, condition: str, rng: np.random.Generator, sr: int = 16000) -> np.ndarray:
    """The music under one of the paper's conditions: white noise, claps or crowd noise at 20 dB SNR."""
    if condition == "clean":
        return y
    from dancekit.synth.degrade import _babble, _bursts

    n = len(y)
    if condition.startswith("white"):
        noise = rng.standard_normal(n)
    elif condition.startswith("claps"):  # an audience clapping at random, ~3 claps a second
        times = np.sort(rng.uniform(0, n / sr, int(3 * n / sr)))
        noise = _bursts(n, sr, times, 0.03, 1000, 5000, rng)
    elif condition.startswith("crowd"):
        noise = _babble(n, sr, rng)
    else:
        raise ValueError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    snr = float(condition.lstrip("abcdefghijklmnopqrstuvwxyz") or 20)
    gain = np.sqrt(np.mean(y.astype(np.float64) ** 2) / 10 ** (snr / 10) / max(np.mean(noise**2), 1e-20))
    return (y + gain * noise).astype(np.float32)


def motion_histogram_cross_entropy(real: np.ndarray, generated: np.ndarray, bins: int = 40) -> float:
    """Cross entropy H(real, generated) of per-component value histograms over [-1, 1], averaged (nats).

    The paper compares generated and dancer motion by a cross entropy; this reads it as the two
    pose distributions per normalised motion component (smoothed so an empty bin is finite).
    """
    edges = np.linspace(-1.0, 1.0, bins + 1)
    total = 0.0
    for j in range(real.shape[1]):
        p = np.histogram(np.clip(real[:, j], -1, 1), edges)[0] + 1e-3
        q = np.histogram(np.clip(generated[:, j], -1, 1), edges)[0] + 1e-3
        p, q = p / p.sum(), q / q.sum()
        total += -(p * np.log(q)).sum()
    return total / real.shape[1]


def beat_alignment_score(motion_beats: np.ndarray, music_beats: np.ndarray, sigma: float = 0.1) -> float:
    """AIST++ (Li et al. 2021) beat alignment: mean over motion beats of exp(-d^2 / 2 sigma^2), d to the
    nearest music beat (sigma = 3 frames at 30 fps)."""
    if len(motion_beats) == 0 or len(music_beats) == 0:
        return 0.0
    d = np.min(np.abs(np.asarray(motion_beats)[:, None] - np.asarray(music_beats)[None, :]), axis=1)
    return float(np.mean(np.exp(-(d**2) / (2 * sigma**2))))


def chance_f_score(beats: np.ndarray, music: np.ndarray, start: float, stop: float, rng: np.random.Generator,
                   shifts: int = 8) -> float:
    """F-score of the same beats shifted in time (circularly, by 1 s or more): what their density
    alone scores. A clip with many motion beats hits music beats by chance; this is the floor."""
    from dancekit.motion.beats import beat_f_score

    span = stop - start
    if span <= 2.0 or len(beats) == 0:
        return 0.0
    offsets = rng.uniform(1.0, span - 1.0, shifts)
    return float(np.mean([beat_f_score(start + (np.asarray(beats) - start + o) % span, music) for o in offsets]))


def generate_batch(model, features, dance_index: int | None, chunk: int = 300) -> np.ndarray:
    """Normalised motion ``[C, T, D]`` for C audio versions ``[C, T, bins, stft]`` of one song, batched."""
    import torch

    net = model.network
    start = torch.as_tensor(model.card.frontend["motion"]["mean_pose"], dtype=torch.float32)
    state = net.init_state(start[None].expand(len(features), -1).contiguous())
    parts = []
    with torch.inference_mode():
        for first in range(0, features.shape[1], chunk):
            motion, state = net.step(features[:, first:first + chunk], state, dance_index)
            parts.append(motion)
    return torch.cat(parts, dim=1).numpy()


def cmd_evaluate(args) -> int:
    import torch
    from tqdm import tqdm

    from dancekit import audio
    from dancekit.data.tang import tang_recordings, tang_split
    from dancekit.features import step_audio
    from dancekit.models.dance_rnn import load_dance_rnn
    from dancekit.motion import load_tang_motion, tang_motion_folders
    from dancekit.motion.beats import beat_f_score, motion_beats, music_beats_for_clip
    from dancekit.motion.features import MotionNormalizer, features_to_motion, motion_to_features
    from dancekit.paths import shared_data_dir

    if args.threads:
        torch.set_num_threads(args.threads)
    root = Path(args.tang or shared_data_dir() / "tang_dance")
    split = tang_split(tang_recordings(root))
    wanted = args.songs.split(",")
    models = []
    for path in args.model:
        m = load_dance_rnn(path)
        variant = m.card.training.get("variant", m.card.name)
        models.append((variant.upper(), m, MotionNormalizer.from_dict(m.card.frontend["motion"]["normaliser"])))
    conditions = args.conditions.split(",")
    rows = []
    folders = [f for f in tang_motion_folders(root) if split[f.name] in wanted]
    if args.limit:
        folders = folders[: args.limit]
    for folder in tqdm(folders, desc="songs", unit="song"):
        clip = load_tang_motion(folder).resampled(FPS)
        if args.seconds:
            clip = clip.cropped(0, int(args.seconds * FPS))
        n = len(clip)
        y = audio.load(clip.meta["audio"], sr=step_audio.SAMPLE_RATE)
        y = y / max(float(np.abs(y).max()), 1e-12)
        first = int(round(clip.start_s * step_audio.SAMPLE_RATE))
        danced = y[first:first + int(step_audio.frame_starts(n, 1)[0]) + step_audio.SPAN]
        music = music_beats_for_clip(clip)  # song clock, like every motion beat below
        side = split[folder.name]
        trained = side == "train" or (side == "val" and args.val_is_trained)
        base = {"song": folder.name, "dance": clip.meta["dance"], "split": side, "trained": trained,
                "seconds": n / FPS}
        rng = np.random.default_rng(zlib.crc32(folder.name.encode()))  # the same noise for every model
        span = (clip.start_s, clip.start_s + n / FPS)
        dancer_beats = motion_beats(clip)
        rows.append({**base, "method": "Dancer", "condition": "clean", "f_score": beat_f_score(dancer_beats, music),
                     "f_chance": chance_f_score(dancer_beats, music, *span, rng), "motion_beats": len(dancer_beats),
                     "music_beats": len(music), "bas": beat_alignment_score(dancer_beats, music),
                     "cross_entropy": None})
        versions = torch.stack([step_audio.normalise_power(step_audio.slice_power(
            condition_audio(danced, c, rng), n)) for c in conditions])
        for label, model, normaliser in models:
            real = np.asarray(normaliser.transform(motion_to_features(clip)), dtype=np.float32)
            index = None
            if model.network.conditioned:  # the song's own dance (the first the model knows if it lacks it)
                dances = list(model.card.classes)
                index = dances.index(clip.meta["dance"]) if clip.meta["dance"] in dances else 0
            generated = generate_batch(model, versions, index)
            for c, motion in zip(conditions, generated):
                gen_clip = features_to_motion(normaliser.inverse(motion), FPS, start_s=clip.start_s)
                beats = motion_beats(gen_clip)
                rows.append({**base, "method": label, "condition": c, "f_score": beat_f_score(beats, music),
                             "f_chance": chance_f_score(beats, music, *span, rng), "motion_beats": len(beats),
                             "music_beats": len(music), "bas": beat_alignment_score(beats, music),
                             "cross_entropy": motion_histogram_cross_entropy(real, motion)})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from dancekit.fileio import atomic_write_text

    atomic_write_text(out / "results.json", json.dumps(rows, indent=1) + "\n")
    atomic_write_text(out / "report.md", report_markdown(rows, conditions))
    plot_results(rows, conditions, out)
    print(f"{out / 'report.md'}: {len(folders)} songs, {len(rows)} rows")
    return 0


def _mean(values):
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def report_markdown(rows: list[dict], conditions: list[str]) -> str:
    """Tables like the paper's: F-score (%) per method and condition, trained* / untrained songs, per dance."""
    methods = list(dict.fromkeys(r["method"] for r in rows))
    lines = ["# Dance-step generation: motion beat vs music beat", "",
             "F-score (%) of motion beats against the music beats of `dancekit.rhythm` (70 ms window); "
             "chance: the F-score of the same motion beats shifted in time (what their density alone scores); "
             "BAS: AIST++ beat-alignment score; CE: cross entropy of generated vs dancer motion (nats, lower is "
             "closer). * = songs the models were trained on. Conditions: clean music, white noise, claps and "
             "crowd noise at 20 dB SNR.", ""]
    for trained in (True, False):
        subset = [r for r in rows if r["trained"] == trained]
        if not subset:
            continue
        lines += [f"## {'Trained songs*' if trained else 'Untrained (held-out) songs'}", ""]
        for dance in ["all"] + sorted({r["dance"] for r in subset}):
            part = [r for r in subset if dance == "all" or r["dance"] == dance]
            n_songs = len({r["song"] for r in part})
            lines += [f"### {dance} ({n_songs} songs)", "",
                      "| method | " + " | ".join(f"F {c}" for c in conditions)
                      + " | F chance (clean) | beats/min (clean) | BAS clean | CE clean |",
                      "|---|" + "---|" * (len(conditions) + 4)]
            for m in methods:
                cells = []
                for c in conditions:
                    v = _mean([r["f_score"] for r in part if r["method"] == m and r["condition"] == c])
                    cells.append("-" if v is None else f"{100 * v:.2f}")
                clean = [r for r in part if r["method"] == m and r["condition"] == "clean"]
                chance, bas = _mean([r["f_chance"] for r in clean]), _mean([r["bas"] for r in clean])
                ce = _mean([r["cross_entropy"] for r in clean])
                rate = _mean([60 * r["motion_beats"] / r["seconds"] for r in clean])
                lines.append(f"| {m} | " + " | ".join(cells) + f" | {'-' if chance is None else f'{100 * chance:.2f}'}"
                             f" | {'-' if rate is None else f'{rate:.0f}'} | {'-' if bas is None else f'{bas:.3f}'} | "
                             f"{'-' if ce is None else f'{ce:.3f}'} |")
            lines.append("")
    return "\n".join(lines)


def plot_results(rows: list[dict], conditions: list[str], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    methods = list(dict.fromkeys(r["method"] for r in rows))
    for trained in (True, False):
        subset = [r for r in rows if r["trained"] == trained]
        if not subset:
            continue
        dances = sorted({r["dance"] for r in subset})
        fig, axes = plt.subplots(1, len(dances), figsize=(4 * len(dances), 3.2), squeeze=False, sharey=True)
        for ax, dance in zip(axes[0], dances):
            width = 0.8 / len(methods)
            for k, m in enumerate(methods):
                vals = [_mean([r["f_score"] for r in subset if r["dance"] == dance and r["method"] == m
                               and r["condition"] == c]) for c in conditions]
                ax.bar(np.arange(len(conditions)) + k * width, [100 * (v or 0) for v in vals], width, label=m)
            ax.set_xticks(np.arange(len(conditions)) + 0.4 - width / 2, conditions, rotation=30)
            ax.set_title(dance)
        axes[0][0].set_ylabel("F-score (%)")
        axes[0][-1].legend(fontsize=8)
        fig.tight_layout()
        name = "fscore_trained.png" if trained else "fscore_untrained.png"
        from dancekit.fileio import atomic_write

        atomic_write(out / name, lambda tmp: fig.savefig(tmp, format="png", dpi=110))
        plt.close(fig)


# ------------------------------------------------------------------------------------------------


# ------------------------------------------------------------------------------------------------
# shipping


def held_out_summary(rows: list[dict], method: str) -> dict:
    """Mean F-score, its chance floor, motion beats per minute and BAS of one method on held-out songs."""
    out = {}
    for condition in sorted({r["condition"] for r in rows if r["method"] == method}):
        part = [r for r in rows if r["method"] == method and r["condition"] == condition and not r["trained"]]
        if part:
            out[condition] = {"songs": len(part), "f_score": _mean([r["f_score"] for r in part]),
                              "f_chance": _mean([r["f_chance"] for r in part]),
                              "motion_beats_per_min": _mean([60 * r["motion_beats"] / r["seconds"] for r in part]),
                              "bas": _mean([r["bas"] for r in part])}
    return out


def cmd_ship(args) -> int:
    """Copy a trained run into a model folder named as its card (float16 weights), with its held-out scores."""
    import torch

    from dancekit.models import files
    from dancekit.models.dance_rnn import load_dance_rnn

    model = load_dance_rnn(args.model)
    rows = json.loads(Path(args.results).read_text())
    variant = model.card.training.get("variant", "").upper()
    if not any(r["method"] == variant for r in rows):
        raise SystemExit(f"error: {args.results} has no rows of {variant}; evaluate {args.model} first")
    out = Path(args.out)
    card = model.card
    card.name = out.name
    card.metrics = {**card.metrics, "evaluation": {
        "songs": "Tang test-side songs, never trained on; music beats by dancekit.rhythm; F-score window 70 ms",
        variant: held_out_summary(rows, variant), "Dancer": held_out_summary(rows, "Dancer")}}
    files.save_model(model.network, card, out, torch.float16)
    print(f"model: {out} ({variant})")
    return 0


# ------------------------------------------------------------------------------------------------
# movement: how much the generated figure moves, against the dancer


def limb_speed(clip) -> float:
    """Mean speed (cm/s) of the joints relative to the pelvis: how much the body moves."""
    return float(np.linalg.norm(np.diff(clip.joints, axis=0), axis=-1).mean() * clip.fps)


def smooth_share(clip, frames: int = 5) -> float:
    """Share of the limb speed left after a ``frames``-frame moving average: near 1 for a dancer's
    smooth motion (measured 0.88-0.94), low for frame-to-frame shaking, which a speed term can buy."""
    kernel = np.ones(frames) / frames
    flat = clip.joints.reshape(len(clip), -1)
    smoothed = np.stack([np.convolve(flat[:, k], kernel, mode="valid") for k in range(flat.shape[1])], axis=1)
    raw = np.linalg.norm(np.diff(clip.joints, axis=0), axis=-1).mean()
    kept = np.linalg.norm(np.diff(smoothed.reshape(len(smoothed), *clip.joints.shape[1:]), axis=0), axis=-1).mean()
    return float(kept / raw) if raw > 0 else 1.0


def floor_speed(clip) -> float:
    """Mean speed (cm/s) of the pelvis over the floor: how much the dancer travels."""
    return float(np.linalg.norm(np.diff(clip.root[:, [0, 2]], axis=0), axis=-1).mean() * clip.fps)


def cmd_movement(args) -> int:
    """Limb speed and floor travel of the dancer and of each model on the first S seconds of the test songs."""
    from tqdm import tqdm

    from dancekit.data.tang import tang_recordings, tang_split
    from dancekit.fileio import atomic_write_text
    from dancekit.motion import load_tang_motion, tang_motion_folders
    from dancekit.motion.generate import generate_steps
    from dancekit.paths import shared_data_dir

    if len(args.label) != len(args.model):
        raise SystemExit("error: give one --label per --model")
    root = Path(args.tang or shared_data_dir() / "tang_dance")
    split = tang_split(tang_recordings(root))
    folders = [f for f in tang_motion_folders(root) if split[f.name] == "test"][: args.limit]
    rows = []
    for folder in tqdm(folders, desc="songs", unit="song"):
        real = load_tang_motion(folder).resampled(FPS).cropped(0, int(args.seconds * FPS))
        row = {"song": folder.name, "dance": real.meta["dance"], "real_limb": limb_speed(real),
               "real_travel": floor_speed(real), "real_smooth": smooth_share(real)}
        for label, path in zip(args.label, args.model):
            generated = generate_steps(real.meta["audio"], model=path, dance=real.meta["dance"],
                                       seconds=len(real) / FPS)
            row[f"{label}_limb"], row[f"{label}_travel"] = limb_speed(generated), floor_speed(generated)
            row[f"{label}_smooth"] = smooth_share(generated)
        rows.append(row)
    atomic_write_text(Path(args.out), json.dumps(rows, indent=1) + "\n")
    print(f"{args.out}: {len(rows)} songs")
    return 0


# ------------------------------------------------------------------------------------------------
# beat-phase locking: do dancer and generated motion keep their place in the beat and the bar?


def other_song_grids(name: str, rhythms: dict, starts: dict, dances: dict, anchor: float,
                     max_tempo_diff: float = 0.03) -> list[np.ndarray]:
    """The beats of the other songs of the same dance within ``max_tempo_diff`` of this song's tempo,
    each moved so that its danced span starts where this clip starts (a null of the same tempo)."""
    period = float(np.median(np.diff(rhythms[name].beats)))
    grids = []
    for other, rhythm in rhythms.items():
        if other == name or dances[other] != dances[name]:
            continue
        if abs(float(np.median(np.diff(rhythm.beats))) / period - 1) > max_tempo_diff:
            continue
        grid = rhythm.beats[rhythm.beats >= starts[other]] - starts[other] + anchor
        if len(grid) >= 8:
            grids.append(grid)
    return grids


def beat_phase_row(base: dict, method: str, clip, rhythm, meter: int, joints, tolerances, n_null: int,
                   seed: int, other_grids=None) -> dict:
    """One song and one motion: every statistic at every clock tolerance (and against other songs' beats)."""
    from dancekit.motion.beat_phase import clip_beat_phase

    row = {**base, "method": method, "beats_per_bar": meter, "tests": {}}
    for tol in tolerances:
        result = clip_beat_phase(clip, rhythm.beats, meter, joints=joints, clock_tolerance=tol, n_null=n_null,
                                 seed=seed)
        row["tests"][f"stretched@{tol:g}"] = result.to_dict()
    if other_grids:
        result = clip_beat_phase(clip, rhythm.beats, meter, joints=joints, clock_tolerance=max(tolerances),
                                 null_grids=other_grids)
        row["tests"][f"other_songs@{max(tolerances):g}"] = result.to_dict()
    return row


def beat_phase_summary(rows: list[dict]) -> dict:
    """Per song group, method, dance ('all' too) and test: songs, share passing (p < 0.05) per statistic,
    median z, median value and median best clock."""
    out = {}
    for row in rows:
        for dance in ("all", row["dance"]):
            for test, result in row["tests"].items():
                cell = out.setdefault(row["group"], {}).setdefault(row["method"], {}).setdefault(dance, {})
                cell.setdefault(test, []).append(result)
    for group in out.values():
        for method in group.values():
            for dance, tests in method.items():
                for test, results in tests.items():
                    summary = {"songs": len(results)}
                    for stat in results[0]["stats"]:
                        values = [r["stats"][stat] for r in results]
                        summary[stat] = {
                            "pass_share": float(np.mean([v["passed"] for v in values])),
                            "passed": int(sum(v["passed"] for v in values)),
                            "median_z": float(np.median([v["z"] for v in values])),
                            "median_value": float(np.median([v["value"] for v in values])),
                            "median_null": float(np.median([v["null_mean"] for v in values])),
                            "median_clock": float(np.median([v["clock"] for v in values]))}
                    tests[test] = summary
    return out


def beat_phase_markdown(summary: dict, statistic: str = "speed") -> str:
    """A table: songs passing (p < 0.05) and median z of one statistic, per group, method and test."""
    lines = [f"| songs | method | dance | test | passed ({statistic}) | median z | median depth / null | "
             "median clock |", "|---|---|---|---|---|---|---|---|"]
    for group, methods in summary.items():
        for method, dances in methods.items():
            for dance, tests in dances.items():
                for test, s in tests.items():
                    st = s[statistic]
                    lines.append(f"| {group} | {method} | {dance} | {test} | {st['passed']}/{s['songs']} | "
                                 f"{st['median_z']:.1f} | {st['median_value']:.3f} / {st['median_null']:.3f} | "
                                 f"{st['median_clock']:.4f} |")
    return "\n".join(lines) + "\n"


def cmd_beatphase(args) -> int:
    """Beat-phase locking of the dancers (song groups) and of each model (held-out songs), first S seconds."""
    import torch
    from tqdm import tqdm

    from dancekit import audio
    from dancekit.data.tang import tang_recordings, tang_split
    from dancekit.dances import dance_by_name
    from dancekit.fileio import atomic_write_text
    from dancekit.models.dance_rnn import load_dance_rnn
    from dancekit.motion import load_tang_motion, tang_motion_folders
    from dancekit.motion.beat_phase import BeatPhaseError
    from dancekit.motion.beats import TANG_FEET, song_rhythm
    from dancekit.motion.generate import generate_steps
    from dancekit.paths import shared_data_dir

    labels = args.label or [Path(m).name for m in args.model]
    if len(labels) != len(args.model):
        raise BeatPhaseError("give one --label per --model")
    try:
        tolerances = sorted({float(t) for t in args.tolerance.split(",")})
    except ValueError:
        raise BeatPhaseError(f"--tolerance wants comma-separated numbers, got {args.tolerance!r}") from None
    if not 0.5 <= args.stretch <= 2.0:
        raise BeatPhaseError(f"--stretch must be between 0.5 and 2, got {args.stretch}")
    if args.null < 10:
        raise BeatPhaseError(f"--null needs at least 10 grids, got {args.null}")
    torch.set_num_threads(args.threads)
    models = [(label, load_dance_rnn(path)) for label, path in zip(labels, args.model)]
    root = Path(args.tang or shared_data_dir() / "tang_dance")
    split = tang_split(tang_recordings(root))
    groups = args.songs.split(",")
    model_groups = args.model_songs.split(",")
    every = tang_motion_folders(root)
    folders = [f for f in every if split[f.name] in groups][: args.limit]
    wanted = {f.name for f in folders}
    if args.other_songs:  # the null of other songs needs every song's beats, not only the tested ones
        wanted = {f.name for f in every}
    joints = TANG_FEET if args.joints == "feet" else None
    rhythms, starts, dances, clips = {}, {}, {}, {}
    for folder in tqdm([f for f in every if f.name in wanted], desc="music", unit="song"):
        clip = load_tang_motion(folder)
        rhythms[folder.name], starts[folder.name], dances[folder.name] = song_rhythm(clip), clip.start_s, \
            clip.meta["dance"]
        clips[folder.name] = clip
    rows = []
    for folder in tqdm(folders, desc="songs", unit="song"):
        name, side = folder.name, split[folder.name]
        clip = clips[name].resampled(FPS)
        if args.seconds:
            clip = clip.cropped(0, int(args.seconds * FPS))
        rhythm = rhythms[name]
        meter = rhythm.beats_per_bar if args.meter == "rhythm" else dance_by_name(clip.meta["dance"]).beats_per_bar
        base = {"song": name, "dance": clip.meta["dance"], "group": side, "seconds": len(clip) / FPS,
                "tempo_bpm": float(rhythm.tempo_bpm), "rhythm_beats_per_bar": int(rhythm.beats_per_bar)}
        seed = zlib.crc32(name.encode())
        others = other_song_grids(name, rhythms, starts, dances, clip.start_s) if args.other_songs else None
        rows.append(beat_phase_row(base, "Dancer", clip, rhythm, meter, joints, tolerances, args.null, seed, others))
        if side not in model_groups:
            continue
        y = audio.load(clip.meta["audio"], sr=16000)
        first = int(round(clip.start_s * 16000))
        danced = y[first:first + int(round(len(clip) / FPS * 16000))]
        model_rhythm = rhythm
        if args.stretch != 1.0:  # the music played slower (> 1) or faster: does the motion follow it?
            import librosa
            from dataclasses import replace

            danced = librosa.effects.time_stretch(danced, rate=1.0 / args.stretch)
            model_rhythm = replace(rhythm, beats=clip.start_s + (rhythm.beats - clip.start_s) * args.stretch)
        for label, model in models:
            known = model.card.classes if model.network.conditioned else []
            generated = generate_steps(danced, model=model, sample_rate=16000,
                                       dance=clip.meta["dance"] if clip.meta["dance"] in known else None)
            generated.start_s = clip.start_s
            generated = generated.cropped(0, len(clip))
            rows.append(beat_phase_row(base, label, generated, model_rhythm, meter, joints, tolerances, args.null,
                                       seed, others))
    summary = beat_phase_summary(rows)
    settings = {"data": "Tang et al. 2018 'Dance with Melody' motion capture with its music",
                "split": "dancekit.data.tang.tang_split", "groups": groups, "model_groups": model_groups,
                "seconds": args.seconds or "whole danced span", "fps": FPS, "meter": args.meter,
                "joints": args.joints, "clock_tolerances": tolerances, "null_grids": args.null,
                "models": dict(zip(labels, args.model)),
                "music_beats": "dancekit.rhythm.analyze of the whole song",
                "stretch": args.stretch,
                "generation": "the song's danced span (from config start) fed to dancekit.motion.generate"}
    atomic_write_text(Path(args.out), json.dumps({"settings": settings, "summary": summary, "rows": rows},
                                                 indent=1) + "\n")
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
    t.add_argument("--size", choices=tuple(SIZES), default="paper")
    t.add_argument("--val-every", type=int, default=200)
    t.add_argument("--checkpoint-every", type=int, default=200)
    t.add_argument("--quiet", action="store_true")
    t.add_argument("--init", default=None, metavar="MODEL_DIR", help="start from this model's weights")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="paper Tables III-V on Tang songs: report.md, results.json, PNGs")
    e.add_argument("--model", action="append", required=True, help="model folder (repeat: S2S, S2S-MC)")
    e.add_argument("--out", required=True, help="report folder")
    e.add_argument("--tang", default=None)
    e.add_argument("--songs", default="test,train", help="splits to evaluate (default test,train)")
    e.add_argument("--val-is-trained", action="store_true", help="count validation songs as trained (--fold-val)")
    e.add_argument("--conditions", default=",".join(CONDITIONS))
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
    try:
        import torch

        return torch.cuda.is_available()
    except ImportError:
        return False


def main(argv=None) -> int:
    from dancekit.errors import DancekitError

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
