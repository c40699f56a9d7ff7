"""The shipped step generator moves, upright, to a real song it never trained on, and writes a BVH."""

import numpy as np
import pytest

from dancekit.models import DEFAULT_MODELS, builtin_models

pytestmark = [pytest.mark.usefixtures("one_torch_thread"),
              pytest.mark.skipif(DEFAULT_MODELS["steps"] not in builtin_models(), reason="no built-in step model installed")]


def _limb_speed(clip) -> float:
    """Mean speed (cm/s) of the joints relative to the root: how much the body moves, not where it goes."""
    return float(np.linalg.norm(np.diff(clip.joints, axis=0), axis=-1).mean() * clip.fps)


def test_shipped_model_dances_to_a_held_out_real_song(shared_data, tmp_path):
    from dancekit.data.tang import tang_recordings, tang_split
    from dancekit.motion import load_tang_motion, tang_motion_folders
    from dancekit.motion.bvh import read_bvh, write_bvh
    from dancekit.motion.generate import generate_steps

    root = shared_data / "tang_dance"
    split = tang_split(tang_recordings(root))
    folder = next(f for f in tang_motion_folders(root) if split[f.name] == "test")
    real = load_tang_motion(folder).resampled(30)
    real = real.cropped(0, 30 * 20)
    generated = generate_steps(real.meta["audio"], dance=real.meta["dance"], seconds=20.0)
    assert len(generated) == pytest.approx(20 * 30, abs=2)
    assert np.isfinite(generated.joints).all() and np.isfinite(generated.root).all()
    # it moves, if less than the dancer (reports/dance_steps says by how much): the earlier, frozen
    # generator scored 0.013 here; the shipped one about 0.13
    ratio = _limb_speed(generated) / _limb_speed(real)
    assert 0.06 < ratio < 3, ratio
    # upright: the head stays above the pelvis
    head_height = generated.joints[:, :, 1].max(axis=1)
    assert (head_height > 30).mean() > 0.95
    write_bvh(tmp_path / "steps.bvh", generated)
    again, _ = read_bvh(tmp_path / "steps.bvh")
    assert again.quats.shape[0] == len(generated)


def test_shipped_model_bvh_stands_on_blenders_floor(shared_data, tmp_path):
    """Read back by another parser: 30 fps, our bone lengths in cm, +Y up, the feet on y = 0 (not floating)."""
    from motion_fixtures import bvhio_view

    from dancekit.motion import TANG_SKELETON
    from dancekit.motion.bvh import write_bvh
    from dancekit.motion.generate import generate_steps

    song = shared_data / "tang_dance" / "DANCE_W_1" / "audio.mp3"
    generated = generate_steps(song, dance="waltz", seconds=10.0)
    frame_time, count, names, lengths, world = bvhio_view(write_bvh(tmp_path / "steps.bvh", generated))
    assert frame_time == pytest.approx(1 / 30) and count == len(generated) == 300
    np.testing.assert_allclose(lengths, np.linalg.norm(TANG_SKELETON.offsets, axis=1), atol=1e-5)
    lowest = world[..., 1].min(axis=1)
    assert abs(np.percentile(lowest, 5)) < 1.0 and np.median(lowest) < 8.0  # standing on the floor (was 18 cm up)
    head = world[:, names.index("head"), 1]
    assert 140 < np.median(head) < 200  # a dancer's head height in cm
    assert np.abs(world - TANG_SKELETON.joint_positions(generated.world_joints())).max() < 1.0
