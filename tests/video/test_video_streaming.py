"""`dancekit video` streams: same answer as judging the whole video at once, memory bounded by a batch."""

import tracemalloc

import numpy as np
import pytest
from PIL import Image, ImageFilter

from dancekit.video import classify as classify_module
from dancekit.video import filtering
from dancekit.video.classify import VideoClassifier
from dancekit.video.filtering import FilterSettings, FrameFilter, filter_frames, hamming, measure_frame
from dancekit.video.frames import VideoError, extract_frames, to_square, write_video


def _mixed_frames(n=24, size=48, seed=0):
    """Bar frames over noise, with black, flat, blurred and repeated frames among them."""
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(n):
        img = rng.integers(0, 90, (size, size, 3), dtype=np.uint8)
        rows = slice(4, 16) if (k // 3) % 2 else slice(32, 44)
        img[rows, 8:-8] = 230
        if k % 7 == 3:
            img = np.zeros_like(img)
        elif k % 7 == 5:
            img = np.full_like(img, 120)
        elif k % 5 == 4:
            img = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(2)))
        elif k % 6 == 1 and frames:
            img = frames[-1].copy()
        frames.append(img)
    return frames


def _whole_video_reference(path, model_dir, fps=1.0):
    """The former `dancekit video` path: every frame in memory, filtered, classified, averaged."""
    from dancekit.models.video_cnn import load_video_model
    from dancekit.video.frame_scores import predict_frames
    from dancekit.video.filtering import filter_frames

    model = load_video_model(model_dir)
    size = int(model.card.frontend["image_size"])
    frames = extract_frames(path, fps=fps, max_side=640)
    verdict = filter_frames(frames.images)
    kept = verdict.kept if verdict.keep.any() else np.arange(len(frames))
    probs = predict_frames(model.network, to_square(frames.images[kept], size))
    return probs.astype(np.float64).mean(0), frames.times_s[kept], probs, verdict


@pytest.mark.parametrize("batch", [4, 32])
def test_streamed_answer_equals_the_whole_video_path(easy_model, tmp_path, monkeypatch, batch):
    monkeypatch.setattr(classify_module, "BATCH_FRAMES", batch)  # 4: many batches on a short clip
    path = write_video(tmp_path / "mixed.mp4", _mixed_frames(), fps=1)
    mean, times, probs, verdict = _whole_video_reference(path, easy_model)
    assert set(verdict.reasons) >= {"", "black", "flat", "blurred"}  # the clip exercises the filter
    result = VideoClassifier(easy_model).classify(path)
    assert np.allclose(result.probabilities, mean, atol=1e-6)
    assert np.allclose(result.frame_probabilities, probs, atol=1e-6)
    assert np.array_equal(result.frame_times_s, times)
    assert result.dropped == {k: v for k, v in verdict.counts().items() if k != "kept"}
    assert result.frames_extracted == len(verdict.keep)


def test_a_video_of_only_uninformative_frames_still_uses_them_all(easy_model, tmp_path, monkeypatch):
    monkeypatch.setattr(classify_module, "BATCH_FRAMES", 2)
    frames = [np.full((48, 48, 3), 3 * k, np.uint8) for k in range(5)]  # black fading to dark grey
    path = write_video(tmp_path / "dark.mp4", frames, fps=1)
    mean, times, _, verdict = _whole_video_reference(path, easy_model)
    assert not verdict.keep.any()
    result = VideoClassifier(easy_model).classify(path)
    assert np.allclose(result.probabilities, mean, atol=1e-6) and len(result.frame_times_s) == 5
    assert result.dropped == {} and "used them all" in " ".join(result.warnings)


def test_memory_does_not_grow_with_the_length_of_the_video(easy_model, tmp_path, monkeypatch):
    # 200 frames of 240x320 RGB are 46 MB; streamed, the peak is a batch of small squares, one frame
    # and the filter's window (shrunk to 30 frames, so that the clip is longer than it)
    monkeypatch.setattr(filtering, "MEDIAN_WINDOW", 30)
    rng = np.random.default_rng(0)
    texture = rng.integers(0, 200, (240, 320, 3), dtype=np.uint8)
    frames = (np.roll(texture, 7 * k, axis=1) for k in range(200))
    path = write_video(tmp_path / "long.mp4", frames, fps=25, crf=40)
    classifier = VideoClassifier(easy_model, fps=25)
    classifier.classify(write_video(tmp_path / "short.mp4", [texture] * 3, fps=25))  # imports, caches
    tracemalloc.start()
    try:
        result = classifier.classify(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.frames_extracted == 200 and len(result.frame_times_s) == 200
    assert peak < 8e6, f"peak {peak / 1e6:.1f} MB"


def test_a_frame_size_beyond_the_limit_is_refused_before_decoding(tmp_path):
    # a YUV4MPEG header claiming 16000 x 16000 (the most FFmpeg itself opens): 384 MB a frame
    path = tmp_path / "huge.y4m"
    path.write_bytes(b"YUV4MPEG2 W16000 H16000 F1:1 Ip A1:1 C420jpeg\nFRAME\n" + bytes(1000))
    with pytest.raises(VideoError) as err:
        extract_frames(path)
    assert "16000x16000" in str(err.value) and "too large" in str(err.value) and "\n" not in str(err.value)


def _whole_video_rule(measures, settings=FilterSettings()):
    """The filter as it judged whole videos: relative blur against the median of every frame."""
    reasons = ["black" if m.mean < settings.black_level else "flat" if m.std < settings.flat_std else ""
               for m in measures]
    median = np.median([m.sharpness for m, r in zip(measures, reasons) if not r])
    reasons = [r or ("blurred" if m.sharpness < max(settings.blur_abs, settings.blur_rel * median) else "")
               for m, r in zip(measures, reasons)]
    last = None
    for i, m in enumerate(measures):
        if reasons[i]:
            continue
        if last is not None and hamming(m.hash, last.hash) <= settings.duplicate_bits and np.abs(
                m.thumbnail.astype(np.float32) - last.thumbnail.astype(np.float32)).mean() < settings.duplicate_mad:
            reasons[i] = "duplicate"
        else:
            last = m
    return reasons


def _noise(rng, blur=0.0):
    img = rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)
    return np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(blur))) if blur else img


def test_streaming_filter_gives_the_whole_video_verdict_on_a_clip_within_its_window():
    rng = np.random.default_rng(1)
    frames = [_noise(rng, 1.0 if k == 4 else 0.0) for k in range(10)]  # one soft frame among sharp ones
    frames[6] = frames[5]
    frames[2] = np.zeros_like(frames[2])
    frames[8] = np.full_like(frames[8], 90)
    expected = _whole_video_rule([measure_frame(im) for im in frames])
    assert expected == ["", "", "black", "", "blurred", "", "duplicate", "", "flat", ""]
    assert filter_frames(np.stack(frames), window=9).reasons == expected


def test_verdicts_come_a_window_late_and_long_videos_are_judged_scene_by_scene():
    # 12 soft frames, then 12 sharp ones: the whole video's median would call the soft scene blurred
    rng = np.random.default_rng(2)
    frames = [_noise(rng, 1.0) for _ in range(12)] + [_noise(rng) for _ in range(12)]
    assert _whole_video_rule([measure_frame(im) for im in frames])[:12] == ["blurred"] * 12
    frame_filter, reasons = FrameFilter(window=3), []
    for k, image in enumerate(frames):
        decided = frame_filter.push(image)
        assert [d.index for d in decided] == ([k - 3] if k >= 3 else [])  # held: 3 frames' measures
        reasons += [d.reason for d in decided]
    reasons += [d.reason for d in frame_filter.finish()]
    assert len(reasons) == 24 and reasons[:9] == [""] * 9 and reasons[12:] == [""] * 12


def test_training_frames_of_a_video_folder_are_the_whole_video_paths(tmp_path):
    from dancekit.video.datasets import load_video_folder

    mixed = write_video(tmp_path / "videos" / "a" / "mixed.mp4", _mixed_frames(), fps=1)
    dark_frames = [np.full((48, 48, 3), 3 * k, np.uint8) for k in range(4)]
    dark = write_video(tmp_path / "videos" / "b" / "dark.mp4", dark_frames, fps=1)
    expected = []
    for path in (mixed, dark):
        frames = extract_frames(path, max_side=640)
        verdict = filter_frames(frames.images)
        expected.append(to_square(frames.images[verdict.kept] if verdict.keep.any() else frames.images, 24))
    data = load_video_folder(tmp_path / "videos", size=24)
    assert len(expected[0]) < 24 and len(expected[1]) == 4  # some dropped; an all-dark video keeps all
    assert np.array_equal(data.images, np.concatenate(expected))
