"""Tang songs become step-training songs: the right songs, the audio under the dance, a train-fitted normaliser."""

import numpy as np
import pytest
from tang_fixture import write_tang_folder, write_tang_song

from dancekit.features import step_audio
from dancekit.motion.step_dataset import StepDatasetError, danced_step_audio, prepare_tang_steps
from dancekit.motion.tang import load_tang_motion
from dancekit.motion.tang_songs import tang_motion_songs, tang_root


@pytest.fixture(scope="module")
def tang(tmp_path_factory):
    return write_tang_folder(tmp_path_factory.mktemp("tang") / "tang_dance", seconds=8.0)


def test_songs_are_picked_by_side(tang, monkeypatch):
    folders, split = tang_motion_songs(tang, ["test", "train"])
    assert [f.name for f in folders] == ["DANCE_W_1", "DANCE_W_3"] and split["DANCE_W_2"] == "val"
    assert len(tang_motion_songs(tang)[0]) == 3
    monkeypatch.setenv("DANCEKIT_DATA", str(tang.parent))
    assert tang_root() == tang and tang_root(tang / "x") == tang / "x"


def test_danced_audio_is_what_the_power_patches_need(tang):
    clip = load_tang_motion(tang / "DANCE_W_1").resampled(step_audio.FPS)
    y = danced_step_audio(clip, 60)
    assert len(y) == step_audio.frame_starts(60, 1)[0] + step_audio.SPAN
    assert step_audio.slice_power(y, 60).shape[0] == 60
    whole = danced_step_audio(clip, 1)
    assert np.array_equal(whole, y[: len(whole)]) and np.abs(y).max() <= 1.0


def test_prepared_songs_are_normalised_on_the_training_songs(tang):
    songs, meta = prepare_tang_steps(tang, retime=True)
    assert [s["name"] for s in songs] == ["DANCE_W_2", "DANCE_W_3"]  # test songs left out
    train = songs[1]["motion"]
    assert train.min() >= -1.0 - 1e-5 and train.max() <= 1.0 + 1e-5
    assert np.allclose(meta["mean_pose"], train.mean(0), atol=1e-5)
    assert set(meta["capture_clock"]) == {"DANCE_W_2", "DANCE_W_3"} and meta["capture_clock_fallback"] > 0
    assert songs[0]["codes"].dtype == np.uint8 and len(songs[0]["codes"]) == len(songs[0]["motion"])
    assert meta["dances"][songs[0]["dance"]] == "Slow Waltz" and meta["fps"] == 30


def test_no_training_song_is_a_clear_error(tmp_path):
    write_tang_song(tmp_path, "DANCE_W_1", 4.0)
    with pytest.raises(StepDatasetError, match="no training songs"):
        prepare_tang_steps(tmp_path, include_test=True, retime=False)
