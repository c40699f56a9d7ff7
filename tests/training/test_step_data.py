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


def with_beats(data):
    for i, s in enumerate(data):
        n = len(s["motion"])
        s.update(beat_position=np.arange(n) / 15 + i, beat_period=np.full(n, 0.5), beats_per_bar=3 + i % 2, downbeat=i % 3)
    return data


def test_beat_grids_and_packed_codes_read_back_and_reach_the_training_data(tmp_path):
    data = with_beats(songs())
    meta = {"normaliser": {"kind": "minmax", "low": [-2.0, 0, -1, 0], "high": [2.0, 1, 3, 1]}}
    plain = write_step_dataset(tmp_path / "plain.npz", data, meta)
    packed = write_step_dataset(tmp_path / "packed.npz", data, meta, pack=True)
    a, _ = read_step_dataset(plain)
    b, back = read_step_dataset(packed)
    np.testing.assert_array_equal(a["codes"], b["codes"])
    assert "codes_packed" not in b and b["beats_per_bar"].tolist() == [3, 4, 3] and b["downbeat"].tolist() == [0, 1, 2]
    picked = step_data(b, [2, 0], back)
    np.testing.assert_allclose(picked.rhythm.position[:25].numpy(), np.arange(25) / 15 + 2, rtol=1e-6)
    assert picked.rhythm.beats_per_bar.tolist() == [3, 3] and picked.rhythm.downbeat.tolist() == [2, 0]
    # root_dx and root_dz are rates: their zero in normalised units; the others are not
    zero = picked.rate_zero.numpy()
    assert zero[0] == 0.0 and zero[2] == -0.5 and np.isnan(zero[[1, 3]]).all()
    assert step_data(read_step_dataset(write_step_dataset(tmp_path / "x.npz", songs(), {}))[0], [0]).rhythm is None
