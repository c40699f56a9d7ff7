"""The scan on a Ray cluster (a local one, two CPUs, started inside the test): the same answers and the
same resuming as a local scan. Skipped where ``ray`` is not installed (``pip install 'dancekit[ray]'``)."""

import pytest

from toy_audio import write_library
from dancekit.inference import Identifier
from dancekit.scan.discovery import discover
from dancekit.scan.engine import LocalWorkers, ScanOptions, scan_files
from dancekit.scan.store import ScanStore

ray = pytest.importorskip("ray")


def test_an_unreachable_cluster_is_one_line(tmp_path):
    from dancekit.cli_types import UsageError
    from dancekit.scan.cluster import RayWorkers

    if ray.is_initialized():
        pytest.skip("a cluster is running in this process")
    with pytest.raises(UsageError, match="--ray 127.0.0.1:1: cannot reach the cluster"):
        RayWorkers("127.0.0.1:1", None, "cpu", ScanOptions(), batch_size=8)


@pytest.fixture(scope="module")
def local_cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _rows(source, files, db, **kw):
    with ScanStore(db) as store:
        summary = scan_files(files, store, source, **kw)
        return summary, store.rows(files, source.key)


@pytest.mark.slow
def test_a_cluster_scan_gives_the_local_answers_and_resumes_like_one(local_cluster, toy_model, tmp_path):
    from dancekit.scan.cluster import RayWorkers

    write_library(tmp_path / "library", 12)
    (tmp_path / "library" / "fake.mp3").write_text("not a song")
    files = [str(p) for p in discover([tmp_path / "library"]).files]
    cluster = RayWorkers("local", str(toy_model.path), "cpu", ScanOptions(), batch_size=8, actors=2)
    try:
        local = LocalWorkers(Identifier(toy_model, batch_size=8), ScanOptions(workers=0))
        assert cluster.key == local.key
        first, _ = _rows(cluster, files[:5], tmp_path / "c.sqlite")
        assert (first.analysed, len(first.not_audio)) == (4, 1)  # fake.mp3 comes first
        summary, rows = _rows(cluster, files, tmp_path / "c.sqlite")
        assert (summary.analysed, summary.reused, summary.not_audio) == (8, 5, [])
        assert len({r["path"] for r in rows}) == len(rows) == 13
    finally:
        cluster.close()
    _, expected = _rows(local, files, tmp_path / "l.sqlite")
    for got, want in zip(rows, expected):
        assert (got["path"], got["status"], got["dance"]) == (want["path"], want["status"], want["dance"])
        assert got["confidence"] == pytest.approx(want["confidence"], abs=1e-4)
        assert got["bpm"] == pytest.approx(want["bpm"], abs=0.01)


@pytest.mark.slow
def test_the_command_line_scans_on_the_cluster(local_cluster, toy_model, tmp_path, capsys):
    from dancekit.cli import main

    write_library(tmp_path / "library", 4)
    argv = ["scan", str(tmp_path / "library"), "--out", str(tmp_path / "out"), "--model", str(toy_model.path),
            "--ray", "local", "--ray-actors", "2"]
    assert main(argv) == 0
    assert "4 files: 4 identified now" in capsys.readouterr().err
    assert len((tmp_path / "out" / "scan.csv").read_text().splitlines()) == 5
    assert main(argv) == 0 and "4 files: 0 identified now" in capsys.readouterr().err
