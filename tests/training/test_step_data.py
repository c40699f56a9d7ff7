"""The step-training file: what is written is read back, songs are cut at their offsets, sides split."""

import numpy as np
import pytest
from step_fixtures import random_songs as songs

from dancekit.training.step_data import STEP_DANCES, read_step_dataset, split_step_data, step_data, write_step_dataset


def test_a_written_dataset_reads_back_with_its_settings(tmp_path):
    data = songs()
    meta = {"dances": list(STEP_DANCES), "split": {"DANCE_W_0": "train"}, "mean_pose": [0.0] * 4}
    path = write_step_dataset(tmp_path / "sub" / "steps.npz", data, meta)
    arrays, back = read_step_dataset(path)
    assert back == meta
    assert arrays["offsets"].tolist() == [0, 20, 35, 60]
    assert arrays["codes"].dtype == np.uint8 and arrays["motion"].dtype == np.float16
    np.testing.assert_array_equal(arrays["codes"][20:35], data[1]["codes"])
    np.testing.assert_allclose(arrays["motion"][35:], data[2]["motion"], atol=1e-3)
    assert [str(s) for s in arrays["side"]] == ["train", "val", "train"]
    assert list(tmp_path.joinpath("sub").iterdir()) == [path]  # no temporary file left behind


def test_step_data_takes_whole_songs_in_the_order_asked(tmp_path):
    data = songs()
    arrays, _ = read_step_dataset(write_step_dataset(tmp_path / "steps.npz", data, {}))
    picked = step_data(arrays, [2, 0])
    assert picked.names == ["DANCE_W_2", "DANCE_W_0"]
    assert picked.offsets.tolist() == [0, 25, 45]
    np.testing.assert_array_equal(picked.power_codes[:25].numpy(), data[2]["codes"])
    assert picked.motion.dtype.is_floating_point and picked.motion.shape == (45, 4)
    assert picked.dance.tolist() == [2, 0] and picked.signal_power.tolist() == pytest.approx([0.03, 0.01])


def test_sides_split_into_training_and_validation(tmp_path):
    arrays, _ = read_step_dataset(write_step_dataset(tmp_path / "steps.npz", songs(), {}))
    train, val = split_step_data(arrays)
    assert train.names == ["DANCE_W_0", "DANCE_W_2"] and val.names == ["DANCE_W_1"]
    folded, val = split_step_data(arrays, fold_val=True)
    assert folded.names == ["DANCE_W_0", "DANCE_W_1", "DANCE_W_2"] and val.names == ["DANCE_W_1"]
    only_train = write_step_dataset(tmp_path / "t.npz", songs(sides=("train",) * 3), {})
    assert split_step_data(read_step_dataset(only_train)[0])[1] is None
