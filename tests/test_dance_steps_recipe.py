"""``recipes/dance_steps.py`` end to end on a generated Tang folder: every sub-command runs as a user
types it (prepare, train on a machine without audio libraries, evaluate, ship, movement, beatphase)."""

import json
import os
import subprocess
import sys

import pytest
from recipe_paths import RECIPES
from tang_fixture import write_tang_folder

from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.training.step_data import STEP_DANCES, read_step_dataset

RECIPE = RECIPES / "dance_steps.py"
AUDIO_LIBS = ("librosa", "soundfile", "av", "soxr", "mir_eval", "scipy", "matplotlib", "torchvision", "sklearn")
pytestmark = pytest.mark.slow  # each run starts Python with torch (and librosa): about 5 s each

TINY_TRAIN = ["--size", "tiny", "--steps", "3", "--batch", "2", "--sequence", "10", "--val-every", "2",
              "--checkpoint-every", "2", "--device", "cpu", "--quiet"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """One numba cache for every run (the beat tracker compiles once), one torch thread."""
    cache = os.environ.get("NUMBA_CACHE_DIR") or str(tmp_path_factory.mktemp("numba"))
    return {**os.environ, "NUMBA_CACHE_DIR": cache, "OMP_NUM_THREADS": "1"}


def recipe(env, *argv, code=None):
    """Run the recipe (or, with ``code``, Python that runs it) and return the finished process."""
    command = [sys.executable, "-c", code] if code else [sys.executable, str(RECIPE), *map(str, argv)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def ok(done):
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def work(tmp_path_factory, env):
    """The Tang folder, the prepared file and a tiny trained model, made by the recipe itself."""
    root = tmp_path_factory.mktemp("steps")
    tang = write_tang_folder(root / "tang")
    ok(recipe(env, "prepare", root / "steps.npz", "--tang", tang, "--include-test", "--no-retime"))
    # train as on a bare GPU machine: importing any audio library would fail
    code = ("import sys, runpy\nfor m in %r: sys.modules[m] = None\nsys.argv = %r\n"
            "try:\n    runpy.run_path(%r, run_name='__main__')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "bad = sorted(m for m in %r if sys.modules.get(m) is not None)\nassert not bad, bad\n"
            % (AUDIO_LIBS, ["dance_steps.py", "train", str(root / "steps.npz"), "--out", str(root / "model"),
                            *TINY_TRAIN], str(RECIPE), AUDIO_LIBS))
    trained = ok(recipe(env, code=code))
    return root, tang, trained


def test_prepare_writes_every_song_with_its_side(work):
    root, _, _ = work
    arrays, meta = read_step_dataset(root / "steps.npz")
    assert [str(n) for n in arrays["names"]] == ["DANCE_W_1", "DANCE_W_2", "DANCE_W_3"]
    assert [str(s) for s in arrays["side"]] == ["test", "val", "train"]
    assert meta["dances"] == list(STEP_DANCES) and meta["capture_clock_fallback"] is None
    assert arrays["codes"].shape[1:] == (129, 5) and len(arrays["motion"]) == arrays["offsets"][-1]
    assert abs(arrays["motion"][arrays["offsets"][2]:]).max() <= 1.0 + 1e-3  # normalised on the train song


def test_train_without_audio_libraries_writes_a_loadable_model(work):
    root, _, printed = work
    assert "3 steps" in printed and "best step" in printed
    model = load_dance_rnn(root / "model")
    assert model.card.training["trained_on"] == ["DANCE_W_3"] and model.card.training["validated_on"] == ["DANCE_W_2"]


def test_evaluate_then_ship(work, env):
    root, tang, _ = work
    report = root / "report"
    printed = ok(recipe(env, "evaluate", "--model", root / "model", "--out", report, "--tang", tang,
                        "--conditions", "clean,white20", "--threads", "1"))
    assert "2 songs, 6 rows" in printed  # test and train songs by default
    rows = json.loads((report / "results.json").read_text())
    assert {(r["method"], r["condition"]) for r in rows} == {("Dancer", "clean"), ("S2S-MC", "clean"),
                                                               ("S2S-MC", "white20")}
    assert [r["trained"] for r in rows if r["method"] == "Dancer"] == [False, True]
    assert "## Untrained (held-out) songs" in (report / "report.md").read_text()
    assert (report / "fscore_untrained.png").stat().st_size > 1000
    shipped = root / "dance_steps"
    ok(recipe(env, "ship", "--model", root / "model", "--results", report / "results.json", "--out", shipped))
    card = json.loads((shipped / "model.json").read_text())
    assert card["name"] == "dance_steps" and card["metrics"]["evaluation"]["S2S-MC"]["clean"]["songs"] == 1


def test_movement(work, env):
    root, tang, _ = work
    out = root / "movement.json"
    ok(recipe(env, "movement", "--model", root / "model", "--label", "tiny", "--out", out, "--tang", tang,
              "--seconds", "6"))
    (row,) = json.loads(out.read_text())
    assert row["song"] == "DANCE_W_1" and row["real_limb"] > 0 and 0 <= row["tiny_smooth"] <= 1.0 + 1e-9


def test_beatphase(work, env):
    root, tang, _ = work
    out = root / "beat_phase.json"
    printed = ok(recipe(env, "beatphase", "--model", root / "model", "--out", out, "--tang", tang, "--songs", "test",
                        "--tolerance", "0", "--null", "20", "--seconds", "0"))
    data = json.loads(out.read_text())
    assert [r["method"] for r in data["rows"]] == ["Dancer", "model"]
    assert data["summary"]["test"]["model"]["all"]["stretched@0"]["songs"] == 1
    assert "| test | Dancer | all | stretched@0 |" in printed


@pytest.mark.parametrize("argv, message", [
    (["beatphase", "--out", "{tmp}/x.json", "--tolerance", "a"], "--tolerance"),
    (["beatphase", "--out", "{tmp}/x.json", "--model", "m", "--label", "a", "--label", "b"], "--label"),
    (["beatphase", "--out", "{tmp}/x.json", "--stretch", "3"], "--stretch"),
    (["movement", "--model", "m", "--label", "a", "--label", "b", "--out", "{tmp}/x.json"], "--label"),
    (["evaluate", "--model", "m", "--out", "{tmp}/r", "--conditions", "clean,rain20"], "rain20"),
    (["prepare", "{tmp}/s.npz", "--tang", "{tmp}/missing"], "missing"),
    (["ship", "--model", "dance_steps", "--results", "{tmp}/missing.json", "--out", "{tmp}/m"], "missing.json"),
])
def test_bad_input_is_one_line_and_non_zero(argv, message, tmp_path, env):
    done = recipe(env, *[a.format(tmp=tmp_path) for a in argv])
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], \
        done.stderr[-2000:]
