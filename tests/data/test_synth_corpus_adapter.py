"""The synthetic-corpus adapter: manifest rows as recordings grouped by song, and clear errors."""

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from data_fixtures import write_audio

from dancekit.dances import DANCE_NAMES
from dancekit.data.errors import DatasetLayoutError
from dancekit.data.labels import DANCE_CNN
from dancekit.data.recordings import Recording
from dancekit.data.splits import find_leaks, stratified_folds
from dancekit.data.synth_corpus import (DANCE_CNN_OTHER, OTHER, SynthCorpusError, synth_label_set,
                                        synth_recordings)
from dancekit.errors import DancekitError
from dancekit.synth.corpus import MANIFEST_FIELDS
from dancekit.synth.grooves import OTHER_LABEL


def make_corpus(root: Path, per_label: int = 4, labels=DANCE_NAMES, ext: str = "wav") -> Path:
    """A corpus in ``dancekit synth``'s layout: every other song also has a ``_phone`` copy."""
    rows = []
    for song in range(per_label * len(labels)):
        label = labels[song % len(labels)]
        stem = f"{song:06d}_{label.lower().replace(' ', '')}"
        base = {f: "" for f in MANIFEST_FIELDS} | {"label": label, "bpm": "120.5", "song": song, "duration": "0.2"}
        for suffix, degraded in (("", False), ("_phone", True))[: 2 if song // len(labels) % 2 == 0 else 1]:
            write_audio(root / "audio" / f"{stem}{suffix}.{ext}", seed=song, fmt="WAV")
            rows.append(base | {"file": f"audio/{stem}{suffix}.{ext}", "degraded": degraded})
    with open(root / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return root


def test_rows_become_recordings_labelled_by_dance_and_grouped_by_song(tmp_path):
    recs = synth_recordings(make_corpus(tmp_path / "c"))
    assert len(recs) == 60 and Counter(r.label for r in recs) == dict.fromkeys(DANCE_NAMES, 6)
    phone = next(r for r in recs if r.meta["degraded"])
    original = next(r for r in recs if r.group == phone.group and not r.meta["degraded"])
    assert phone.path.name == original.path.stem + "_phone.wav" and phone.group == "song-0"
    assert original.meta["bpm"] == 120.5 and original.meta["id"] == "000000_chachacha"
    assert synth_label_set(recs) is DANCE_CNN and len(DANCE_CNN) == 10


def test_other_clips_add_the_reject_class():
    assert OTHER == OTHER_LABEL and list(DANCE_CNN_OTHER) == [*DANCE_NAMES, OTHER]
    recs = [Recording(Path("a.wav"), "Samba", "song-0"), Recording(Path("b.wav"), OTHER, "song-1")]
    assert synth_label_set(recs) is DANCE_CNN_OTHER


def test_a_phone_copy_is_always_in_the_fold_of_its_original(tmp_path):
    recs = synth_recordings(make_corpus(tmp_path / "c"))
    song_of = {r.path.name: r.meta["id"].split("_")[0] for r in recs}  # from the file names, not the adapter
    for fold in stratified_folds(recs, k=10, seed=3):
        sides = {name: {song_of[r.path.name] for r in side} for name, side in fold.sides().items()}
        assert not sides["test"] & (sides["train"] | sides["validation"])
        assert not sides["train"] & sides["validation"]
        assert len(fold.test) == 6 and len(fold.validation) == 6  # 4 songs, two of them with a copy
    # the leak the grouping prevents: split by file, some phone copy lands on another side than its original
    by_file = [Recording(r.path, r.label, r.path.stem) for r in recs]
    leaked = 0
    for fold in stratified_folds(by_file, k=10, seed=3):
        leaked += len(find_leaks({s: [song_of[r.path.name] for r in side] for s, side in fold.sides().items()},
                                 group=str))
    assert leaked > 0


def test_a_transcoded_copy_with_its_own_file_names_is_read(tmp_path):
    root = tmp_path / "c"
    (root / "audio").mkdir(parents=True)
    t = np.arange(24000) / 24000
    sf.write(root / "audio" / "000000_samba.opus", (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 24000,
             format="OGG", subtype="OPUS")
    (root / "manifest.csv").write_text("file,label,song,degraded\naudio/000000_samba.opus,Samba,0,False\n")
    (rec,) = synth_recordings(root)
    from dancekit.audio import load

    x = load(rec.path, sr=22050)
    assert rec.label == "Samba" and abs(len(x) - 22050) < 2000 and np.sqrt(np.mean(x**2)) > 0.1


@pytest.mark.parametrize("damage, message", [
    (lambda root: (root / "manifest.csv").unlink(), "no manifest.csv in"),
    (lambda root: (root / "audio" / "000003_quickstep.wav").unlink(), "1 of 60 files listed in .* are missing, "
     "e.g. audio/000003_quickstep.wav"),
    (lambda root: (root / "manifest.csv").write_text("file,label\n"), "lacks column\\(s\\) song"),
    (lambda root: (root / "manifest.csv").write_text("file,label,song\n"), "lists no clips"),
    (lambda root: (root / "manifest.csv").write_text("file,label,song\naudio/000000_chachacha.wav,Salsa,0\n"),
     "line 2: needs a file, a song and a label of Cha Cha Cha.*got label 'Salsa'"),
])
def test_bad_corpora_are_one_line_layout_errors(tmp_path, damage, message):
    root = make_corpus(tmp_path / "c")
    damage(root)
    with pytest.raises(SynthCorpusError, match=message) as info:
        synth_recordings(root)
    assert isinstance(info.value, DatasetLayoutError) and isinstance(info.value, DancekitError)
    assert "\n" not in str(info.value)


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SynthCorpusError, match="no manifest.csv in .*dancekit synth"):
        synth_recordings(tmp_path / "nowhere")
