"""`recipes/video_classification.py photos` end to end on a generated photo folder (tiny, 1 epoch)."""

import json
from pathlib import Path

import numpy as np
from PIL import Image
from recipe_loader import load_recipe

from dancekit.video.frames import resize



def _recipe():
    return load_recipe("video_classification")


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


def test_photo_recipe_groups_trains_reports_and_ships_a_loadable_model(tmp_path, capsys, one_torch_thread):
    from dancekit.models.files import read_card
    from dancekit.models.video_cnn import load_video_model

    photos = _photo_folder(tmp_path / "photos")
    argv = ["photos", "--data", str(photos), "--out", str(tmp_path / "run"), "--archs", "squeezenet1_0",
            "--size", "32", "--epochs", "1", "--folds", "2", "--threads", "1", "--report", str(tmp_path / "report"),
            "--model-out", str(tmp_path / "model")]
    assert _recipe().main(argv) == 0
    out = capsys.readouterr().out
    assert '"groups": 21' in out  # 3 recordings + 18 distinct photos
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["grouping"]["per_class"]["joget"] == {"images": 14, "groups": 7, "largest": [8, 1, 1, 1],
                                                         "singletons": 6}
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
    _recipe().main(argv)
    again = json.loads((tmp_path / "run" / "results.json").read_text())
    assert again["ship"]["result"]["seconds"] == results["ship"]["result"]["seconds"]


def test_photo_recipe_bad_folder_is_one_line_and_exit_2(tmp_path, capsys):
    assert _recipe().main(["photos", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "missing" in err[0]
