"""Folder-per-class video and image datasets, their groups, and splits that never leak a video."""

import numpy as np
import pytest
from PIL import Image
from video_fixtures import easy_frameset, write_test_video

from dancekit.video.datasets import (DatasetError, frame_split, group_split, image_group, load_frameset,
                                     load_image_folder, load_video_folder, save_frameset, split_mask)
from dancekit.video.frames import extract_frames, save_frames


def test_video_folder_gives_filtered_frames_grouped_by_video(tmp_path):
    for cls, colour in (("salsa", (255, 0, 0)), ("tango", (0, 0, 255))):
        for k in range(2):
            write_test_video(tmp_path / cls / f"take{k}.mp4", seconds=3, fps=10, seed=k, colour=colour)
    (tmp_path / "tango" / "broken.mp4").write_bytes(b"nope")
    data = load_video_folder(tmp_path, size=32)
    assert data.classes == ["salsa", "tango"]
    assert data.images.shape == (12, 32, 32, 3)
    assert data.video_names == ["salsa/take0", "salsa/take1", "tango/take0", "tango/take1"]
    assert np.bincount(data.videos).tolist() == [3, 3, 3, 3]
    assert data.video_labels().tolist() == [0, 0, 1, 1]


def test_image_folder_groups_frames_by_source_video(tmp_path):
    video = write_test_video(tmp_path / "v.mp4", seconds=3, fps=10)
    frames = extract_frames(video)
    save_frames(frames, tmp_path / "imgs" / "waltz", "couple1")
    photo = tmp_path / "imgs" / "rumba" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    Image.fromarray(frames.images[0]).save(photo)
    (tmp_path / "imgs" / "rumba" / "broken.jpg").write_bytes(b"not an image")
    data = load_image_folder(tmp_path / "imgs", size=24)
    assert data.classes == ["rumba", "waltz"] and len(data) == 4
    assert sorted(data.video_names) == ["rumba/photo", "waltz/couple1"]
    assert image_group(tmp_path / "x" / "clip__t00001000.jpg") == "x/clip"


def test_missing_or_single_class_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="not found"):
        load_image_folder(tmp_path / "nothing")
    (tmp_path / "only").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "only" / "a.png")
    with pytest.raises(DatasetError, match="two class folders"):
        load_image_folder(tmp_path)


def test_group_split_is_per_class_interleaved_and_never_leaks():
    groups = [f"{c}{i}" for c in "ab" for i in range(10)] + ["lonely"]
    labels = [0] * 10 + [1] * 10 + [2]
    side = group_split(groups, labels, 0.2, seed=None)
    assert [g for g in groups if side[g] == "val"] == ["a0", "a5", "b0", "b5"]
    assert side["lonely"] == "train"  # one group cannot be on both sides
    shuffled = group_split(groups, labels, 0.2, seed=3)
    assert sum(v == "val" for v in shuffled.values()) == 4 and shuffled == group_split(groups, labels, 0.2, seed=3)
    with pytest.raises(DatasetError, match="two classes"):
        group_split(["g", "g"], [0, 1])


def test_frame_split_is_the_papers_random_fifth_and_video_split_shares_nothing():
    data = easy_frameset(n_videos=10, frames_per_video=10)
    frame_val = split_mask(data, "frame")
    assert frame_val.sum() == 20 and (frame_val == frame_split(100, 0.2, 0)).all()
    shared = set(data.groups[frame_val]) & set(data.groups[~frame_val])
    assert shared, "the paper's split puts frames of one video on both sides"
    video_val = split_mask(data, "video")
    assert not set(data.groups[video_val]) & set(data.groups[~video_val])
    assert set(data.labels[video_val]) == {0, 1}
    fixed = split_mask(data, "video", sides={g: ("val" if g == "v3" else "train") for g in data.video_groups})
    assert set(data.groups[fixed]) == {"v3"}
    with pytest.raises(ValueError):
        split_mask(data, "song")


def test_frameset_file_round_trip(tmp_path):
    data = easy_frameset(n_videos=4, frames_per_video=3)
    path = save_frameset(data, tmp_path / "frames.npz", quality=95, meta={"note": "x"})
    back, meta = load_frameset(path)
    assert meta == {"note": "x"} and back.classes == data.classes and back.video_groups == data.video_groups
    assert (back.labels == data.labels).all() and (back.videos == data.videos).all()
    # JPEG keeps what matters (noise texture aside): brightness and where the bar is
    assert np.abs(back.images.mean(axis=(1, 2, 3)) - data.images.mean(axis=(1, 2, 3))).max() < 3
    bar_on_top = lambda images: images.mean(axis=(2, 3)).argmax(1) < images.shape[1] // 2  # noqa: E731
    assert (bar_on_top(back.images) == bar_on_top(data.images)).all()
    assert back.every_nth(3).images.shape[0] == 4 and back.resized(16).images.shape == (12, 16, 16, 3)


def test_real_photos_load_as_an_image_dataset(shared_data):
    data = load_image_folder(shared_data / "video_smoke" / "photos", size=32)
    assert len(data.classes) == 3 and len(data) == 277
    assert len(data.video_names) == 277  # photos: each its own group
