"""The figure renderer: body shapes keep the motion, looks vary, renders are reproducible."""

import numpy as np
from video_fixtures import STAND, synthetic_clip

from dancekit.video.figure_render import (TANG_PARENTS, FigureRenderer, look_from_dict, render_video, reshape_body,
                                          sample_look)
from dancekit.video.frames import extract_frames


def test_skeleton_tree_reaches_every_joint_from_the_root():
    for j in range(23):
        seen, k = set(), j
        while TANG_PARENTS[k] >= 0:
            assert k not in seen
            seen.add(k)
            k = TANG_PARENTS[k]


def test_reshaping_scales_bones_and_keeps_their_directions():
    joints = STAND[None]
    longer = reshape_body(joints, {"thigh": 1.2, "shin": 1.0})
    thigh = joints[0, 8] - joints[0, 7]
    assert np.allclose(longer[0, 8] - longer[0, 7], 1.2 * thigh, atol=1e-4)
    assert np.allclose(longer[0, 9] - longer[0, 8], joints[0, 9] - joints[0, 8], atol=1e-4)
    assert np.allclose(reshape_body(joints, {}), joints, atol=1e-4)


def test_rendering_is_reproducible_and_looks_differ():
    clip = synthetic_clip()
    look = sample_look(5)
    a = FigureRenderer(clip, look, height=64).render([0.5, 1.5])
    b = FigureRenderer(clip, look_from_dict(look.to_dict()), height=64).render([0.5, 1.5])
    assert a.dtype == np.uint8 and a.shape[0] == 2 and a.shape[1] == 64
    assert np.array_equal(a, b)
    other = FigureRenderer(clip, sample_look(6), height=64).render([0.5])
    assert a[0].shape != other[0].shape or np.abs(a[0].astype(int) - other[0]).mean() > 10


def test_the_figure_moves_and_mirroring_flips():
    clip = synthetic_clip()
    look = sample_look(1)
    look.filters.update(noise=0.0, disco=False, clones=1, blur=False)
    look.background["kind"] = "gradient"
    look.camera.orbit_deg_per_s, look.mirror = 0.0, False
    frames = FigureRenderer(clip, look, height=64).render([0.0, 1.0])  # arms at rest, then raised
    assert np.abs(frames[0].astype(int) - frames[1]).max() > 60
    look.mirror = True
    mirrored = FigureRenderer(clip, look, height=64).render([0.0])
    assert np.abs(mirrored[0].astype(int) - frames[0][:, ::-1]).mean() < 1


def test_aspects_and_video_file(tmp_path):
    clip = synthetic_clip(seconds=2.0)
    widths = {}
    for seed in range(30):
        look = sample_look(seed)
        widths[look.aspect] = FigureRenderer(clip, look, height=64).render([0.0]).shape[2]
        if len(widths) == 3:
            break
    assert widths == {"square": 64, "portrait": 36, "landscape": 114}
    path = render_video(clip, tmp_path / "fig.mp4", sample_look(2), fps=10, height=64)
    frames = extract_frames(path, fps=10)
    assert len(frames) == 20 and frames.images.shape[1] == 64


def test_a_real_tang_clip_renders(shared_data):
    from dancekit.motion.tang import load_tang_motion

    clip = load_tang_motion(shared_data / "tang_dance" / "DANCE_R_2")
    frames = FigureRenderer(clip, sample_look(0), height=96).render([5.0, 6.0, 7.0])
    assert frames.shape[0] == 3 and frames.std() > 10
