"""Does identification without torch give the torch pipeline's answers on real recordings?

Every real recording of the shared data (the Tang songs, the GTZAN-mini clips, the Creative-Commons
clips, the Ballroom sample) is identified by the built-in dance model three ways: the torch front end
and torch network (the pipeline before ONNX Runtime), the numpy front end and the compiled graph in
ONNX Runtime (what ``dancekit identify`` now runs on a CPU), and the same with a float32 FFT (the
faster front end it does not use). Reports the largest probability differences (segment, network
mean, final answer with the tempo prior), top-1 and top-3 agreement and tempo agreement, and writes
benchmarks/results/backend_equality.json.

    python benchmarks/backend_equality.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from dancekit.features.numpy_frontend import NumpyFrontEnd
from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.paths import shared_data_dir

RESULTS = Path(__file__).resolve().parent / "results" / "backend_equality.json"


def real_recordings(root: Path) -> list[Path]:
    """The real recordings under ``root``: Tang songs, GTZAN-mini clips, Creative-Commons clips, the Ballroom sample."""
    return (sorted((root / "tang_dance").glob("*/audio.mp3")) + sorted((root / "gtzan_mini" / "genres").glob("*/*.flac"))
            + sorted((root / "cc_music").glob("*.ogg")) + sorted((root / "ballroom_sample").glob("*.wav"))
            + sorted((root / "ballroom_sample").glob("*.mp3")) + sorted((root / "ballroom_sample").glob("*.flac")))


def variants() -> dict[str, Identifier]:
    """The torch pipeline, the torch-free one, and the torch-free one with a float32 FFT."""
    from dancekit.features import build_frontend

    torch_path = Identifier(backend="torch")
    torch_path.frontend = build_frontend(torch_path.frontend_config)  # the torch front end, as before
    onnx = Identifier(backend="onnx")
    onnx32 = Identifier(backend="onnx")
    onnx32.frontend = NumpyFrontEnd(onnx32.frontend_config, precision="float32")
    return {"torch": torch_path, "onnx": onnx, "onnx_fft32": onnx32}


def compare(reference, other) -> dict:
    """How far ``other``'s answer is from ``reference``'s."""
    same_segments = np.array_equal(reference.segment_starts_s, other.segment_starts_s)
    seg = (float(np.abs(reference.segment_probabilities - other.segment_probabilities).max())
           if same_segments and len(reference.segment_starts_s) else None)
    ref_tempo = None if reference.rhythm is None else reference.rhythm.tempo_bpm
    tempo = None if other.rhythm is None else other.rhythm.tempo_bpm
    return {"segment_max": seg,
            "network_max": float(np.abs(reference.network_probabilities - other.network_probabilities).max()),
            "final_max": float(np.abs(reference.probabilities - other.probabilities).max()),
            "top1_same": reference.label == other.label,
            "top3_same": [c for c, _ in reference.top(3)] == [c for c, _ in other.top(3)],
            "tempo_same": ref_tempo == tempo, "segments_same": same_segments}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder (default: $DANCEKIT_DATA)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N recordings")
    args = parser.parse_args()
    root = args.data or shared_data_dir()
    paths = real_recordings(root)[: args.limit]
    if not paths:
        raise SystemExit(f"error: no real recordings under {root} (set DANCEKIT_DATA)")
    identifiers = variants()
    rows = []
    for i, path in enumerate(paths, 1):
        answers = {name: ident.identify(path) for name, ident in identifiers.items()}
        row = {"file": str(path.relative_to(root)), "label": answers["torch"].label,
               **{name: compare(answers["torch"], answers[name]) for name in ("onnx", "onnx_fft32")}}
        rows.append(row)
        print(f"{i}/{len(paths)} {row['file']}: {row['label']}; onnx final {row['onnx']['final_max']:.1e}, "
              f"fft32 final {row['onnx_fft32']['final_max']:.1e}", flush=True)
    summary = {}
    for name in ("onnx", "onnx_fft32"):
        got = [r[name] for r in rows]
        summary[name] = {
            "segment_max": max((g["segment_max"] for g in got if g["segment_max"] is not None), default=None),
            "network_max": max(g["network_max"] for g in got), "final_max": max(g["final_max"] for g in got),
            **{f"{k}_agree": sum(g[k] for g in got) for k in ("top1_same", "top3_same", "tempo_same", "segments_same")}}
        print(f"{name}: {summary[name]} of {len(rows)}")
    result = {"recordings": len(rows), "reference": "torch front end + torch network (the pipeline before ONNX Runtime)",
              "summary": summary, "rows": rows}
    atomic_write_text(RESULTS, json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
