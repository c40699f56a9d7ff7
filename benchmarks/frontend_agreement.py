"""How closely the torch front ends reproduce librosa on real recordings.

Every GTZAN-mini clip and Creative-Commons clip of the shared data goes through each preset in
float64 and float32 and through the librosa code the papers used; the largest difference over all
clips is kept: in dB for the log-mel presets, relative to the clip's loudest bin for the linear STFT
(a bin-by-bin ratio would be dominated by bins that are numerically zero). Writes
benchmarks/results/frontend_agreement.json.

    python benchmarks/frontend_agreement.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import librosa
import torch

from dancekit.audio import load
from dancekit.features import PRESETS, build_frontend
from dancekit.features.reference import librosa_reference, max_difference
from dancekit.fileio import atomic_write_text
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results" / "frontend_agreement.json"


def real_clips(root: Path) -> list[Path]:
    """The GTZAN-mini clips and the Creative-Commons music clips under ``root``."""
    return sorted((root / "gtzan_mini" / "genres").glob("*/*.flac")) + sorted((root / "cc_music").glob("*.ogg"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder (default: $DANCEKIT_DATA)")
    args = parser.parse_args()
    root = args.data or shared_data_dir()
    clips = real_clips(root)
    if not clips:
        raise SystemExit(f"error: no GTZAN-mini or cc_music clips under {root} (set DANCEKIT_DATA)")
    worst = {(name, precision): 0.0 for name in PRESETS for precision in ("float64", "float32")}
    frontends = {key: build_frontend(PRESETS[key[0]], precision=key[1]) for key in worst}
    with torch.inference_mode():
        for path in clips:
            y = load(path, sr=22050)
            for name, config in PRESETS.items():
                want = librosa_reference(config, y)
                for precision in ("float64", "float32"):
                    got = frontends[name, precision](torch.from_numpy(y)).numpy()
                    worst[name, precision] = max(worst[name, precision], max_difference(config, got, want))
    rows = [{"frontend": name, "precision": precision, "unit": "dB" if PRESETS[name].log == "db" else "of peak",
             "max_difference": value} for (name, precision), value in worst.items()]
    for row in rows:
        print(f"{row['frontend']:14} {row['precision']:8} {row['max_difference']:.2e} {row['unit']}")
    result = {"clips": len(clips), "librosa": librosa.__version__, "torch": torch.__version__, "rows": rows}
    atomic_write_text(RESULTS, json.dumps(result, indent=2) + "\n")
    print(f"{len(clips)} real clips; wrote {RESULTS}")


if __name__ == "__main__":
    main()
