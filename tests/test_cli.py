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


# ---------------------------------------------------------------- arguments refused before any work

def _usage_error(argv, capsys) -> str:
    """Parse ``argv`` and expect argparse to refuse it: exit 2, no traceback; return the error line."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "Traceback" not in err and "internal error" not in err
    return err.strip().splitlines()[-1]


DEVICE_COMMANDS = [["identify", "x.wav"], ["genre", "x.wav"], ["video", "x.mp4"], ["generate", "x.wav"],
                   ["dedup", "a", "b"], ["evaluate", "folders"]]


@pytest.mark.parametrize("command", DEVICE_COMMANDS, ids=lambda c: c[0])
def test_a_bogus_device_is_a_usage_error_in_every_command(command, capsys):
    assert "unknown device 'bogus'" in _usage_error([*command, "--device", "bogus"], capsys)


@pytest.mark.parametrize("command", DEVICE_COMMANDS, ids=lambda c: c[0])
def test_cuda_where_there_is_none_is_a_usage_error(command, capsys, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert _usage_error([*command, "--device", "cuda"], capsys).endswith("CUDA is not available on this machine")


def test_device_type_accepts_what_the_machine_has(monkeypatch):
    import argparse

    import torch

    from dancekit.cli_types import torch_device

    assert torch_device("cpu") == "cpu" and torch_device("CPU") == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert torch_device("cuda") == "cuda" and torch_device("cuda:1") == "cuda:1"
    for bad in ("cuda:2", "cuda:", "cpu:0", "gpu", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            torch_device(bad)


@pytest.mark.parametrize("seconds", ["-5", "0", "nan", "inf", "five"])
def test_generate_refuses_seconds_that_are_not_a_positive_number(seconds, capsys):
    assert "--seconds" in _usage_error(["generate", "x.wav", "--seconds", seconds], capsys)


@pytest.mark.parametrize("argv", [
    ["generate", "x.wav", "--seed", "-1"],
    ["video", "x.mp4", "--fps", "inf"],
    ["video", "x.mp4", "--fps", "nan"],
    ["evaluate", "folders", "--folds", "2"],
    ["evaluate", "folders", "--seed", "-3"],
    ["synth", "out", "--per-dance", "0"],
    ["synth", "out", "--workers", "0"],
    ["synth", "out", "--duration", "nan"],
    ["synth", "out", "--duration", "1e9"],
    ["synth", "out", "--degrade-fraction", "2"],
    ["synth", "out", "--sample-rate", "0"],
    ["synth", "out", "--seed", "-1"],
    ["synth", "out", "--dances", "waltz,bogus"],
], ids=lambda a: " ".join(a[:1] + a[2:]))
def test_odd_option_values_are_usage_errors(argv, capsys):
    assert argv[2] in _usage_error(argv, capsys)


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "internal error" not in err and err.startswith("error: ")
    return err


@pytest.mark.parametrize("command", ["identify", "genre"])
def test_an_unwritable_plot_is_refused_before_the_model_is_loaded(command, tmp_path, capsys):
    song = _write(tmp_path / "song.wav", seconds=1.0)
    no_model = str(tmp_path / "no-such-model")  # were the model loaded first, this would be exit 4
    assert main([command, song, "--model", no_model, "--plot", str(tmp_path / "nope" / "x.png")]) == 2
    assert "does not exist" in _one_line_error(capsys)
    (tmp_path / "afile").write_text("")
    assert main([command, song, song, "--model", no_model, "--plot", str(tmp_path / "afile")]) == 2
    assert "is a file, not a folder" in _one_line_error(capsys)


def test_plot_into_an_existing_folder_writes_the_timeline_there(toy_model, tmp_path):
    song = _write(tmp_path / "song.wav")
    (tmp_path / "plots").mkdir()
    assert main(["identify", song, "--model", str(toy_model.path), "--plot", str(tmp_path / "plots"),
                 "--no-tempo"]) == EXIT_OK
    assert (tmp_path / "plots" / "song.timeline.png").read_bytes()[:4] == b"\x89PNG"


def test_generate_checks_its_outputs_before_any_work(tmp_path, capsys):
    song = _write(tmp_path / "song.wav", seconds=1.0)
    no_model = str(tmp_path / "no-such-model")
    (tmp_path / "folder").mkdir()
    cases = [(["-o", str(tmp_path / "nope" / "x.bvh")], "does not exist"),
             (["-o", str(tmp_path / "folder")], "is a folder"),
             (["-o", str(tmp_path / "x.bvh"), "--video", str(tmp_path / "nope" / "x.mp4")], "does not exist"),
             (["-o", str(tmp_path / "x.bvh"), "--video", str(tmp_path / "folder")], "is a folder")]
    for options, message in cases:
        assert main(["generate", song, "--model", no_model, *options]) == 2, options
        assert message in _one_line_error(capsys)


def test_output_check_probes_the_folder_for_real(tmp_path, monkeypatch):
    # root passes every os.access test, so the check must try to create a file
    import tempfile

    from dancekit.cli_types import UsageError, check_output_file

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(UsageError, match="cannot write in .*Permission denied"):
        check_output_file(tmp_path / "x.bvh", "-o")


def test_evaluate_and_synth_check_their_folders_before_any_work(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("")
    data = tmp_path / "data"
    data.mkdir()
    assert main(["evaluate", "folders", "--data", str(data), "--work", str(afile)]) == 2
    assert "is a file, not a folder" in _one_line_error(capsys)
    assert main(["evaluate", "folders", "--data", str(data), "--work", str(tmp_path / "w"),
                 "--out", str(afile)]) == 2
    assert "--out" in _one_line_error(capsys)
    assert not (tmp_path / "w").exists()  # checked, not created, when the run stops early
    assert main(["synth", str(afile), "--per-dance", "1"]) == 2
    assert "is a file, not a folder" in _one_line_error(capsys)


def test_dedup_inputs_that_name_nothing_are_input_errors(tmp_path, capsys):
    song = _write(tmp_path / "song.wav", seconds=1.0)
    (tmp_path / "empty").mkdir()
    assert main(["dedup", str(tmp_path / "missing"), song]) == EXIT_AUDIO
    assert _one_line_error(capsys).startswith("error: TRAIN: not found")
    assert main(["dedup", song, str(tmp_path / "empty")]) == EXIT_AUDIO
    assert "TEST: no audio files" in _one_line_error(capsys)
    (tmp_path / "list.txt").write_bytes(b"\xff\xfe\x00bad")
    assert main(["dedup", str(tmp_path / "list.txt"), song]) == EXIT_AUDIO
    assert "cannot read" in _one_line_error(capsys)


def test_sub_command_modules_do_not_import_the_main_cli():
    code = ("import sys, dancekit.video.cli, dancekit.evaluation.cli, dancekit.motion.cli, dancekit.data.cli, "
            "dancekit.synth.cli; assert 'dancekit.cli' not in sys.modules, 'import cycle'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_max_minutes_refuses_long_recordings_by_their_header(toy_model, tmp_path, capsys):
    import numpy as np

    path = tmp_path / "long.flac"
    sf.write(path, np.zeros(SR * 150, np.int16), SR)
    assert main(["identify", str(path), "--model", str(toy_model.path), "--max-minutes", "2"]) == EXIT_AUDIO
    assert "recording too long: long.flac is 2:30 long (limit 2:00)" in capsys.readouterr().err


@pytest.mark.slow
def test_a_long_identification_stops_at_ctrl_c(toy_model, tmp_path):
    """Bounded in memory and cancellable: SIGINT ends a long run at once, with exit 130."""
    import signal
    import time

    import numpy as np
    from interruptible import default_sigint

    noise = (np.random.default_rng(0).standard_normal(SR) * 0.1).astype(np.float32)
    path = tmp_path / "long.wav"
    with sf.SoundFile(path, "w", SR, 1, subtype="PCM_16") as f:
        for _ in range(40 * 60):  # 40 minutes of noise, a segment every 4 frames: far longer than the test waits
            f.write(noise)
    proc = subprocess.Popen([sys.executable, "-m", "dancekit", "identify", str(path), "--model", str(toy_model.path),
                             "--stride", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=default_sigint)
    time.sleep(10)
    assert proc.poll() is None, "finished before it could be interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert time.monotonic() - sent < 10
