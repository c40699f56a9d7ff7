"""The frame filter keeps real dance frames and drops black, flat, blurred and repeated ones."""

import numpy as np
import pytest
from PIL import Image, ImageFilter

from dancekit.video.filtering import FilterSettings, filter_frames, hamming, laplacian_variance, grey, perceptual_hash
from dancekit.video.frames import extract_frames


@pytest.fixture(scope="module")
def real_frames(shared_data):
    clips = sorted((shared_data / "video_smoke" / "clips").glob("*.mp4"))
    return {c.stem: extract_frames(c, max_side=480).images for c in clips}


def test_every_real_frame_at_one_fps_is_kept(real_frames):
    for name, images in real_frames.items():
        verdict = filter_frames(images)
        assert verdict.keep.all(), (name, verdict.reasons)


def test_blurred_real_frames_are_dropped(real_frames):
    for name, images in real_frames.items():
        sigma = 3 * max(images.shape[1:3]) / 256  # 3 px at the analysis size
        blurred = np.stack([np.asarray(Image.fromarray(im).filter(ImageFilter.GaussianBlur(sigma))) for im in images])
        verdict = filter_frames(blurred)
        assert not verdict.keep.any(), name
        assert set(verdict.reasons) == {"blurred"}


def test_one_blurred_frame_among_sharp_ones_is_dropped_by_the_relative_test(real_frames):
    images = real_frames["salsa"].copy()
    images[3] = np.asarray(Image.fromarray(images[3]).filter(ImageFilter.GaussianBlur(1.5)))
    verdict = filter_frames(images, FilterSettings(blur_abs=0.0))
    assert verdict.reasons[3] == "blurred" and verdict.keep.sum() == len(images) - 1


def test_black_flat_and_repeated_frames_are_dropped(real_frames):
    images = real_frames["macarena"]
    noise = np.random.default_rng(0).normal(0, 1.5, images[2].shape)
    repeat = np.clip(images[2] + noise, 0, 255).astype(np.uint8)  # a re-encoded copy of frame 2
    batch = np.stack([images[0], np.zeros_like(images[0]), np.full_like(images[0], 140), images[2], repeat,
                      images[3]])
    verdict = filter_frames(batch)
    assert verdict.reasons == ["", "black", "flat", "", "duplicate", ""]
    assert verdict.counts() == {"kept": 3, "black": 1, "flat": 1, "duplicate": 1}


def test_new_pose_on_the_same_background_is_not_a_duplicate(real_frames):
    # consecutive seconds of this clip hash within 2-4 bits (same background) but show new poses
    images = real_frames["gangam_style"]
    hashes = [perceptual_hash(grey(im)) for im in images]
    close = [i for i in range(len(images) - 1) if hamming(hashes[i], hashes[i + 1]) <= 4]
    assert close, "the clip no longer has close hashes; pick another pair"
    assert filter_frames(images).keep.all()


def test_sharpness_measure_orders_blur_levels(real_frames):
    g = grey(real_frames["ballet"][0])
    values = [laplacian_variance(grey(np.asarray(Image.fromarray(real_frames["ballet"][0]).filter(
        ImageFilter.GaussianBlur(s))))) for s in (0.5, 2, 4)]
    assert laplacian_variance(g) > values[0] > values[1] > values[2]


def test_empty_input():
    verdict = filter_frames(np.zeros((0, 8, 8, 3), np.uint8))
    assert verdict.keep.shape == (0,) and verdict.counts() == {"kept": 0}
