"""`dancekit video FILE...`: same conventions as `dancekit identify` (ranked list, --json, exit codes)."""

import argparse
import json

import numpy as np
import pytest

from dancekit.errors import DancekitError, ModelError
from dancekit.video.cli import add_parser
from dancekit.video.frames import write_video


def _run(argv, capsys):
    parser = argparse.ArgumentParser(prog="dancekit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["video", *argv])
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def _bar_video(path, top: bool, seconds=4, seed=0):
    """Frames like the easy training set: a bright bar at the top (or the bottom) over noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(seconds * 5):
        img = rng.integers(0, 90, (48, 48, 3), dtype=np.uint8)
        rows = slice(4, 16) if top else slice(32, 44)
        img[rows, 8:-8] = 230
        frames.append(img)
    return write_video(path, frames, fps=5)


def test_names_the_class_of_each_video_in_a_ranked_list(easy_model, tmp_path, capsys):
    up, down = _bar_video(tmp_path / "up.mp4", True), _bar_video(tmp_path / "down.mp4", False, seed=1)
    code, out, _ = _run([str(up), str(down), "--model", str(easy_model), "--top", "2"], capsys)
    assert code == 0
    blocks = out.strip().split("\n" + str(down))
    assert "1. top" in blocks[0] and "1. bottom" in blocks[1]
    assert "frames: 4 of 4 used" in out


def test_json_output_and_unreadable_files(easy_model, tmp_path, capsys):
    up = _bar_video(tmp_path / "up.mp4", True)
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    code, out, _ = _run([str(up), str(bad), "--model", str(easy_model), "--json", "--fps", "2"], capsys)
    assert code == 3
    records = json.loads(out)
    assert records[0]["label"] == "top" and records[0]["status"] == "ok"
    assert abs(sum(records[0]["probabilities"].values()) - 1) < 1e-4
    assert records[0]["frames"]["extracted"] == 8 and len(records[0]["frames"]["probabilities"]) >= 1
    assert records[1] == {"file": str(bad), "status": "error", "error": records[1]["error"]}
    assert "not a readable video" in records[1]["error"]


def test_blank_frames_are_left_out_of_the_decision(easy_model, tmp_path, capsys):
    rng = np.random.default_rng(0)
    frames = []
    for k in range(6):
        if k % 2:
            frames.append(np.zeros((48, 48, 3), np.uint8))  # black frames between the informative ones
        else:
            img = rng.integers(0, 90, (48, 48, 3), dtype=np.uint8)
            img[32:44, 8:-8] = 230
            frames.append(img)
    path = write_video(tmp_path / "flicker.mp4", frames, fps=1)
    code, out, _ = _run([str(path), "--model", str(easy_model), "--json"], capsys)
    record = json.loads(out)[0]
    assert code == 0 and record["frames"]["used"] == 3 and record["frames"]["dropped"] == {"black": 3}
    assert record["label"] == "bottom"


def test_missing_model_is_a_model_error(tmp_path, capsys):
    with pytest.raises(ModelError) as err:
        _run([str(tmp_path / "x.mp4"), "--model", str(tmp_path / "nowhere")], capsys)
    assert isinstance(err.value, DancekitError) and err.value.exit_code == 4


def test_bad_options_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as err:
        _run(["x.mp4", "--fps", "0"], capsys)
    assert err.value.code == 2
