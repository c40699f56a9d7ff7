"""The default dance recipe's Tang rotation: each fold model tests only songs it never saw, and the
cross-validation benchmark pools them through the full pipeline (tiny run on generated audio)."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import soundfile as sf
from recipe_paths import RECIPES
from toy_audio import SR, toy_recording

from dancekit.synth.corpus import MANIFEST_FIELDS

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "tang_crossval.py"
LABELS = {"W": "Slow Waltz", "C": "Cha Cha Cha"}  # toy 3/4 at 90 BPM and toy 4/4 at 170 BPM


def _corpus(root: Path) -> Path:
    rows = []
    for song in range(8):  # song 6 is the 1-in-10 synthetic validation song (hash)
        label = list(LABELS.values())[song % 2]
        name = f"audio/{song:06d}.wav"
        (root / "audio").mkdir(parents=True, exist_ok=True)
        sf.write(root / name, toy_recording(song % 2, 6.0, seed=song), SR)
        rows.append({f: "" for f in MANIFEST_FIELDS} | {"file": name, "label": label, "song": song,
                                                         "degraded": False, "duration": 6.0})
    with open(root / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return root


def _tang(root: Path) -> Path:
    for k, letter in enumerate(LABELS):
        for i in range(1, 6):
            (root / f"DANCE_{letter}_{i}").mkdir(parents=True)
            sf.write(root / f"DANCE_{letter}_{i}" / "audio.wav", toy_recording(k, 6.0, seed=100 + 10 * k + i), SR)
    return root


def _run(*argv):
    return subprocess.run([sys.executable, *map(str, argv)], capture_output=True, text=True, timeout=600)


def test_a_rotation_fold_tests_only_unseen_songs_and_pools_through_the_pipeline(tmp_path):
    corpus, tang, model = _corpus(tmp_path / "corpus"), _tang(tmp_path / "tang"), tmp_path / "fold2"
    proc = _run(RECIPES / "default_dance.py", "--corpus", corpus, "--tang", tang, "--tang-folds", 5,
                "--tang-fold", 2, "--out", model, "--steps", 2, "--batch", 4, "--eval-every", 1, "--eval-segments", 8,
                "--device", "cpu", "--half")
    assert proc.returncode == 0, proc.stderr[-2000:]
    card = json.loads((model / "model.json").read_text())
    sides = card["training"]["tang_sides"]
    assert {s for s, side in sides.items() if side == "test"} == {"DANCE_C_3", "DANCE_W_3"}
    assert {s for s, side in sides.items() if side == "val"} == {"DANCE_C_4", "DANCE_W_4"}
    test = card["metrics"]["tang_test"]
    assert sorted(test["songs"]) == ["DANCE_C_3", "DANCE_W_3"] and len(test["probabilities"][0]) == 10

    out = tmp_path / "cv.json"
    proc = _run(BENCHMARK, model, "--tang", tang, "--out", out)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    assert sorted(r["song"] for r in result["songs"]) == ["DANCE_C_3", "DANCE_W_3"]
    assert result["summary"]["songs"] == 2 and 0.0 <= result["summary"]["fused"]["top1"] <= 1.0
    by_weights = result["summary"]["top1_by_fusion_weights"]  # the default weights are the fused answer
    assert len(by_weights) == 5 and by_weights["tempo 1, meter 1"] == result["summary"]["fused"]["top1"]
    assert by_weights["tempo 0, meter 0"] == result["summary"]["network"]["top1"]

    proc = _run(BENCHMARK, model, model, "--tang", tang, "--out", tmp_path / "twice.json")
    assert proc.returncode != 0 and "tested by more than one model" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "twice.json").exists()

    proc = _run(BENCHMARK, "--merge", out, out, "--out", tmp_path / "merged.json")
    assert proc.returncode != 0 and "tested by more than one model" in proc.stderr
    proc = _run(BENCHMARK, "--merge", out, "--out", tmp_path / "merged.json")
    assert proc.returncode == 0 and json.loads((tmp_path / "merged.json").read_text())["summary"] == result["summary"]


def test_one_command_trains_every_fold_and_the_model_to_ship(tmp_path):
    corpus, tang, work = _corpus(tmp_path / "corpus"), _tang(tmp_path / "tang"), tmp_path / "work"
    env = {**os.environ, "CORPORA": str(corpus), "STEPS": "1", "DEVICE": "cpu",
           "EXTRA": "--eval-every 1 --eval-segments 4 --batch 2"}
    proc = subprocess.run(["bash", str(RECIPES / "default_dance.sh"), str(work), str(tang)], capture_output=True,
                          text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pooled = json.loads((work / "tang_crossval.json").read_text())
    assert sorted(r["song"] for r in pooled["songs"]) == sorted(p.name for p in tang.iterdir())  # each once
    card = json.loads((work / "ship" / "model.json").read_text())
    assert "test" not in card["training"]["tang_sides"].values()
    assert card["metrics"]["tang_crossval"]["songs"] == 10
    proc = subprocess.run(["bash", str(RECIPES / "default_dance.sh"), str(work), str(tmp_path / "absent")],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and proc.stderr.strip().startswith("error: Tang folder not found")


def test_domain_randomisation_with_real_music_under_the_grooves_trains_and_is_recorded(tmp_path):
    corpus, model = _corpus(tmp_path / "corpus"), tmp_path / "randomised"
    music = tmp_path / "music" / "pkg"
    music.mkdir(parents=True)
    sf.write(music / "song.wav", toy_recording(3, 8.0, seed=7), SR)
    proc = _run(RECIPES / "default_dance.py", "--corpus", corpus, "--out", model, "--steps", 2, "--batch", 4,
                "--eval-every", 1, "--eval-segments", 8, "--device", "cpu", "--randomise",
                "--background", tmp_path / "music", "--mix-probability", 1.0)
    assert proc.returncode == 0, proc.stderr[-2000:]
    training = json.loads((model / "model.json").read_text())["training"]
    assert training["settings"]["randomise"] is True and training["settings"]["mix_probability"] == 1.0
    assert training["data"]["background"]["files"] == 1
