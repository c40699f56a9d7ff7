"""Rhythm truth read from the public annotation layouts (GTZAN tutorial, Ballroom/Krebs, Tang)."""

from pathlib import Path

import numpy as np
import pytest
from data_fixtures import write_audio

from dancekit.data.errors import DatasetLayoutError
from dancekit.data.rhythm_annotations import (RhythmItem, bar_length, ballroom_rhythm_items, gtzan_rhythm_items,
                                              tang_meter_items)


def _gtzan(tmp_path: Path, beats_by_clip: dict[str, str]) -> tuple[Path, Path]:
    root, ann = tmp_path / "gtzan", tmp_path / "ann"
    for k, (clip, beats) in enumerate(beats_by_clip.items()):
        genre, number = clip.split(".")
        write_audio(root / "genres" / genre / f"{clip}.wav", seed=k)
        (ann / "beats").mkdir(parents=True, exist_ok=True)
        (ann / "tempo").mkdir(parents=True, exist_ok=True)
        (ann / "beats" / f"gtzan_{genre}_{number}.beats").write_text(beats)
        (ann / "tempo" / f"gtzan_{genre}_{number}.bpm").write_text(f"{100 + k}\n")
    return root, ann


def test_gtzan_items_carry_tempo_beats_and_meter(tmp_path):
    root, ann = _gtzan(tmp_path, {"blues.00001": "0.5\t1\n1.0\t2\n1.5\t3\n2.0\t1\n",
                                  "jazz.00000": "0.4\t1\n0.8\t2\n",
                                  "rock.00003": "0.3\n0.9\n"})
    items = gtzan_rhythm_items(root, ann)
    assert [i.name for i in items] == ["blues.00001", "jazz.00000", "rock.00003"]
    blues, jazz, rock = items
    assert blues.bpm == 100.0 and blues.beats == (0.5, 1.0, 1.5, 2.0) and blues.meter == 3
    assert jazz.meter == 4  # 2/4 counts as 4
    assert rock.meter is None and rock.beats == (0.3, 0.9)
    assert blues.set == "gtzan_mini" and blues.path == root / "genres" / "blues" / "blues.00001.wav"
    assert blues.excerpt == (0.0, None)


def test_a_missing_gtzan_annotation_is_a_layout_error(tmp_path):
    root, ann = _gtzan(tmp_path, {"blues.00001": "0.5\t1\n"})
    (ann / "tempo" / "gtzan_blues_00001.bpm").unlink()
    with pytest.raises(DatasetLayoutError, match="gtzan_blues_00001.bpm"):
        gtzan_rhythm_items(root, ann)


def test_ballroom_prefers_the_full_beat_annotation(tmp_path):
    sample, ann = tmp_path / "sample", tmp_path / "ann"
    write_audio(sample / "Waltz_Media-100001.flac")
    (sample / "ballroom_Media-100001.bpm").write_text("84")
    (sample / "ballroom_Media-100001.beats").write_text("0.7 1\n")
    (item,) = ballroom_rhythm_items(sample)
    assert item.beats == (0.7,) and item.meter == 4 and item.bpm == 84.0 and item.name == "Waltz_Media-100001"
    ann.mkdir()
    (ann / "Media-100001.beats").write_text("0.7 1\n1.4 2\n2.1 3\n")
    (item,) = ballroom_rhythm_items(sample, ann)
    assert item.beats == (0.7, 1.4, 2.1) and item.meter == 3
    assert ballroom_rhythm_items(tmp_path / "empty") == []


def test_tang_items_know_only_the_meter(tmp_path):
    for folder in ("DANCE_W_2", "DANCE_C_1", "DANCE_W_10"):
        write_audio(tmp_path / folder / "audio.wav")
    items = tang_meter_items(tmp_path)
    assert [(i.name, i.meter) for i in items] == [("DANCE_C_1", 4), ("DANCE_W_2", 3), ("DANCE_W_10", 3)]
    assert all(i.bpm is None and i.beats is None and i.excerpt == (30.0, 30.0) for i in items)


def test_an_item_loads_its_excerpt(tmp_path):
    path = write_audio(tmp_path / "a.wav", seconds=1.0)
    y = RhythmItem("s", "a", path, None, None, None, excerpt=(0.25, 0.5)).load(8000)
    assert len(y) == 4000


def test_bar_length():
    assert bar_length(np.array([1, 2, 3, 1])) == 3
    assert bar_length(np.array([1, 2, 1, 2])) == 4
    assert bar_length(np.array([0, 0])) is None
