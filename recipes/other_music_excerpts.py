"""Write one side of the Debian "Other" music as short mono excerpts, ready to train or test on.

    python recipes/other_music_excerpts.py ROOT OUT [--side train|heldout] [--seconds 60] [--format ogg]

ROOT is the folder ``scripts/fetch_other_music.sh`` filled. Each track of the chosen side (split by
track with :func:`dancekit.data.debian_music.debian_music_split`, so train and held-out never share a
track) is decoded at 22050 Hz, its separate stems are summed into the full mix, and ``--seconds``
from its middle are written as ``OUT/<package>__<track>.<format>`` (Opus at 16 kb/s for ``ogg``:
compact enough to travel to a GPU). The training recipe takes OUT as ``--other-real`` and
``--background``. Reruns skip excerpts already written; each file is written atomically.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from dancekit.audio import info, load
from dancekit.data.debian_music import debian_music_recordings, debian_music_split
from dancekit.errors import DancekitError

SAMPLE_RATE = 22050


def excerpt(recording, seconds: float) -> np.ndarray:
    """The full mix (stems summed) of ``seconds`` from the middle of a track, peak-limited to 0.99."""
    paths = (recording.path, *recording.meta["mix_with"])
    length = min(info(p).duration for p in paths)
    offset = max(0.0, (length - seconds) / 2)
    parts = [load(p, sr=SAMPLE_RATE, offset=offset, duration=seconds) for p in paths]
    n = min(len(p) for p in parts)
    mix = np.sum([p[:n] for p in parts], axis=0)
    peak = float(np.max(np.abs(mix))) if len(mix) else 0.0
    return mix / peak * 0.99 if peak > 0.99 else mix


def write_excerpt(audio: np.ndarray, out: Path, audio_format: str) -> None:
    """Write ``audio`` to ``out`` atomically: FLAC, or Opus 16 kb/s through ffmpeg for ``ogg``."""
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        wav = Path(tmp) / "x.wav"
        sf.write(wav, audio, SAMPLE_RATE, subtype="PCM_16")
        part = Path(tmp) / f"x.{audio_format}"
        if audio_format == "ogg":
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-ac", "1", "-c:a", "libopus",
                            "-b:a", "16k", str(part)], check=True)
        else:
            sf.write(part, audio, SAMPLE_RATE)
        part.replace(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--side", choices=("train", "heldout"), default="train")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--format", choices=("ogg", "flac"), default="ogg")
    args = parser.parse_args(argv)
    try:
        recordings = debian_music_recordings(args.root)
        sides = debian_music_split(recordings)
        args.out.mkdir(parents=True, exist_ok=True)
        written = 0
        for recording in recordings:
            if sides[recording.group] != args.side:
                continue
            out = args.out / (recording.group.replace("/", "__") + f".{args.format}")
            if not out.exists():
                write_excerpt(excerpt(recording, args.seconds), out, args.format)
            written += 1
    except (DancekitError, OSError, subprocess.CalledProcessError) as err:
        raise SystemExit(f"error: {err}") from None
    print(f"{written} {args.side} excerpts in {args.out}")


if __name__ == "__main__":
    main()
