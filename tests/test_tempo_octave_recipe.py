import subprocess
import sys

from recipe_paths import RECIPES


def test_a_folder_that_is_no_corpus_is_one_line_and_a_failure(tmp_path):
    proc = subprocess.run([sys.executable, str(RECIPES / "tempo_octave.py"), "--corpus", str(tmp_path),
                           "--gtzan", str(tmp_path), "--annotations", str(tmp_path), "--work", str(tmp_path / "w")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert proc.stderr.startswith("error: ") and "manifest.csv" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
