"""Does ``dancekit serve`` stay up, and flat in memory, under a long mix of good and hostile traffic?

Starts a real server (the fuzzing harness's ``Server``: a child process on 127.0.0.1 whose
resident memory is watched) and runs two clients at once until ``--minutes`` have passed:

- uploads: in turn a good recording (a generated 30 s song as mp3, a different one each time) and
  the next hostile upload of the fuzzing harness's CI subset (forged headers, playlists, rate bombs,
  truncations, not-audio...), each judged as the harness judges it;
- live: in turn a good live session (a generated song streamed, then ``stop``) and the next hostile
  WebSocket session of the harness (bad start messages, NaN audio, binary first...).

The server's resident memory is sampled every second. Prints memory per interval and the outcome
counts, writes benchmarks/results/web_soak.json, and exits 1 on any bad outcome (crash, 5xx,
traceback, NaN, fetch...), a server restart, or memory growth over ``--max-growth-mb`` between the
end of the first interval and the end of the run. All traffic stays on the loopback interface and
the run stops by itself.

    python benchmarks/web_soak.py [--minutes 30] [--interval 5] [--model NAME]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from dancekit.fileio import atomic_write_text

RESULTS = Path(__file__).resolve().parent / "results" / "web_soak.json"


def good_upload(k: int):
    from dancekit.fuzzing import media
    from dancekit.fuzzing.cases import Case

    y = media.music(30.0, seed=k)
    return Case("soak_good", f"song-{k}", data=media.av_bytes(y, media.SR, "mp3", "libmp3lame"), filename="song.mp3",
                music=True, duration_s=30.0)


def upload_loop(server, canary, limits, deadline: float, runs: list, lock: threading.Lock) -> None:
    from dancekit.fuzzing import web
    from dancekit.fuzzing.cases import FILE, generate

    hostile = [c for c in generate("ci") if c.kind == FILE]
    k = 0
    while time.monotonic() < deadline:
        batch = [good_upload(k), hostile[k % len(hostile)]]
        got = web.run_uploads(batch, server, canary, limits)
        with lock:
            runs.extend(got)
        k += 1


def live_loop(server, limits, deadline: float, runs: list, lock: threading.Lock) -> None:
    from dancekit.fuzzing import live
    from dancekit.fuzzing.cases import WS, generate

    sessions = [c for c in generate("full", only=["live"]) if c.kind == WS]
    good = [c for c in sessions if c.music]
    hostile = [c for c in sessions if not c.music]
    k = 0
    while time.monotonic() < deadline:
        got = live.run([good[k % len(good)], hostile[k % len(hostile)]], server, limits)
        with lock:
            runs.extend(got)
        k += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=5.0, help="minutes per memory row (default 5)")
    parser.add_argument("--model", default=None, help="dance model (default: the built-in one)")
    parser.add_argument("--max-growth-mb", type=float, default=150.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from dancekit.fuzzing.canary import Canary
    from dancekit.fuzzing.outcomes import BAD
    from dancekit.fuzzing.watch import Limits
    from dancekit.fuzzing.web import Server

    limits = Limits()
    runs: list = []
    lock = threading.Lock()
    samples: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory(prefix="dancekit-soak-") as tmp:
        root = Path(tmp)
        with Canary(root / "canary") as canary, Server(root, model=args.model, limits=limits) as server:
            canary.copy_to(root)
            t0 = time.monotonic()
            deadline = t0 + args.minutes * 60
            samples.append((0.0, server.rss()))
            threads = [threading.Thread(target=upload_loop, args=(server, canary, limits, deadline, runs, lock)),
                       threading.Thread(target=live_loop, args=(server, limits, deadline, runs, lock))]
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                if server.alive:
                    samples.append((time.monotonic() - t0, server.rss()))
                time.sleep(1.0)
            starts = server.starts

    rows = []
    step = args.interval * 60
    edge = 0.0
    while edge < samples[-1][0]:
        window = [rss for t, rss in samples if edge <= t < edge + step]
        if window:
            rows.append({"from_min": round(edge / 60, 1), "to_min": round((edge + step) / 60, 1),
                         "rss_mb_end": round(window[-1] / 2**20), "rss_mb_max": round(max(window) / 2**20)})
        edge += step
    counts = Counter((r.family if r.family == "soak_good" or r.mode != "live" else "live", r.outcome) for r in runs)
    families = sorted({f for f, _ in counts})
    outcomes = sorted({o for _, o in counts})
    bad = [r for r in runs if r.outcome in BAD]
    growth = (rows[-1]["rss_mb_end"] - rows[0]["rss_mb_end"]) if len(rows) > 1 else 0

    print(f"{'minutes':>12} {'RSS end MB':>11} {'RSS max MB':>11}")
    for row in rows:
        print(f"{row['from_min']:>5.1f}-{row['to_min']:<6.1f} {row['rss_mb_end']:>11} {row['rss_mb_max']:>11}")
    print()
    print(f"{'traffic':<16}" + "".join(f"{o:>14}" for o in outcomes))
    for f in families:
        print(f"{f:<16}" + "".join(f"{counts.get((f, o), 0):>14}" for o in outcomes))
    print(f"\n{len(runs)} requests/sessions, server starts: {starts}, memory growth after the first interval: "
          f"{growth} MB, bad outcomes: {len(bad)}")
    for r in bad[:20]:
        print(f"  {r.outcome}: {r.case_id}: {r.detail}")

    result = {"minutes": args.minutes, "machine": platform.machine(), "python": platform.python_version(),
              "model": args.model or "ballroom (built-in)", "memory": rows, "server_starts": starts,
              "requests": len(runs), "growth_mb": growth,
              "counts": {f"{f}/{o}": n for (f, o), n in sorted(counts.items())},
              "bad": [{"case": r.case_id, "outcome": r.outcome, "detail": r.detail} for r in bad]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(result, indent=2))
    ok = not bad and starts == 1 and growth <= args.max_growth_mb
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
