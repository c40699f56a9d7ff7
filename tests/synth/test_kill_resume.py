"""``dancekit synth`` killed with SIGKILL mid-build, then rerun: nothing partial looks finished, nothing is lost.

The finished corpus must be byte for byte the one an uninterrupted build with the same seed
writes (other worker count too): a clip depends only on ``(seed, index)``.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from dancekit.synth.corpus import build_corpus

FONT = "/usr/share/sounds/sf2/TimGM6mb.sf2"  # the quickest to load of the GM soundfonts
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("mma") is None or shutil.which("fluidsynth") is None
                                 or not Path(FONT).is_file(), reason="needs Debian packages mma, fluidsynth, timgm6mb-soundfont")]
DANCES = ("Samba", "Tango")
PER_DANCE, SEED, DURATION, SR = 2, 3, 4.0, 22050
ARGS = ["--per-dance", str(PER_DANCE), "--dances", ",".join(DANCES), "--no-other", "--duration", str(DURATION),
        "--seed", str(SEED), "--degrade-fraction", "0.5"]
N_CLIPS = PER_DANCE * len(DANCES)
# The CLI as users run it; MANIFEST_EVERY_S = 0 makes the build list its progress after every
# clip, so a kill always lands on a corpus with an interim listing to check.
CLI = ("import sys; import dancekit.synth.corpus as c; c.MANIFEST_EVERY_S = 0.0; "
       "from dancekit.cli import main; sys.exit(main(sys.argv[1:]))")


def _env():
    return {**os.environ, "DANCEKIT_SOUNDFONTS": FONT}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same corpus built in one go, with one worker."""
    root = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANCEKIT_SOUNDFONTS", FONT)
        summary = build_corpus(root, PER_DANCE, seed=SEED, workers=1, duration=DURATION, degrade_fraction=0.5,
                               include_other=False, dances=DANCES, progress=False)
    assert summary["rendered"] == N_CLIPS and not summary["failed"]
    return root


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_build_left_running():
    """A failing test must not leave a build (and its workers) running behind it."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _start(out: Path, workers: int = 2) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", CLI, "synth", str(out), *ARGS, "--workers", str(workers)],
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # its own process group: workers, mma and all
    _STARTED.append(proc)
    return proc


def _wait_for_clips(proc: subprocess.Popen, out: Path, listed: bool = False, timeout: float = 120) -> None:
    """Wait until a clip is finished (its meta file is the last thing written) and, if ``listed``, listed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = (out / "meta").is_dir() and any((out / "meta").glob("*.json"))
        if done and (not listed or any((out / name).exists() for name in ("manifest.csv", "manifest.partial.csv"))):
            return
        assert proc.poll() is None, f"synth ended before it was killed:\n{proc.stdout.read()}"
        time.sleep(0.02)
    raise AssertionError("no clip finished (and listed) in time")


def _group_gone(pgid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def _kill_group(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert _group_gone(proc.pid, 30), "processes of the killed build are still running"


def _final_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _check_nothing_partial_looks_finished(root: Path) -> set[str]:
    """Every file under a final name is whole, and every listing names only whole clips; returns finished clips."""
    n = int(DURATION * SR)
    for audio in (root / "audio").iterdir():
        if audio.name.startswith("."):
            assert audio.name.endswith(".tmp"), audio  # a half-written file is a hidden temporary
            continue
        assert sf.info(audio).frames == n, audio
        assert len(sf.read(audio)[0]) == n, audio  # decodes to the end
    finished = set()
    for meta in (root / "meta").glob("*.json"):
        rows = json.loads(meta.read_text())
        assert all((root / r["file"]).is_file() for r in rows), meta
        finished |= {r["file"] for r in rows}
    assert not (root / "manifest.csv").exists(), "a corpus still missing clips has a final manifest"
    partial = root / "manifest.partial.csv"
    if partial.exists():
        with open(partial) as f:
            listed = {r["file"] for r in csv.DictReader(f)}
        assert listed <= finished, listed - finished
    return finished


def _assert_same_corpus(root: Path, reference: Path) -> None:
    assert _final_files(root) == _final_files(reference)
    for name in _final_files(reference):
        assert (root / name).read_bytes() == (reference / name).read_bytes(), name


def _finish(out: Path) -> str:
    """Rerun the command to the end (one worker: spawning more costs more than it saves here)."""
    proc = _start(out, workers=1)
    output, _ = proc.communicate(timeout=180)
    assert proc.returncode == 0, output
    return output


def test_killed_build_resumes_to_the_uninterrupted_corpus(reference, tmp_path):
    out = tmp_path / "corpus"
    proc = _start(out)
    _wait_for_clips(proc, out, listed=True)  # the kill lands after the build listed its progress
    _kill_group(proc)
    finished = _check_nothing_partial_looks_finished(out)
    assert 0 < len([f for f in finished if "_phone" not in f]) < N_CLIPS, "the kill should land mid-build"
    kept = len(list((out / "meta").glob("*.json")))
    output = _finish(out)
    assert f"{N_CLIPS - kept} clips rendered, {kept} already there, 0 failed" in output, output
    assert not (out / "manifest.partial.csv").exists()
    _assert_same_corpus(out, reference)


def test_a_killed_worker_stops_the_build_and_a_rerun_finishes_it(reference, tmp_path):
    """The out-of-memory killer takes one worker, not the group: the build must end, not wait forever."""
    import psutil

    out = tmp_path / "corpus"
    proc = _start(out)
    _wait_for_clips(proc, out)
    workers = [c for c in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(c.cmdline())]
    assert workers, "no worker process found"
    workers[0].kill()
    try:
        output, _ = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        raise AssertionError("synth hangs after one of its workers was killed") from None
    assert proc.returncode != 0 and "rerun" in output, output
    _check_nothing_partial_looks_finished(out)
    _finish(out)
    _assert_same_corpus(out, reference)


def test_workers_end_with_a_killed_build(tmp_path):
    """A SIGKILL of the build process alone leaves no worker rendering on into the corpus."""
    out = tmp_path / "corpus"
    proc = _start(out)
    _wait_for_clips(proc, out)
    proc.kill()
    proc.wait(timeout=30)
    proc.stdout.close()
    finished = len(list((out / "meta").glob("*.json")))
    assert _group_gone(proc.pid, 10), "workers of the killed build still run 10 s later"
    assert len(list((out / "meta").glob("*.json"))) == finished, "a clip was finished after the build was killed"
    _check_nothing_partial_looks_finished(out)
