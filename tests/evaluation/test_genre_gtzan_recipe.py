"""`recipes/genre_gtzan.py` end to end on a generated GTZAN layout: cv, report, ship (tiny, 1 epoch)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from evaluation_fixtures import make_gtzan

from dancekit.data.labels import GTZAN_GENRES
from dancekit.models.files import load_model

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "genre_gtzan.py"


def _run(*argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RECIPE), *map(str, argv)], capture_output=True, text=True, timeout=600)


@pytest.mark.usefixtures("one_torch_thread")
def test_recipe_cross_validates_reports_and_ships_a_genre_model(tmp_path):
    data = make_gtzan(tmp_path / "gtzan", genres=("blues", "jazz"), per_genre=3)
    work, model = tmp_path / "work", tmp_path / "model"
    common = ["--data", data, "--work", work, "--folds", 3, "--max-epochs", 1]

    early = _run("ship", *common, "--model", "bbnn", "--out", model)  # no cross-validation yet: nothing to report
    assert early.returncode != 0 and "Traceback" not in early.stderr
    assert early.stderr.strip().startswith("error: ") and "summary.json" in early.stderr and not model.exists()

    proc = _run("cv", *common, "--models", "bbnn")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "bbnn fold 2:" in proc.stdout
    proc = _run("report", "--work", work, "--out", tmp_path / "report", "--data-note", "six generated tones")
    assert proc.returncode == 0 and (tmp_path / "report" / "report.md").is_file()

    proc = _run("ship", *common, "--model", "bbnn", "--out", model, "--data-note", "six generated tones")
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = load_model(model)
    card = loaded.card
    assert card.name == "genre" and card.task == "genre" and card.classes == list(GTZAN_GENRES)
    assert card.training["train_clips"] == 4 and card.training["validation_clips"] == 2
    assert card.training["data"] == "six generated tones" and card.training["best_epoch"] == 1
    summary = json.loads((work / "bbnn" / "summary.json").read_text())["summary"]
    assert card.metrics["cross_validation"]["folds"] == 3
    assert card.metrics["cross_validation"]["recording_top1"] == summary["recording_top1"]
    assert not (model / "checkpoint.pt").exists()
