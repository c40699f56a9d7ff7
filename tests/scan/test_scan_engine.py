"""The scan loop on a toy model: same answers as ``identify``, shared batches, resuming, failures."""

import shutil

import numpy as np
import pytest

from dancekit.inference import Identifier
from dancekit.scan.discovery import discover
from dancekit.scan.engine import LocalWorkers, ScanOptions, scan_files
from dancekit.scan.store import ScanStore


def _scan(identifier, files, db, workers=0, **kw):
    options = ScanOptions(workers=workers)
    source = LocalWorkers(identifier, options)
    notes = []
    with ScanStore(db) as store:
        summary = scan_files(files, store, source, note=notes.append, **kw)
        rows = store.rows(files, source.key)
    return summary, rows, notes


@pytest.mark.parametrize("workers", [0, 1])
def test_answers_equal_identify_on_each_file_and_batches_mix_files(toy_model, library, tmp_path, workers,
                                                                   one_torch_thread):
    files = [str(p) for p in discover([library]).files]
    identifier = Identifier(toy_model, batch_size=8)
    sizes = []
    forward = identifier.segments_to_probabilities
    identifier.segments_to_probabilities = lambda segs: sizes.append(len(segs)) or forward(segs)
    summary, rows, notes = _scan(identifier, files, tmp_path / "s.sqlite", workers=workers)
    assert summary.analysed == len(files) == 6 and summary.errors == [] and notes == []
    if workers == 0:  # decoded in order, all ready at once; with a decode process it depends on timing
        assert max(sizes) > 2  # an 8 s file has 2 segments: a pass of more holds several files
    reference = Identifier(toy_model)
    for row in rows:
        expected = reference.identify(row["path"])
        assert row["dance"] == expected.label
        assert row["confidence"] == pytest.approx(expected.confidence, abs=1e-4)
        assert row["bpm"] == pytest.approx(expected.rhythm.tempo_bpm, abs=0.01)
        assert [name for name, _ in row["top3"]] == [name for name, _ in expected.top(3)]
        assert row["meter"] == expected.rhythm.beats_per_bar
        assert row["top3"][0][0] == expected.label and row["duration_s"] == pytest.approx(8.0, abs=0.01)


@pytest.mark.parametrize("workers, in_workers", [(0, True), (1, True), (0, False)])
def test_answers_are_those_of_identify_wherever_segments_and_tempo_are_computed(toy_model, library, workers,
                                                                               in_workers, one_torch_thread):
    files = [str(p) for p in discover([library]).files]
    identifier = Identifier(toy_model, batch_size=8)
    source = LocalWorkers(identifier, ScanOptions(workers=workers, analyse_in_workers=in_workers))
    outcomes = list(source.outcomes(files, lambda decoded: False))
    assert sorted(o.decoded.path for o in outcomes) == files
    for outcome in outcomes:
        got, expected = outcome.result, identifier.identify(outcome.decoded.path)
        assert outcome.decoded.samples is None and outcome.decoded.prepared is None  # nothing kept per file
        names = [[name for name, _ in r.top(3)] for r in (got, expected)]
        assert (got.status, names[0], got.warnings) == (expected.status, names[1], expected.warnings)
        np.testing.assert_allclose(got.probabilities, expected.probabilities, rtol=0, atol=1e-6)
        np.testing.assert_allclose(got.segment_probabilities, expected.segment_probabilities, rtol=0, atol=1e-6)
        assert got.rhythm.tempo_bpm == expected.rhythm.tempo_bpm
        assert got.rhythm.beats_per_bar == expected.rhythm.beats_per_bar


def test_a_second_scan_only_answers_new_files_and_copies_cost_nothing(toy_model, library, tmp_path):
    identifier = Identifier(toy_model)
    files = [str(p) for p in discover([library]).files]
    _scan(identifier, files[:4], tmp_path / "s.sqlite")
    shutil.copy(files[0], library / "same song again.wav")
    files = [str(p) for p in discover([library]).files]
    summary, rows, _ = _scan(identifier, files, tmp_path / "s.sqlite")
    assert (summary.analysed, summary.reused) == (2, 5)
    assert len(rows) == 7 and len({r["path"] for r in rows}) == 7


def test_files_that_are_not_audio_or_broken_are_noted_and_remembered(toy_model, library, tmp_path):
    fake = library / "fake.mp3"
    fake.write_text("this is a text file, not a song")
    broken = library / "broken.flac"
    broken.write_bytes(b"fLaC" + bytes(range(256)) * 4)
    files = [str(p) for p in discover([library]).files]
    summary, rows, notes = _scan(Identifier(toy_model), files, tmp_path / "s.sqlite")
    assert [p for p, _ in summary.not_audio] == [str(fake)]
    assert [p for p, _ in summary.errors] == [str(broken)]
    assert {r["path"]: r["status"] for r in rows}[str(fake)] == "not_audio"
    assert any(n.startswith("skipped: not an audio file: fake.mp3") for n in notes)
    again, _, _ = _scan(Identifier(toy_model), files, tmp_path / "s.sqlite")
    assert again.analysed == 0 and again.errors == []  # failures are remembered too


def test_silence_is_no_music_and_has_no_tempo(toy_model, tmp_path):
    import soundfile as sf

    quiet = tmp_path / "quiet.wav"
    sf.write(quiet, np.zeros(22050 * 8, dtype=np.float32), 22050)
    _, rows, _ = _scan(Identifier(toy_model), [str(quiet)], tmp_path / "s.sqlite")
    assert rows[0]["status"] == "no_music" and rows[0]["dance"] is None and rows[0]["bpm"] is None
