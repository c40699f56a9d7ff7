"""The ``synthetic`` table end to end on a tiny corpus rendered by ``dancekit synth``: runs, resumes,
reports, and never splits a song (a clip and its phone copy) across folds."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from evaluation_fixtures import run_cli

from dancekit.evaluation.table_runs import prepare
from dancekit.evaluation.tables import SVM, TABLES, recipe_for

FAST_FONTS = [p for p in ("/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/FluidR3_GM.sf2")
              if Path(p).is_file()]
needs_synth = pytest.mark.skipif(shutil.which("mma") is None or shutil.which("fluidsynth") is None or not FAST_FONTS,
                                 reason="needs Debian packages mma, fluidsynth and a GM soundfont")
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Three 6 s songs each of two dances, some with a phone-in-the-hall copy (``dancekit synth``)."""
    from dancekit.synth.cli import synth_main

    root = tmp_path_factory.mktemp("synth") / "corpus"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANCEKIT_SOUNDFONTS", ":".join(FAST_FONTS))  # MuseScore's sf3 takes ~6 s to load
        assert synth_main([str(root), "--per-dance", "3", "--duration", "6", "--dances", "Samba,Tango",
                           "--no-other", "--seed", "3", "--degrade-fraction", "0.5", "--workers", "1"]) == 0
    return root


def _songs_by_file(root: Path) -> dict[str, str]:
    with open(root / "manifest.csv") as handle:
        return {str(root / row["file"]): row["song"] for row in csv.DictReader(handle)}


def test_the_table_is_listed_with_paper_1s_backbones(capsys):
    assert run_cli(["evaluate", "--list"]) == 0
    out = capsys.readouterr().out
    assert "synthetic " in out and "resnet18, densenet161, resnext50_32x4d, vgg16, bbnn, prcnn_add, svm" in out
    table = TABLES["synthetic"]
    assert table.dataset == "synthetic" and table.split == "stratified"
    assert {recipe_for(m).architecture for m in table.models if m != SVM} >= {
        "resnet18", "densenet161", "resnext50_32x4d", "vgg16", "bbnn", "prcnn"}


@needs_synth
def test_no_song_is_split_across_sides(corpus, tmp_path):
    song_of = _songs_by_file(corpus)
    assert len(set(song_of.values())) == 6 and len(song_of) > 6  # some songs have a phone copy
    prep = prepare(TABLES["synthetic"], corpus, tmp_path / "work", n_folds=3)
    assert len(prep.recordings) == len(song_of) and len(prep.classes) == 10
    for fold in prep.folds:
        sides = [{song_of[str(prep.recordings[i].path)] for i in side} for side in (fold.train, fold.validation,
                                                                                     fold.test)]
        assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
        tested = {str(prep.recordings[i].path) for i in fold.test}
        assert tested == {f for f, s in song_of.items() if s in sides[2]}  # every copy of a tested song


@needs_synth
def test_the_table_runs_resumes_and_writes_its_report(corpus, tmp_path, capsys):
    work, out = tmp_path / "work", tmp_path / "report"
    argv = ["evaluate", "synthetic", "--data", str(corpus), "--work", str(work), "--out", str(out),
            "--models", "bbnn,svm", "--folds", "3", "--max-epochs", "1"]
    assert run_cli([*argv, "--only-folds", "1"]) == 0
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines() if " fold " in line] == [
        "bbnn fold 1", "svm fold 1"]
    assert run_cli(argv) == 0  # resumes: only the two missing folds are trained
    printed = capsys.readouterr().out
    assert [line.split(":")[0] for line in printed.splitlines() if " fold " in line] == [
        "bbnn fold 0", "bbnn fold 2", "svm fold 0", "svm fold 2"]
    results = sorted(work.glob("*/fold*/result.json"))
    assert len(results) == 6 and (work / "bbnn" / "summary.json").is_file()
    stamps = {p: p.stat().st_mtime_ns for p in results}
    assert run_cli(argv) == 0 and " fold " not in capsys.readouterr().out  # all done: nothing trained again
    assert {p: p.stat().st_mtime_ns for p in results} == stamps

    song_of = _songs_by_file(corpus)
    prep = prepare(TABLES["synthetic"], corpus, work, n_folds=3)  # the folds the work folder recorded
    for k, fold in enumerate(prep.folds):
        trained = {song_of[str(prep.recordings[i].path)] for i in fold.train}
        for model in ("bbnn", SVM):
            result = json.loads((work / model / f"fold{k:02d}" / "result.json").read_text())
            tested = {g.removeprefix("song-") for g in result["test_groups"]}
            assert tested and not tested & trained
    facts = json.loads((work / "evaluation.json").read_text())
    assert facts["dataset"] == "synthetic" and facts["recordings"] == len(song_of) and facts["folds"] == 3
    report = (out / "report.md").read_text()
    assert report.startswith("# Paper 1's backbones, BBNN, PRCNN and the SVM on the synthetic ballroom corpus")
    assert "| bbnn | 3 |" in report and "| svm (72-d features, RBF) | 3 |" in report
    assert f"{len(song_of)} recordings" in report and "| Samba |" in report


@needs_synth
def test_a_damaged_corpus_is_a_one_line_usage_error(corpus, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(corpus, copy)
    next((copy / "audio").glob("*_phone.*")).unlink()
    argv = ["evaluate", "synthetic", "--data", str(copy), "--work", str(tmp_path / "w"), "--models", "svm"]
    assert run_cli(argv) == 2
    assert capsys.readouterr().out.startswith("error: 1 of ") and not (tmp_path / "w").exists()
    (copy / "manifest.csv").unlink()
    assert run_cli(argv) == 2
    assert "no manifest.csv in" in capsys.readouterr().out
