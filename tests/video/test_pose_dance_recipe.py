"""`recipes/pose_dance.py` end to end on a generated Tang folder: split, cross-validation, report, resume."""

import json
import subprocess
import sys
from pathlib import Path

from tang_fixture import write_tang_folder

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "pose_dance.py"
SONGS = [f"DANCE_{letter}_{i}" for letter in "CRW" for i in (1, 2, 3)] + ["DANCE_T_1"]


def _run(*argv):
    return subprocess.run([sys.executable, str(RECIPE), *map(str, argv)], capture_output=True, text=True, timeout=300)


def test_recipe_trains_scores_reports_and_resumes(tmp_path):
    tang = write_tang_folder(tmp_path / "tang", songs=SONGS, seconds=6.0)
    argv = ["--tang", tang, "--out", tmp_path / "report", "--epochs", 2, "--per-class", 4, "--folds", 2,
            "--threads", 1]
    proc = _run(*argv)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "split test: window acc" in proc.stdout and "cv pooled:" in proc.stdout
    results = json.loads((tmp_path / "report" / "results.json").read_text())
    assert results["data"]["left_out"] == ["DANCE_T_1"]
    assert results["split"]["songs"]["test"] == ["DANCE_C_1", "DANCE_R_1", "DANCE_W_1"]
    assert results["split"]["test"]["songs"] == 3 and results["cv"]["pooled"]["songs"] == 9
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## Leave-songs-out cross-validation (2 folds over all 9 songs" in report
    assert "| count | " in report and (tmp_path / "report" / "confusion.png").stat().st_size > 1000

    again = _run(*argv)  # every stage is done: nothing is trained again
    assert again.returncode == 0 and "epoch 1:" not in again.stdout
    assert json.loads((tmp_path / "report" / "results.json").read_text())["split"] == results["split"]
