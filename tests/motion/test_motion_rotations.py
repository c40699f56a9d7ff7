import numpy as np
from motion_fixtures import swaying_clip, swaying_rotations

from dancekit.motion import load_tang_motion, tang_motion_folders
from dancekit.motion import quaternions as Q
from dancekit.motion.rotations import (forward_kinematics, positions_to_rotations, reconstruction_error_mm,
                                       rotations_to_positions)
from dancekit.motion.skeleton import TANG_SKELETON, fit_bone_lengths


def test_skeleton_consistent_motion_comes_back_exactly():
    clip = swaying_clip(90)
    rot = positions_to_rotations(clip)
    assert rot.quats.shape == (90, 27, 4) and rot.start_s == clip.start_s
    back = rotations_to_positions(rot)
    assert reconstruction_error_mm(clip, back).max() < 0.05
    # the pelvis is the root: its world position is the clip joint 2
    np.testing.assert_allclose(rot.root, clip.world_joints()[:, 2], atol=1e-3)


def test_quaternions_are_unit_and_never_flip_sign():
    rot = positions_to_rotations(swaying_clip(120, turn_deg_per_s=300.0))
    np.testing.assert_allclose(np.linalg.norm(rot.quats, axis=-1), 1.0, atol=1e-9)
    assert np.all(np.sum(rot.quats[1:] * rot.quats[:-1], axis=-1) >= 0)
    assert np.all(rot.quats[0, :, 0] >= 0)
    # the pelvis turns 360 degrees: continuous sign means it ends on the other hemisphere
    assert rot.quats[-1, 0, 0] < 0 < rot.quats[0, 0, 0]


def test_single_child_joints_have_no_twist():
    """The twist choice: a one-child joint's rotation is the shortest arc (axis normal to the bone)."""
    rot = positions_to_rotations(swaying_clip(40))
    for name in ("right_knee", "left_elbow", "neck", "spine"):
        j = TANG_SKELETON.index(name)
        child = TANG_SKELETON.children(j)[0]
        bone = TANG_SKELETON.offsets[child] / np.linalg.norm(TANG_SKELETON.offsets[child])
        assert np.abs(rot.quats[:, j, 1:] @ bone).max() < 1e-6


def test_rotations_drive_forward_kinematics_in_bvh_order():
    """FK of a known rotation: a 90 degree turn of the pelvis about +y swings the left hip to -z."""
    rot = swaying_rotations(1)
    quats = np.tile(Q.IDENTITY, (1, 27, 1))
    quats[0, 0] = [np.cos(np.pi / 4), 0, np.sin(np.pi / 4), 0]
    pos = forward_kinematics(quats, rot.root, TANG_SKELETON)
    hip = pos[0, TANG_SKELETON.index("left_hip")] - pos[0, 0]
    np.testing.assert_allclose(hip, Q.rotate(quats[0, 0], TANG_SKELETON.offsets[TANG_SKELETON.index("left_hip")]))
    assert hip[2] < -10


def test_real_tang_reconstruction_error(shared_data):
    folders = {f.name: f for f in tang_motion_folders(shared_data / "tang_dance")}
    clip = load_tang_motion(folders["DANCE_W_22"])
    err = reconstruction_error_mm(clip, rotations_to_positions(positions_to_rotations(clip)))
    # the skeleton's mean bone lengths cost a few cm; the clip's own mean lengths cost less
    assert 5 < err.mean() < 40 and np.median(err) < 35
    own = fit_bone_lengths(TANG_SKELETON, [clip])
    err_own = reconstruction_error_mm(clip, rotations_to_positions(positions_to_rotations(clip, own), own))
    assert err_own.mean() < err.mean() and np.median(err_own) < 15
    rot = positions_to_rotations(clip)
    assert np.all(np.sum(rot.quats[1:] * rot.quats[:-1], axis=-1) >= 0)
