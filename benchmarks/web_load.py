"""How does ``dancekit serve`` hold up? Concurrent uploads and the live path, on a local server.

Starts the server (``dancekit serve``, the built-in model, on 127.0.0.1) in a child process
(the fuzzing harness's ``Server``), then:

1. uploads: N clients at once (default 20) each POST a different generated 3-minute
   44.1 kHz stereo mp3 to ``/api/identify``; per request latency (p50/p95/max), errors
   (anything but 200), the server's peak resident memory (sampled every 50 ms, and the
   kernel's high-water mark), for each ``--workers`` setting;
2. live: one WebSocket client streams a generated song as the page does (16-bit PCM at
   48 kHz, 0.25 s messages, resampled by the server), paced in real time; the server's
   processing time per update (the ``processing_ms`` of each result message: decoding,
   resampling, spectrogram, CNN, and building the JSON) and the client's wait from the
   last message before an update to that update; then the same for a longer stream
   sent as fast as possible.

All traffic stays on the loopback interface; every loop is bounded. Prints a table and
writes benchmarks/results/web_load.json.

    python benchmarks/web_load.py [--clients 20] [--workers 1 2] [--live-seconds 40] [--fast-live-seconds 300]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import numpy as np
from websockets.sync.client import connect

from dancekit import audio
from dancekit.evaluation.speed_inputs import untrained_dance_model, write_test_song
from dancekit.fileio import atomic_write_text
from dancekit.fuzzing.watch import Limits
from dancekit.fuzzing.web import Server
from dancekit.models import builtin_models

RESULTS = Path(__file__).resolve().parent / "results" / "web_load.json"
MB = 2**20


def model_or_stand_in(name: str, folder: Path) -> tuple[str, str]:
    """The named model, or (when it is not installed) an untrained ResNet-18 of the same shape:
    speed and memory do not depend on the weights' values."""
    if name not in builtin_models() and not Path(name).is_dir():
        return str(untrained_dance_model("resnet18", folder)), f"untrained resnet18 ({name} not installed)"
    return name, name


def start_server(workdir: Path, model: str, workers: int, threads: int) -> Server:
    """``dancekit serve`` (started on entering ``with``) with ``workers`` job workers and ``threads`` torch
    threads, no upload rate limit and no memory limit; its resident memory is sampled every 50 ms."""
    return Server(workdir, model=model, limits=Limits(seconds=600.0, rss_bytes=1 << 40),
                  options=("--workers", str(workers), "--max-queue", "64"),
                  env={"OMP_NUM_THREADS": str(threads)})


def upload_burst(server: Server, songs: list[Path], clients: int, idle_rss_mb: float) -> dict:
    barrier = threading.Barrier(clients)

    def one(i: int) -> tuple[float, int, str]:
        data = songs[i % len(songs)].read_bytes()
        with httpx2.Client(timeout=600) as client:
            barrier.wait()
            start = time.perf_counter()
            response = client.post(server.url + "/api/identify", files={"file": (f"song{i}.mp3", data, "audio/mpeg")})
            seconds = time.perf_counter() - start
        label = response.json().get("label") if response.status_code == 200 else response.text[:200]
        return seconds, response.status_code, str(label)

    start = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(one, range(clients)))
    end = time.monotonic()
    time.sleep(0.2)
    latencies = np.array([o[0] for o in outcomes])
    errors = [f"{o[1]}: {o[2]}" for o in outcomes if o[1] != 200]
    return {"clients": clients, "song_s": 180, "p50_s": float(np.percentile(latencies, 50)),
            "p95_s": float(np.percentile(latencies, 95)), "max_s": float(latencies.max()),
            "wall_s": end - start, "throughput_songs_per_min": clients / (end - start) * 60,
            "errors": len(errors), "error_samples": errors[:3],
            "idle_rss_mb": idle_rss_mb, "peak_rss_mb": (server.peak_between(start, end + 0.2) or float("nan")) / MB,
            "high_water_rss_mb": server.high_water() / MB,
            "labels": sorted(set(o[2] for o in outcomes if o[1] == 200))}


def live_stream(server: Server, song: Path, seconds: float, paced: bool) -> dict:
    """Stream ``seconds`` of ``song`` as the page does; collect the server's per-update processing time."""
    rate, chunk_s = 48000, 0.25
    y = audio.load(song, sr=rate)
    reps = int(np.ceil(seconds * rate / len(y)))
    y = np.tile(y, reps)[: int(seconds * rate)]
    pcm = (np.clip(y, -1, 1) * 32767).astype("<i2").tobytes()
    step = int(chunk_s * rate) * 2
    processing, waits, heard = [], [], []
    final = None
    with connect(server.url.replace("http", "ws") + "/api/live", max_size=2**24) as ws:
        ws.send(json.dumps({"type": "start", "sample_rate": rate, "format": "s16le"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "ready"
        last_sent = [0.0]  # when the latest message went out: in real time it is the one that made the update due

        def receive():
            nonlocal final
            while True:
                message = json.loads(ws.recv(timeout=120))
                if message["type"] == "result" and not message["final"]:
                    now = time.perf_counter()
                    processing.append(message["processing_ms"])
                    heard.append(message["heard_s"])
                    waits.append((now - last_sent[0]) * 1000)
                if message["type"] == "error":
                    raise RuntimeError(message["error"])
                if message.get("final"):
                    final = message
                    return

        reader = threading.Thread(target=receive, daemon=True)
        reader.start()
        start = time.perf_counter()
        for k, i in enumerate(range(0, len(pcm), step)):
            if paced:
                time.sleep(max(0.0, start + k * chunk_s - time.perf_counter()))
            last_sent[0] = time.perf_counter()
            ws.send(pcm[i : i + step])
        ws.send(json.dumps({"type": "stop"}))
        reader.join(180)
    processing = np.array(processing)
    out = {"seconds": seconds, "paced": paced, "updates": int(len(processing)),
           "processing_ms_p50": float(np.percentile(processing, 50)),
           "processing_ms_p95": float(np.percentile(processing, 95)),
           "processing_ms_max": float(processing.max()),
           "final_label": final["result"]["label"] if final else None}
    if paced and waits:
        out.update(client_wait_ms_p50=float(np.percentile(waits, 50)), client_wait_ms_p95=float(np.percentile(waits, 95)))
        out["max_gap_between_updates_s"] = float(np.max(np.diff(heard))) if len(heard) > 1 else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--model", default="ballroom")
    parser.add_argument("--threads", type=int, default=2, help="torch/OpenMP threads of the server")
    parser.add_argument("--live-seconds", type=float, default=40.0, help="real-time live stream (0: skip it)")
    parser.add_argument("--fast-live-seconds", type=float, default=300.0, help="as-fast-as-possible stream (0: skip it)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        model, model_text = model_or_stand_in(args.model, tmp / "model")
        report = {"machine": platform.machine(), "cpus": os.cpu_count(), "model": model_text,
                  "threads": args.threads, "load_average_at_start": os.getloadavg(), "uploads": [], "live": []}
        songs = [tmp / f"song{i:02d}.mp3" for i in range(args.clients)]
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda iv: write_test_song(iv[1], 180, f0=196 + 11 * iv[0], beat_s=0.42 + 0.02 * (iv[0] % 10)),
                          enumerate(songs)))
        report["song_mb"] = float(np.mean([s.stat().st_size for s in songs]) / 1e6)
        for workers in args.workers:
            with start_server(tmp, model, workers, args.threads) as server:
                row = upload_burst(server, songs, args.clients, server.rss() / MB)
                row["workers"] = workers
                report["uploads"].append(row)
                print(f"workers={workers}: p50 {row['p50_s']:.1f} s, p95 {row['p95_s']:.1f} s, "
                      f"errors {row['errors']}, peak RSS {row['peak_rss_mb']:.0f} MB", flush=True)
                if workers == args.workers[0]:  # a length of 0 skips that stream
                    if args.live_seconds > 0:
                        report["live"].append(live_stream(server, songs[0], args.live_seconds, paced=True))
                    if args.fast_live_seconds > 0:
                        report["live"].append(live_stream(server, songs[1], args.fast_live_seconds, paced=False))
    report["load_average_at_end"] = os.getloadavg()

    print(f"\n{args.clients} concurrent uploads of a 3-minute 44.1 kHz stereo mp3 ({report['song_mb']:.1f} MB), "
          f"model {report['model']}, {args.threads} torch threads, {report['cpus']} CPUs")
    print(f"{'workers':>8}{'p50':>9}{'p95':>9}{'max':>9}{'songs/min':>11}{'errors':>8}{'idle RSS':>10}{'peak RSS':>10}")
    for r in report["uploads"]:
        print(f"{r['workers']:>8}{r['p50_s']:>8.1f}s{r['p95_s']:>8.1f}s{r['max_s']:>8.1f}s"
              f"{r['throughput_songs_per_min']:>11.1f}{r['errors']:>8}{r['idle_rss_mb']:>8.0f}MB{r['peak_rss_mb']:>8.0f}MB")
    print("\nlive path (48 kHz 16-bit PCM in 0.25 s messages, one update per 0.5 s of audio)")
    print(f"{'stream':<26}{'updates':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'client wait p50':>17}")
    for r in report["live"]:
        kind = f"{r['seconds']:.0f} s {'real time' if r['paced'] else 'as fast as possible'}"
        wait = f"{r['client_wait_ms_p50']:.0f} ms" if "client_wait_ms_p50" in r else "-"
        print(f"{kind:<26}{r['updates']:>8}{r['processing_ms_p50']:>9.1f}{r['processing_ms_p95']:>9.1f}"
              f"{r['processing_ms_max']:>9.1f}{wait:>17}")
    print(f"load average at start {report['load_average_at_start'][0]:.1f}, at end {report['load_average_at_end'][0]:.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
