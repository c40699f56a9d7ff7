"""Train the default ballroom dance model: synthetic corpus + real Tang songs, split by song.

    python recipes/default_dance.py --corpus CORPUS [CORPUS ...] --tang ../shared/data/tang_dance --out MODEL \
        [--other-real DIR] [--arch resnet18] [--steps 4000] [--batch 32] [--device cuda]

With an "Other" label in a corpus (``dancekit synth --dances Other``) or real non-ballroom music
(``--other-real``: every audio file under DIR; the even-numbered half in sorted order trains,
the odd half is left for evaluation), the model gets an 11th class, "Other": not ballroom.

CORPUS is a folder made by ``dancekit synth`` (manifest.csv + audio/). One synthetic song in
ten (chosen by a hash of its number, so every dance has some) is validation; the Tang songs are split by song into train / validation /
test per dance (every third song in sorted order is test, the one after it validation), so
no song is on two sides. Recipe (paper 1, III-B): class-balanced recordings, random 224-frame
crops, Adam 5e-4, NLL; here with larger batches on a GPU, bf16 autocast, SpecAugment masks,
and each batch a mix of synthetic and real segments. The step with the best validation score
(real recording accuracy, then synthetic segment accuracy) is kept; test songs are only used
for the final report, written with the model card.
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch

from dancekit.dances import DANCE_NAMES
from dancekit.errors import DancekitError
from dancekit.data.synth_corpus import synth_recordings
from dancekit.data.tang import tang_cross_split, tang_recordings, tang_split
from dancekit.features import DANCE_CNN_MEL, build_frontend
from dancekit.inference.segments import segment_starts
from dancekit.models import ModelCard, build_dance_cnn, save_model
from dancekit.synth.grooves import OTHER_LABEL

SEG = 224


def read_audio(path: Path, sr: int) -> np.ndarray:
    """dancekit.audio reads what libsndfile reads even where PyAV is missing (a bare GPU machine)."""
    from dancekit import audio

    return audio.load(path, sr=sr)


def synthetic_recordings(corpus: Path) -> list[dict]:
    """The corpus's clips (read by the library's adapter); one song in 10, by hash, validates."""
    return [{"path": r.path, "label": r.label, "group": r.group,
             "split": "val" if zlib.crc32(r.group.removeprefix("song-").encode()) % 10 == 0 else "train"}
            for r in synth_recordings(corpus)]


AUDIO_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg", ".opus", ".au", ".m4a"}


def other_real_split(folder: Path) -> tuple[list[Path], list[Path]]:
    """Real non-ballroom music: even-numbered files (sorted) train, odd ones are held out."""
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
    return files[0::2], files[1::2]


class Spectrograms:
    """All spectrograms on the training device, in half precision, with their labels."""

    def __init__(self, items: list[dict], frontend, device, classes: list[str]):
        self.specs, self.labels, self.groups = [], [], []
        with ThreadPoolExecutor(8) as pool:  # decoders release the GIL
            waves = pool.map(lambda item: read_audio(item["path"], DANCE_CNN_MEL.sr), items)
            with torch.inference_mode():
                for item, y in zip(items, waves):
                    self.specs.append(frontend(torch.from_numpy(y).to(device)).to(torch.float16))
                    self.labels.append(classes.index(item["label"]))
                    self.groups.append(item["group"])
        self.labels_np = np.asarray(self.labels)

    def __len__(self):
        return len(self.specs)


def sample_batch(data: Spectrograms, n: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    classes = np.unique(data.labels_np)
    picks = [int(rng.choice(np.flatnonzero(data.labels_np == c))) for c in rng.choice(classes, size=n)]
    crops = []
    for i in picks:
        spec = data.specs[i]
        start = int(rng.integers(0, max(1, spec.shape[-1] - SEG + 1)))
        crops.append(spec[:, start : start + SEG])
    return torch.stack(crops).float(), torch.as_tensor(data.labels_np[picks], device=crops[0].device)


def spec_augment(x: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """One frequency band and one time span masked per segment (with the segment's mean)."""
    x = x.clone()
    for i in range(x.shape[0]):
        f0, fw = int(rng.integers(0, SEG)), int(rng.integers(0, 24))
        t0, tw = int(rng.integers(0, SEG)), int(rng.integers(0, 32))
        fill = x[i].mean()
        x[i, f0 : f0 + fw, :] = fill
        x[i, :, t0 : t0 + tw] = fill
    return x


@torch.no_grad()
def recording_probabilities(network, data: Spectrograms, stride: int = 200) -> np.ndarray:
    """Mean segment softmax per recording, as inference computes it."""
    out = []
    for spec in data.specs:
        starts = segment_starts(spec.shape[-1], SEG, stride) or [0]
        segs = torch.stack([spec[:, s : s + SEG] for s in starts]).float()
        with torch.autocast(segs.device.type, dtype=torch.bfloat16, enabled=segs.device.type == "cuda"):
            probs = torch.softmax(network(segs).float(), dim=-1)
        out.append(probs.mean(0).cpu().numpy())
    return np.stack(out)


@torch.no_grad()
def segment_accuracy(network, data: Spectrograms, rng: np.random.Generator, n: int = 2000) -> float:
    correct = 0
    for start in range(0, n, 250):
        x, y = sample_batch(data, min(250, n - start), rng)
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=x.device.type == "cuda"):
            correct += int((network(x).argmax(-1) == y).sum())
    return correct / n


def report(probs: np.ndarray, labels: np.ndarray, classes: list[str]) -> dict:
    pred = probs.argmax(1)
    top2 = np.argsort(-probs, axis=1)[:, :2]
    present = sorted(set(labels.tolist()))
    confusion = {classes[t]: {classes[p]: int(((labels == t) & (pred == p)).sum()) for p in range(len(classes))
                              if ((labels == t) & (pred == p)).any()} for t in present}
    return {"n": int(len(labels)), "top1": float((pred == labels).mean()),
            "top2": float(np.mean([labels[i] in top2[i] for i in range(len(labels))])),
            "per_class_recall": {classes[t]: float((pred[labels == t] == t).mean()) for t in present},
            "confusion": confusion}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", required=True)
    parser.add_argument("--other-real", type=Path, default=None, help="real non-ballroom music for the Other class")
    parser.add_argument("--tang", type=Path, default=None)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--arch", default="resnet18")
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--real-fraction", type=float, default=0.25)
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--eval-segments", type=int, default=2000, help="synthetic validation segments per evaluation")
    parser.add_argument("--tang-folds", type=int, default=0, metavar="K",
                        help="split the Tang songs by a K-fold rotation instead of the fixed split (see --tang-fold)")
    parser.add_argument("--tang-fold", type=int, default=None, metavar="I",
                        help="with --tang-folds: test on song group I, validate on the next; "
                             "left out: no test songs, group 0 validates (the model to ship)")
    parser.add_argument("--half", action="store_true", help="store the weights as float16 (half the file)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=None, help="stop training after this long (keeps the best step)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    try:
        train(args)
    except (DancekitError, OSError) as err:  # bad corpus, Tang folder or output path: one line, exit 2
        raise SystemExit(f"error: {err}") from None


def train(args) -> None:
    """Read the corpora and the real songs, train, keep the best real-validation step, save the model."""
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    device = torch.device(args.device)
    frontend = build_frontend(DANCE_CNN_MEL).to(device)

    t0 = time.time()
    synth = [item for corpus in args.corpus for item in synthetic_recordings(corpus)]
    other_train = other_real_split(args.other_real)[0] if args.other_real else []
    has_other = bool(other_train) or any(s["label"] == OTHER_LABEL for s in synth)
    classes = list(DANCE_NAMES) + ([OTHER_LABEL] if has_other else [])
    synth_train = Spectrograms([s for s in synth if s["split"] == "train"], frontend, device, classes)
    synth_val = Spectrograms([s for s in synth if s["split"] == "val"], frontend, device, classes)
    real, side = {}, {}
    if args.tang:
        recs = tang_recordings(args.tang)
        side = tang_split(recs) if not args.tang_folds else tang_cross_split(recs, args.tang_folds, args.tang_fold)
        for part in ("train", "val", "test"):
            items = [{"path": r.path, "label": r.label, "group": r.group} for r in recs if side[r.group] == part]
            if part == "train":
                items += [{"path": p, "label": OTHER_LABEL, "group": p.stem} for p in other_train]
            if items:
                real[part] = Spectrograms(items, frontend, device, classes)
    print(f"spectrograms: synthetic {len(synth_train)} train / {len(synth_val)} val; real "
          + ", ".join(f"{k} {len(v)}" for k, v in real.items()) + f" ({time.time() - t0:.0f} s)", flush=True)

    network = build_dance_cnn(args.arch, len(classes)).to(device).to(memory_format=torch.channels_last)
    optimiser = torch.optim.Adam(network.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=args.steps, pct_start=0.1)
    loss_fn = torch.nn.NLLLoss()
    n_real = int(round(args.batch * args.real_fraction)) if "train" in real else 0
    best, best_state, history = None, None, []
    started = time.time()
    for step in range(1, args.steps + 1):
        out_of_time = args.max_minutes is not None and time.time() - started > 60 * args.max_minutes
        network.train()
        x, y = sample_batch(synth_train, args.batch - n_real, rng)
        if n_real:
            xr, yr = sample_batch(real["train"], n_real, rng)
            x, y = torch.cat([x, xr]), torch.cat([y, yr])
        x = spec_augment(x, rng).unsqueeze(1).contiguous(memory_format=torch.channels_last)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            loss = loss_fn(torch.log_softmax(network(x).float(), dim=-1), y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % args.eval_every == 0 or step == args.steps or out_of_time:
            network.eval()
            entry = {"step": step, "loss": loss.item(), "synth_val_segment_acc": segment_accuracy(network, synth_val, rng,
                                                                                          args.eval_segments)}
            if "val" in real:
                probs = recording_probabilities(network, real["val"])
                entry["real_val_recording_acc"] = float((probs.argmax(1) == real["val"].labels_np).mean())
            score = (entry.get("real_val_recording_acc", 0.0), entry["synth_val_segment_acc"])
            if best is None or score > best:
                best, best_state = score, {k: v.detach().clone() for k, v in network.state_dict().items()}
                entry["best"] = True
            entry["seconds"] = round(time.time() - started, 1)
            history.append(entry)
            print(json.dumps(entry), flush=True)
            if out_of_time:
                break

    network.load_state_dict(best_state)
    network.eval()
    metrics = {"synthetic_val": report(recording_probabilities(network, synth_val), synth_val.labels_np, classes)}
    for part in ("val", "test"):
        if part in real:
            probs = recording_probabilities(network, real[part])
            metrics[f"tang_{part}"] = report(probs, real[part].labels_np, classes)
            metrics[f"tang_{part}"]["songs"] = real[part].groups
            metrics[f"tang_{part}"]["probabilities"] = np.round(probs, 5).tolist()
    card = ModelCard(
        name="ballroom", task="dance", architecture=args.arch, classes=classes,
        frontend=DANCE_CNN_MEL.to_dict(),
        summary=f"{args.arch} trained on synthetic MMA music + real Tang songs",
        training={"recipe": "recipes/default_dance.py", "args": {k: str(v) for k, v in vars(args).items()},
                  "synthetic_recordings": {"train": len(synth_train), "val": len(synth_val)},
                  "real_recordings": {k: len(v) for k, v in real.items()}, "best_step_score": list(best),
                  "tang_sides": side,
                  "other_real_train": [str(p.name) for p in other_train],
                  "history": history},
        metrics=metrics,
    )
    save_model(network.to(memory_format=torch.contiguous_format).cpu(), card, args.out,
               weights_dtype=torch.float16 if args.half else None)
    print(json.dumps(metrics, indent=1))


if __name__ == "__main__":
    main()
