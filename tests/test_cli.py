"""The command line: output for people and programs, exit codes, and one-line errors."""

import json
import subprocess
import sys

import pytest
import soundfile as sf
from toy_audio import CLASSES, SR, toy_recording

from dancekit.cli import EXIT_AUDIO, EXIT_MODEL, EXIT_OK, main


def _write(path, label=0, seconds=12.0):
    sf.write(path, toy_recording(label, seconds, seed=50 + label), SR)
    return str(path)


def test_identify_prints_top_k_and_tempo(toy_model, tmp_path, capsys):
    song = _write(tmp_path / "song.wav", label=0)
    assert main(["identify", song, "--model", str(toy_model.path), "--top", "2"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "1. Toy Waltz" in out and "2. Toy Jive" in out
    assert "tempo:" in out and "BPM" in out


def test_identify_json_for_several_files_with_one_bad(toy_model, tmp_path, capsys):
    good = _write(tmp_path / "jive.wav", label=1)
    bad = tmp_path / "notes.mp3"
    bad.write_text("these are my dance notes, not audio\n")
    code = main(["identify", good, str(bad), "--model", str(toy_model.path), "--json"])
    assert code == EXIT_AUDIO
    records = json.loads(capsys.readouterr().out)
    assert records[0]["label"] == "Toy Jive" and records[0]["status"] == "ok"
    assert records[1] == {"file": str(bad), "status": "error", "error": "not an audio file: notes.mp3"}


def test_plot_writes_a_png_per_file(toy_model, tmp_path):
    one = _write(tmp_path / "a.wav")
    assert main(["identify", one, "--model", str(toy_model.path), "--plot", str(tmp_path / "a.png")]) == EXIT_OK
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    two = _write(tmp_path / "b.wav", label=1)
    plots = tmp_path / "plots"
    assert main(["identify", one, two, "--model", str(toy_model.path), "--plot", str(plots), "--no-tempo"]) == 0
    assert sorted(p.name for p in plots.iterdir()) == ["a.timeline.png", "b.timeline.png"]


def test_missing_model_is_a_one_line_model_error(tmp_path, capsys):
    song = _write(tmp_path / "song.wav")
    assert main(["identify", song, "--model", str(tmp_path / "no-such-model")]) == EXIT_MODEL
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no model named or found at") and "\n" not in err


@pytest.mark.parametrize("module", ["dancekit.cli", "dancekit"])
def test_console_script_gives_no_traceback_on_bad_input(toy_model, tmp_path, module):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", module, "identify", str(empty), "--model",
                           str(toy_model.path)], capture_output=True, text=True)
    assert proc.returncode == EXIT_AUDIO
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().endswith("error: empty file: empty.wav")


def test_usage_errors_exit_2(capsys):
    import pytest

    with pytest.raises(SystemExit) as exc:
        main(["identify", "x.mp3", "--top", "0"])
    assert exc.value.code == 2


def test_models_lists_builtin_cards(capsys):
    assert main(["models"]) == EXIT_OK
    assert capsys.readouterr().out.strip()


def test_classes_of_toy_model_are_reported(toy_model):
    assert toy_model.card.classes == CLASSES


def test_genre_uses_the_same_conventions_without_tempo_by_default(toy_model, tmp_path, capsys):
    song = _write(tmp_path / "song.wav", label=1)
    assert main(["genre", song, "--model", str(toy_model.path), "--json", "--top", "1"]) == EXIT_OK
    record = json.loads(capsys.readouterr().out)[0]
    assert record["label"] == "Toy Jive" and record["tempo"] is None
    assert main(["genre", song, "--model", str(toy_model.path), "--tempo"]) == EXIT_OK
    assert "tempo:" in capsys.readouterr().out
