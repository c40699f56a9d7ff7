"""`recipes/video_classification.py` end to end on a generated photo folder (tiny, 1 epoch): `photos`, then `train`."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from dancekit.video.frames import resize

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "video_classification.py"


def _run(*argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RECIPE), *map(str, argv)], capture_output=True, text=True, timeout=600)


def _photo_folder(root: Path) -> Path:
    """Per class: 8 frames of one recording (fixed background, moving dancer) and 6 distinct photos."""
    rng = np.random.default_rng(0)
    for c, cls in enumerate(("apsara", "joget", "zapin")):
        folder = root / cls
        folder.mkdir(parents=True)
        stage = resize(rng.integers(0, 256, (4, 4, 3), dtype=np.uint8), 48, 64)
        for k in range(8):
            img = stage.copy()
            img[12:40, 4 + 6 * k:12 + 6 * k] = (60 * c, 200, 40)
            Image.fromarray(img).save(folder / f"rec_{k}.jpg", quality=92)
        for k in range(6):
            img = resize(rng.integers(0, 256, (4, 4, 3), dtype=np.uint8), 64, 48).copy()
            img[20:40, 16:32] = (60 * c, 200, 40)
            Image.fromarray(img).save(folder / f"photo_{k}.jpg", quality=92)
    return root


def test_recipe_groups_trains_reports_and_ships_loadable_models(tmp_path):
    from dancekit.models.files import read_card
    from dancekit.models.video_cnn import load_video_model

    photos = _photo_folder(tmp_path / "photos")
    argv = ["photos", "--data", photos, "--out", tmp_path / "run", "--archs", "squeezenet1_0",
            "--size", "32", "--epochs", "1", "--folds", "2", "--threads", "1", "--report", tmp_path / "report",
            "--model-out", tmp_path / "model", "--device", "cpu"]
    proc = _run(*argv)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"groups": 21' in proc.stdout  # 3 recordings + 18 distinct photos
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["grouping"]["per_class"]["joget"] == {"images": 14, "groups": 7, "largest": [8, 1, 1, 1],
                                                         "singletons": 6}
    assert results["learning_rates"] == {"squeezenet1_0": 3e-4} and results["recipe"]["learning_rate"] == 1e-3
    held = set(results["ship"]["val_groups"])
    assert len(held) == 6 and not any(g.startswith(("apsara/rec", "joget/rec", "zapin/rec")) for g in held)
    card = read_card(tmp_path / "model")
    assert card.name == "video_dance" and card.classes == ["apsara", "joget", "zapin"]
    assert card.frontend["image_size"] == 32 and "only 3" in card.summary
    assert sorted(card.training["held_out"]) == sorted(held)
    assert set(card.metrics["cross_validation"]) >= {"how", "squeezenet1_0"}
    loaded = load_video_model(tmp_path / "model")  # float16 on disk, float32 network
    assert next(loaded.network.parameters()).dtype.is_floating_point
    text = (tmp_path / "report" / "report.md").read_text()
    assert "single photos, not videos" in text and "| squeezenet1_0 |" in text and "21 groups" in text
    for name in ("accuracy_curves.png", "near_duplicate_merges.png", "confusion_cv_squeezenet1_0.png",
                 "confusion_shipped_held_out.png", "top_losses_cv_squeezenet1_0.png"):
        assert (tmp_path / "report" / name).stat().st_size > 1000
    # a rerun reads every finished run back instead of training again
    assert _run(*argv).returncode == 0
    again = json.loads((tmp_path / "run" / "results.json").read_text())
    assert again["ship"]["result"]["seconds"] == results["ship"]["result"]["seconds"]

    # paper 4's frame recipe on the same folder: both splits, the report and a model of the video split
    proc = _run("train", "--data", photos, "--out", tmp_path / "frames", "--archs", "squeezenet1_0", "--size", 32,
                "--epochs", 1, "--batch", 16, "--device", "cpu", "--model-out", tmp_path / "frame_model")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "frame squeezenet1_0" in proc.stdout and "video squeezenet1_0" in proc.stdout
    card = read_card(tmp_path / "frame_model")
    assert card.architecture == "squeezenet1_0" and set(card.metrics) == {"frame", "video"}
    assert not set(card.training["train_groups"]) & set(card.training["val_groups"])
    assert card.training["data"] == {"source": str(photos), "layout": "image folder"}
    assert load_video_model(tmp_path / "frame_model").card.classes == ["apsara", "joget", "zapin"]
    assert (tmp_path / "frames" / "report" / "report.md").is_file()
