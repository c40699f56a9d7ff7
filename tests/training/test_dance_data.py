"""The dance model's data: real "Other" music trains from its folder whole, beside the synthetic corpus."""

import csv
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from dancekit.dances import DANCE_NAMES
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.synth_corpus import OTHER
from dancekit.synth.corpus import MANIFEST_FIELDS
from dancekit.training.dance_data import dance_model_data, other_real_files

SR = 8000


def _write(path: Path, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.random.default_rng(seed).normal(0, 0.1, SR // 4).astype(np.float32), SR)


def _corpus(root: Path) -> Path:
    rows = []
    for song, label in enumerate(DANCE_NAMES):
        _write(root / f"audio/{song:06d}.wav", song)
        rows.append({f: "" for f in MANIFEST_FIELDS} | {"file": f"audio/{song:06d}.wav", "label": label,
                                                         "song": song, "degraded": False, "duration": 0.25})
    with open(root / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return root


def test_every_audio_file_of_the_other_folder_trains_and_adds_the_class(tmp_path):
    corpus, other = _corpus(tmp_path / "corpus"), tmp_path / "other"
    for k, name in enumerate(("a/one.wav", "b/two.flac", "three.wav")):
        _write(other / name, 100 + k)
    (other / "notes.txt").write_text("not audio")
    data = dance_model_data([corpus], other_real=other)
    assert data.classes == [*DANCE_NAMES, OTHER]
    assert sorted(p.name for p in data.other_real_train) == ["one.wav", "three.wav", "two.flac"]
    assert [r.label for r in data.real["train"]] == [OTHER] * 3
    without = dance_model_data([corpus])
    assert without.classes == list(DANCE_NAMES) and without.real == {}


def test_an_other_folder_without_audio_is_a_layout_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetLayoutError, match="no audio files"):
        other_real_files(tmp_path / "empty")
