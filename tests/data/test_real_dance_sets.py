from dancekit.data.real_dance_sets import real_dance_items
from dancekit.models.card import read_card


def test_unseen_items_leave_out_every_training_song(shared_data):
    training = read_card("ballroom").training
    items = real_dance_items(training, shared_data)
    trained = {song for song, side in training["tang_sides"].items() if side == "train"}
    names = [name for name, _, _ in items]
    assert not trained & {n.removeprefix("tang/") for n in names}
    assert names[-2:] == ["ballroom/Media-105901", "cc_music/sweet-waltz"]
    assert all(path.is_file() for _, path, _ in items)
    every = real_dance_items(training, shared_data, {"train", "val", "test"})
    assert len(every) == len(training["tang_sides"]) + 2
