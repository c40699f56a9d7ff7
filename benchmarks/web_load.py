"""How does ``dancekit serve`` hold up? Concurrent uploads and the live path, on a local server.

Starts the server (``python -m dancekit.web``, the built-in model, on 127.0.0.1) in a child
process, then:

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
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results" / "web_load.json"


def make_song(path: Path, seconds: float, variant: int) -> None:
    """A stereo mp3 with a beat and harmony; each variant has its own tempo and pitch."""
    beat = 0.42 + 0.02 * (variant % 10)  # 143..105 BPM
    f0 = 196 + 11 * variant
    expr = (f"0.25*sin(2*PI*{f0}*t)*(0.5+0.5*sin(2*PI*1.5*t))+0.2*sin(2*PI*{1.5 * f0:.1f}*t)"
            f"+0.4*exp(-30*mod(t\\,{beat:.2f}))*sin(2*PI*60*t)+0.05*(random(0)-0.5)")
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    f"aevalsrc={expr}|{expr}:s=44100:d={seconds}", "-c:a", "libmp3lame", "-b:a", "160k", str(path)],
                   check=True)


def model_or_stand_in(name: str, folder: Path) -> tuple[str, str]:
    """The named model, or (when it is not installed) an untrained ResNet-18 of the same shape:
    speed and memory do not depend on the weights' values."""
    from dancekit.models import builtin_models

    if name not in builtin_models() and not Path(name).is_dir():
        from dancekit.dances import DANCE_NAMES
        from dancekit.features import DANCE_CNN_MEL
        from dancekit.models import ModelCard, build_dance_cnn, save_model

        card = ModelCard(name="bench-resnet18", task="dance", architecture="resnet18", classes=list(DANCE_NAMES),
                         frontend=DANCE_CNN_MEL.to_dict(), summary="untrained, for speed measurement only")
        save_model(build_dance_cnn("resnet18", len(DANCE_NAMES)), card, folder)
        return str(folder), f"untrained resnet18 ({name} not installed)"
    return name, name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m dancekit.web`` in a child process, with its memory sampled in the background."""

    def __init__(self, model: str, workers: int, threads: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dancekit.web", "--port", str(self.port), "--model", model,
             "--workers", str(workers), "--max-queue", "64", "--uploads-per-minute", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()

    def __enter__(self):
        import httpx2

        deadline = time.monotonic() + 300
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read()[-2000:]}")
            try:
                if httpx2.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in 300 s")
            time.sleep(0.2)
        self.idle_rss_mb = self.rss_mb()
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def rss_mb(self) -> float:
        import psutil

        return psutil.Process(self.process.pid).memory_info().rss / 2**20

    def high_water_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic(), int(self.rss_mb())))
            except Exception:
                return
            time.sleep(0.05)

    def peak_between(self, start: float, end: float) -> float:
        inside = [mb for t, mb in self.samples if start <= t <= end]
        return float(max(inside)) if inside else float("nan")

    def __exit__(self, *exc):
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def upload_burst(server: Server, songs: list[Path], clients: int) -> dict:
    import httpx2

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
            "idle_rss_mb": server.idle_rss_mb, "peak_rss_mb": server.peak_between(start, end + 0.2),
            "high_water_rss_mb": server.high_water_mb(),
            "labels": sorted(set(o[2] for o in outcomes if o[1] == 200))}


def live_stream(server: Server, song: Path, seconds: float, paced: bool) -> dict:
    """Stream ``seconds`` of ``song`` as the page does; collect the server's per-update processing time."""
    from websockets.sync.client import connect

    from dancekit import audio

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
    parser.add_argument("--live-seconds", type=float, default=40.0)
    parser.add_argument("--fast-live-seconds", type=float, default=300.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        model, model_text = model_or_stand_in(args.model, tmp / "model")
        report = {"machine": platform.machine(), "cpus": os.cpu_count(), "model": model_text,
                  "threads": args.threads, "load_average_at_start": os.getloadavg(), "uploads": [], "live": []}
        songs = [tmp / f"song{i:02d}.mp3" for i in range(args.clients)]
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda iv: make_song(iv[1], 180, iv[0]), enumerate(songs)))
        report["song_mb"] = float(np.mean([s.stat().st_size for s in songs]) / 1e6)
        for workers in args.workers:
            with Server(model, workers, args.threads) as server:
                row = upload_burst(server, songs, args.clients)
                row["workers"] = workers
                report["uploads"].append(row)
                print(f"workers={workers}: p50 {row['p50_s']:.1f} s, p95 {row['p95_s']:.1f} s, "
                      f"errors {row['errors']}, peak RSS {row['peak_rss_mb']:.0f} MB", flush=True)
                if workers == args.workers[0]:
                    report["live"].append(live_stream(server, songs[0], args.live_seconds, paced=True))
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
    from dancekit.fileio import atomic_write_text

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS, json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
