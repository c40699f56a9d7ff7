"""How fast is ``dancekit identify`` on this machine, and how much memory does a 2-hour set take?

Measures, in one run: seconds to identify a 3-minute 44.1 kHz stereo mp3 split into decode /
features / model / rhythm / total, for each backbone (untrained weights: speed does not depend
on them), as real-time factors; the torch mel front end against librosa on the same audio; and
the peak resident memory of identifying a 2-hour recording (in a fresh process).
Prints a table and writes benchmarks/results/identify_speed.json.

    python benchmarks/identify_speed.py [--threads 2] [--archs resnet18 densenet161] [--skip-long]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

from dancekit import audio
from dancekit.evaluation.speed_inputs import untrained_dance_model, write_test_song
from dancekit.evaluation.timing import best_of
from dancekit.features import DANCE_CNN_MEL, build_frontend
from dancekit.features.reference import librosa_reference
from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.inference.segments import segment_starts

RESULTS = Path(__file__).resolve().parent / "results" / "identify_speed.json"


def time_identify(arch: str, path: Path, model_dir: Path, repeats: int) -> dict:
    identifier = Identifier(str(untrained_dance_model(arch, model_dir / arch)))
    frontend = build_frontend(DANCE_CNN_MEL)

    y = audio.load(path, sr=DANCE_CNN_MEL.sr)
    decode = best_of(lambda: audio.load(path, sr=DANCE_CNN_MEL.sr), repeats)
    wave = torch.from_numpy(y)
    with torch.inference_mode():
        mel = frontend(wave)
    with torch.inference_mode():
        features = best_of(lambda: frontend(wave), repeats)
    starts = segment_starts(mel.shape[-1], 224, 200)
    segments = torch.stack([mel[:, s : s + 224] for s in starts])

    def run_model():
        identifier.segments_to_probabilities(segments)

    run_model()  # warm-up
    model = best_of(run_model, repeats)
    identifier.identify(path)  # warm-up
    total = best_of(lambda: identifier.identify(path), repeats)
    total_no_rhythm = best_of(lambda: identifier.identify(path, rhythm=False), repeats)
    duration = len(y) / DANCE_CNN_MEL.sr
    return {"arch": arch, "segments": len(starts), "audio_s": duration, "decode_s": decode, "features_s": features,
            "model_s": model, "total_s": total, "total_without_tempo_s": total_no_rhythm,
            "rtf": total / duration}


def frontend_vs_librosa(path: Path, repeats: int) -> dict:
    c = DANCE_CNN_MEL
    y = audio.load(path, sr=c.sr)
    frontend = build_frontend(c)
    wave = torch.from_numpy(y)

    def ours():
        with torch.inference_mode():
            frontend(wave)

    def reference():
        librosa_reference(c, y)

    reference()
    ours()
    t_ours, t_ref = best_of(ours, repeats), best_of(reference, repeats)
    return {"torch_s": t_ours, "librosa_s": t_ref, "speedup_vs_librosa": t_ref / t_ours}


# VmHWM is the peak of this process image alone; ru_maxrss would include the pages the
# child shared with this (large) parent when it was forked.
LONG_CHILD = """
import re, sys, time
from pathlib import Path
from dancekit.inference import Identifier
t = time.perf_counter()
r = Identifier(sys.argv[1]).identify(sys.argv[2])
peak_kb = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print(time.perf_counter() - t, peak_kb, len(r.segment_starts_s))
"""


def long_recording_memory(model_dir: Path, song: Path, tmp: Path, hours: float, threads: int) -> dict:
    path = tmp / "long.mp3"
    loops = int(np.ceil(hours * 3600 / 180)) - 1  # the 3-minute song, repeated without re-encoding
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(song), "-c", "copy",
                    str(path)], check=True)
    out = subprocess.run([sys.executable, "-c", f"import torch; torch.set_num_threads({threads})\n" + LONG_CHILD,
                          str(model_dir / "resnet18"), str(path)], check=True, capture_output=True, text=True)
    seconds, maxrss_kb, n_segments = out.stdout.split()
    return {"hours": hours, "file_mb": path.stat().st_size / 1e6, "seconds": float(seconds),
            "peak_rss_mb": int(maxrss_kb) / 1024, "segments": int(n_segments),
            "raw_44k1_stereo_float64_mb": hours * 3600 * 44100 * 2 * 8 / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--archs", nargs="+", default=["resnet18", "densenet161"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        song = tmp / "song.mp3"
        write_test_song(song, 180)
        rows = [time_identify(arch, song, tmp / "models", args.repeats) for arch in args.archs]
        front = frontend_vs_librosa(song, args.repeats)
        long = None if args.skip_long else long_recording_memory(tmp / "models", song, tmp, args.hours, args.threads)

    print(f"\nidentify a 3-minute 44.1 kHz stereo mp3, {args.threads} CPU threads ({platform.processor() or platform.machine()})")
    print(f"{'backbone':<14}{'segments':>9}{'decode':>9}{'features':>9}{'model':>9}{'total':>9}{'no tempo':>9}{'RTF':>8}")
    for r in rows:
        print(f"{r['arch']:<14}{r['segments']:>9}{r['decode_s']:>8.2f}s{r['features_s']:>8.2f}s{r['model_s']:>8.2f}s"
              f"{r['total_s']:>8.2f}s{r['total_without_tempo_s']:>8.2f}s{r['rtf']:>8.4f}")
    print(f"\nmel front end, 3 minutes: torch {front['torch_s']:.3f}s, librosa {front['librosa_s']:.3f}s "
          f"-> torch is {front['speedup_vs_librosa']:.2f}x librosa's speed")
    if long:
        print(f"\n{long['hours']:.0f}-hour mp3 ({long['file_mb']:.0f} MB; raw 44.1 kHz stereo float64 would be "
              f"{long['raw_44k1_stereo_float64_mb']:.0f} MB): peak RSS {long['peak_rss_mb']:.0f} MB, "
              f"{long['seconds']:.0f} s, {long['segments']} segments")
    report = {"threads": args.threads, "torch": torch.__version__, "machine": platform.machine(),
              "identify_3min": rows, "frontend_3min": front, "long_recording": long}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
