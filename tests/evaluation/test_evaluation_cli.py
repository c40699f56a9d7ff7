import json
import math

import pytest
from evaluation_fixtures import make_gtzan, run_cli

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_list_names_every_table(capsys):
    assert run_cli(["evaluate", "--list"]) == 0
    out = capsys.readouterr().out
    for table in ("paper1-table6", "paper2-gtzan", "paper2-ballroom", "paper2-extended-ballroom", "paper3-table2",
                  "gtzan-mini"):
        assert table in out
    assert "densenet161, resnet18, resnext50_32x4d, vgg16" in out and "BallroomData/<Dance>" in out


def test_evaluate_runs_every_fold_resumes_and_writes_the_report(tmp_path, capsys):
    data = make_gtzan(tmp_path / "gtzan", genres=("blues", "jazz"), per_genre=3)
    work, out = tmp_path / "work", tmp_path / "report"
    argv = ["evaluate", "paper2-gtzan", "--data", str(data), "--work", str(work), "--out", str(out),
            "--models", "bbnn,svm", "--folds", "3", "--max-epochs", "1"]
    assert run_cli(argv) == 0
    printed = capsys.readouterr().out
    assert "bbnn fold 2:" in printed and f"report: {out / 'report.md'}" in printed
    results = sorted(work.glob("*/fold*/result.json"))
    assert [f"{p.parent.parent.name}/{p.parent.name}" for p in results] == [
        "bbnn/fold00", "bbnn/fold01", "bbnn/fold02", "svm/fold00", "svm/fold01", "svm/fold02"]
    fold = json.loads(results[0].read_text())
    assert fold["sizes"] == {"train": 2, "val": 2, "test": 2} and len(fold["training"]["history"]) == 1
    # the 0.5 s clips are shorter than BBNN's 30 s segment: looped, so trained on and scored, not skipped
    assert math.isfinite(fold["training"]["history"][0]["train_loss"])
    assert all(math.isfinite(p) for row in fold["test_recording_probs"] for p in row)
    folds = [json.loads(r.read_text())["metrics"]["recording_top1"] for r in results[:3]]
    summary = json.loads((work / "bbnn" / "summary.json").read_text())["summary"]["recording_top1"]
    assert all(0.0 <= f <= 1.0 for f in folds) and abs(summary["mean"] - sum(folds) / 3) < 1e-9
    report = (out / "report.md").read_text()
    assert report.startswith("# Paper 2: BBNN on GTZAN")
    assert "| bbnn | 3 |" in report and "| svm (72-d features, RBF) | 3 |" in report
    assert "6 recordings" in report and "bbnn at most 1 epoch(s)" in report
    assert (out / "bbnn_confusion.png").stat().st_size > 1000 and (out / "bbnn_curves.png").is_file()

    stamps = {p: p.stat().st_mtime_ns for p in results}
    (out / "report.md").unlink()
    assert run_cli(argv) == 0  # every fold is done: nothing is trained again, the report is rewritten
    assert " fold " not in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in results} == stamps and (out / "report.md").is_file()
    assert not list(work.glob("*/fold*/checkpoint.pt"))

    # a different recipe in the same work folder is refused, before any training
    assert run_cli([*argv[:-1], "2"]) == 2
    assert "trained with another recipe" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["evaluate", "paper9", "--data", "{data}", "--work", "{work}"], "unknown table 'paper9'"),
    (["evaluate", "paper2-gtzan", "--data", "{data}", "--work", "{work}", "--models", "lenet"], "unknown model"),
    (["evaluate", "paper2-gtzan", "--data", "{data}/missing", "--work", "{work}"], "data folder not found"),
    (["evaluate", "paper2-ballroom", "--data", "{data}", "--work", "{work}"], "no Ballroom tracks"),
    (["evaluate", "paper2-gtzan", "--data", "{data}", "--work", "{work}", "--folds", "3", "--only-folds", "5"],
     "fold 5 does not exist"),
    (["evaluate", "paper2-gtzan", "--data", "{data}", "--work", "{work}", "--folds", "9"], "cannot make 9 parts"),
    (["evaluate", "paper2-gtzan", "--data", "{data}"], "--work is required"),
    (["evaluate"], "name a table"),
])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, capsys, argv, message):
    data = make_gtzan(tmp_path / "gtzan", genres=("blues", "jazz"), per_genre=3)
    argv = [a.format(data=data, work=tmp_path / "work") for a in argv]
    assert run_cli(argv) == 2
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in captured.err
    assert not (tmp_path / "work" / "bbnn").exists()
