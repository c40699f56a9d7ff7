"""Every recipe answers a missing dataset with one line on stderr and a non-zero exit, never a traceback."""

import subprocess
import sys

import pytest
from recipe_paths import RECIPES

CASES = {
    "default_dance": ["--corpus", "{missing}", "--out", "{tmp}/model"],
    "pose_dance": ["--tang", "{missing}", "--out", "{tmp}/report"],
    "genre_gtzan": ["cv", "--data", "{missing}", "--work", "{tmp}/work"],
    "video_classification": ["photos", "--data", "{missing}", "--out", "{tmp}/run"],
}


@pytest.mark.parametrize("recipe", sorted(CASES))
def test_missing_data_is_one_line_and_non_zero(recipe, tmp_path):
    argv = [a.format(missing=tmp_path / "missing", tmp=tmp_path) for a in CASES[recipe]]
    proc = subprocess.run([sys.executable, str(RECIPES / f"{recipe}.py"), *argv], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "missing" in lines[0]
