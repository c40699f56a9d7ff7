"""Would an int8 graph answer as the float32 one does? ONNX Runtime static quantisation of the ballroom model.

The compiled float32 graph (``dancekit models --compile``) is quantised statically (QDQ, weights int8
per channel, activations uint8, the first convolution and the classifier kept in float32), calibrated
on the spectrogram segments of GTZAN-mini clips 0 and 5-9 of each genre; then every Tang song and
GTZAN-mini clips 1-4 of each genre (none used for calibration) are identified with both graphs
through the same pipeline. Reports top-1 agreement of the answer (tempo prior included) and of the
network alone, the largest probability difference, and the network's time on one 3-minute song's
segments. Writes benchmarks/results/int8_trial.json. Not used by ``dancekit identify``: the answers
must stay those of the float32 network.

    python benchmarks/int8_trial.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from dancekit.fileio import atomic_write_text
from dancekit.inference import Identifier
from dancekit.inference.backends import OnnxNetwork
from dancekit.paths import shared_data_dir
from dancekit.runtime import cpu_threads

RESULTS = Path(__file__).resolve().parent / "results" / "int8_trial.json"


def segments_of(identifier: Identifier, path: Path) -> np.ndarray:
    """Every whole segment of a recording at the model's default stride."""
    from dancekit import audio

    spec = identifier.frontend(audio.load(path, sr=identifier.sample_rate))
    n, length = spec.shape[1], identifier.segment_frames
    return np.stack([spec[:, s : s + length] for s in range(0, max(n - length + 1, 1), identifier.default_stride)
                     if s + length <= n] or [np.zeros((spec.shape[0], length), np.float32)])


def quantise(identifier: Identifier, calibration: list[Path], out: Path) -> Path:
    """The int8 graph of the identifier's compiled graph, calibrated on ``calibration``'s segments."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    segments = np.concatenate([segments_of(identifier, p) for p in calibration])

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter(segments[i : i + 1, None] for i in range(len(segments)))

        def get_next(self):
            item = next(self.items, None)
            return None if item is None else {"segments": item}

    prepared = out.with_suffix(".pre.onnx")
    quant_pre_process(str(identifier.backend.path), str(prepared))
    nodes = onnx.load(str(prepared)).graph.node
    keep = [next(n.name for n in nodes if n.op_type == "Conv")] + [n.name for n in nodes if n.op_type == "Gemm"]
    quantize_static(str(prepared), str(out), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    nodes_to_exclude=keep, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    return out


def network_seconds(network, segments: np.ndarray, repeats: int = 5) -> float:
    """Median seconds of classifying ``segments`` (after one warm-up)."""
    network.probabilities(segments[:2])
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        network.probabilities(segments)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder (default: $DANCEKIT_DATA)")
    args = parser.parse_args()
    root = args.data or shared_data_dir()
    genres = root / "gtzan_mini" / "genres"
    calibration = sorted(p for p in genres.glob("*/*.flac") if p.stem[-1] in "056789")
    tests = sorted((root / "tang_dance").glob("*/audio.mp3")) + sorted(p for p in genres.glob("*/*.flac")
                                                                       if p.stem[-1] in "1234")
    if not calibration or not tests:
        raise SystemExit(f"error: no GTZAN-mini clips or Tang songs under {root} (set DANCEKIT_DATA)")
    fp32 = Identifier(backend="onnx")
    int8 = Identifier(backend="onnx")
    with tempfile.TemporaryDirectory() as tmp:
        int8.backend = OnnxNetwork(quantise(fp32, calibration, Path(tmp) / "int8.onnx"))
        rows = []
        for path in tests:
            a, b = fp32.identify(path), int8.identify(path)
            rows.append({"file": str(path.relative_to(root)), "label": a.label, "int8_label": b.label,
                         "network_label_same": int(np.argmax(a.network_probabilities)) == int(np.argmax(b.network_probabilities)),
                         "max_difference": float(np.abs(a.probabilities - b.probabilities).max())})
            if a.label != b.label:
                print(f"differs: {rows[-1]}", flush=True)
        song = max(tests[:50], key=lambda p: p.stat().st_size)
        segments = segments_of(fp32, song)
        speed = {"segments": len(segments), "threads": cpu_threads(),
                 "float32_s": network_seconds(fp32.backend, segments), "int8_s": network_seconds(int8.backend, segments)}
    summary = {"recordings": len(rows), "top1_same": sum(r["label"] == r["int8_label"] for r in rows),
               "network_top1_same": sum(r["network_label_same"] for r in rows),
               "max_difference": max(r["max_difference"] for r in rows), "speed": speed,
               "calibration_clips": len(calibration)}
    print(json.dumps(summary, indent=2))
    atomic_write_text(RESULTS, json.dumps({**summary, "rows": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
