"""Frame extraction at 1 fps (the paper's FFmpeg step) on generated and real videos."""

import numpy as np
import pytest
from video_fixtures import write_test_video

from dancekit.video.frames import VideoError, extract_frames, to_square, write_video


def test_one_frame_per_second_from_a_generated_video(tmp_path):
    path = write_test_video(tmp_path / "clip.mp4", seconds=3.0, fps=10)
    frames = extract_frames(path)
    assert len(frames) == 3
    assert np.allclose(frames.times_s, [0.0, 1.0, 2.0], atol=0.05)
    # the top-left patch encodes the second each frame was taken from: 0, 40, 80 (codec error ~ a few levels)
    assert np.allclose(frames.images[:, 2:6, 2:6].mean(axis=(1, 2, 3)), [0, 40, 80], atol=8)
    assert frames.images.shape[1:] == (48, 64, 3) and frames.images.dtype == np.uint8
    assert 2.9 < frames.duration_s < 3.2


def test_configurable_rate_and_limit(tmp_path):
    path = write_test_video(tmp_path / "clip.mp4", seconds=2.0, fps=10)
    assert len(extract_frames(path, fps=2.0)) == 4
    assert len(extract_frames(path, fps=10.0)) == 20
    assert len(extract_frames(path, fps=10.0, max_frames=5)) == 5
    assert max(extract_frames(path, max_side=32).images.shape[1:3]) <= 32
    with pytest.raises(ValueError):
        extract_frames(path, fps=0)


@pytest.mark.parametrize("content", [b"", b"this is not a video at all" * 10])
def test_unreadable_inputs_fail_with_one_clear_error(tmp_path, content):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    with pytest.raises(VideoError) as err:
        extract_frames(bad)
    assert str(bad) in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(VideoError, match="no such file"):
        extract_frames(tmp_path / "missing.mp4")


def test_audio_only_file_has_no_video_stream(tmp_path):
    import av

    path = tmp_path / "tone.m4a"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=22050)
        t = np.arange(22050, dtype=np.float32) / 22050
        frame = av.AudioFrame.from_ndarray((0.2 * np.sin(2 * np.pi * 440 * t))[None], format="flt", layout="mono")
        frame.sample_rate = 22050
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    with pytest.raises(VideoError, match="no video stream"):
        extract_frames(path)


def test_square_resize_squashes_the_whole_frame():
    tall = np.zeros((160, 90, 3), np.uint8)
    tall[:10] = 255  # a white band at the top must survive (a crop would cut it)
    sq = to_square(tall, 64)
    assert sq.shape == (64, 64, 3) and sq[:3].mean() > 200
    assert to_square(np.stack([tall, tall]), 32).shape == (2, 32, 32, 3)


def test_write_video_pads_odd_sizes_and_is_atomic(tmp_path):
    frames = [np.full((33, 47, 3), 10 * k, np.uint8) for k in range(5)]
    path = write_video(tmp_path / "odd.mp4", frames, fps=5)
    got = extract_frames(path, fps=5)
    assert len(got) == 5 and got.images.shape[1:3] == (34, 48)
    assert not list(tmp_path.glob(".*.tmp"))


def test_real_clips_give_about_one_frame_per_second(shared_data):
    for clip in sorted((shared_data / "video_smoke" / "clips").glob("*.mp4")):
        frames = extract_frames(clip, max_side=320)
        assert abs(len(frames) - frames.duration_s) <= 1.5, clip.name
        assert np.all(np.diff(frames.times_s) > 0.9)
