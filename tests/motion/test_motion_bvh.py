import numpy as np
import pytest
from motion_fixtures import swaying_clip, swaying_rotations

from dancekit.motion.bvh import BvhError, read_bvh, write_bvh
from dancekit.motion.rotations import forward_kinematics, rotations_to_positions
from dancekit.motion.skeleton import TANG_SKELETON


def test_round_trip_keeps_rotations_positions_and_names(tmp_path):
    rot = swaying_rotations(45, fps=30.0, turn_deg_per_s=400.0)
    path = write_bvh(tmp_path / "dance.bvh", rot)
    assert [p.name for p in tmp_path.iterdir()] == ["dance.bvh"]  # no temporary file left
    back, skeleton = read_bvh(path)
    assert skeleton.names == TANG_SKELETON.names and skeleton.parents == TANG_SKELETON.parents
    np.testing.assert_allclose(skeleton.offsets, TANG_SKELETON.offsets, atol=1e-6)
    assert back.fps == pytest.approx(30.0) and back.quats.shape == rot.quats.shape
    assert np.abs(np.sum(back.quats * rot.quats, axis=-1)).min() > 1 - 1e-9
    original = forward_kinematics(rot.quats, rot.root, TANG_SKELETON)
    again = forward_kinematics(back.quats, back.root, skeleton)
    assert np.abs(original - again).max() < 1e-3  # cm: 6 decimals in the file
    # the Tang layout is recognised, so the 23 capture joints come back
    assert rotations_to_positions(back, skeleton).joints.shape == (45, 23, 3)


def test_positions_are_written_through_inverse_kinematics(tmp_path):
    clip = swaying_clip(20)
    back, skeleton = read_bvh(write_bvh(tmp_path / "a.bvh", clip))
    rebuilt = rotations_to_positions(back, skeleton)
    assert np.abs(rebuilt.world_joints() - clip.world_joints()).max() < 1e-2


def test_an_independent_parser_sees_the_same_pose(tmp_path):
    bvhio = pytest.importorskip("bvhio")
    rot = swaying_rotations(12, turn_deg_per_s=200.0)
    path = write_bvh(tmp_path / "dance.bvh", rot)
    ours = forward_kinematics(rot.quats, rot.root, TANG_SKELETON)
    root = bvhio.readAsHierarchy(str(path))
    joints = [j for j, _, _ in root.layout()]
    assert [j.Name for j in joints] == list(TANG_SKELETON.names)
    for frame in (0, 5, 11):
        root.loadPose(frame, recursive=True)
        theirs = np.array([[j.PositionWorld.x, j.PositionWorld.y, j.PositionWorld.z] for j in joints])
        assert np.abs(theirs - ours[frame]).max() < 1e-3


def test_other_channel_orders_and_end_sites_are_read(tmp_path):
    text = """HIERARCHY
ROOT Hips
{
  OFFSET 1 2 3
  CHANNELS 6 Xposition Yposition Zposition Xrotation Yrotation Zrotation
  JOINT Arm
  {
    OFFSET 10 0 0
    CHANNELS 3 Xrotation Yrotation Zrotation
    End Site
    {
      OFFSET 5 0 0
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.04
0 0 0 0 0 0 0 0 0
1 1 1 0 0 90 0 90 0
"""
    (tmp_path / "x.bvh").write_text(text)
    rot, skeleton = read_bvh(tmp_path / "x.bvh")
    assert skeleton.names == ("Hips", "Arm") and skeleton.end_sites[1].tolist() == [5, 0, 0]
    assert rot.fps == pytest.approx(25.0)
    pos = forward_kinematics(rot.quats, rot.root, skeleton)
    np.testing.assert_allclose(pos[0], [[1, 2, 3], [11, 2, 3]], atol=1e-9)
    np.testing.assert_allclose(pos[1], [[2, 3, 4], [2, 13, 4]], atol=1e-9)  # root turned 90 deg about z


@pytest.mark.parametrize("text, message", [
    ("hello", "not a BVH"),
    ("HIERARCHY\nROOT a\n{\nOFFSET 0 0 0\nCHANNELS 3 Xrotation Yrotation Zrotation\n}\nMOTION\nFrames: 2\nFrame Time: 0.1\n0 0 0\n",
     "expected 2 frames"),
    ("HIERARCHY\nROOT a\n{\nOFFSET 0 0\nCHANNELS 3 Xrotation Yrotation Zrotation\n}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0 0 0\n",
     "expected a number"),
    ("HIERARCHY\nROOT a\n{\nOFFSET 0 0 0\nCHANNELS 1 Wrotation\n}\nMOTION\nFrames: 1\nFrame Time: 0.1\n0\n",
     "unknown channel"),
])
def test_broken_files_are_a_clear_error(tmp_path, text, message):
    (tmp_path / "bad.bvh").write_text(text)
    with pytest.raises(BvhError, match=message):
        read_bvh(tmp_path / "bad.bvh")
    with pytest.raises(BvhError, match="cannot read"):
        read_bvh(tmp_path / "missing.bvh")


def test_blender_reads_our_scale_axes_and_frame_rate(tmp_path):
    """What Blender's importer needs: centimetres, +Y up with the floor at y = 0, 1/fps per frame."""
    from motion_fixtures import bvhio_view

    clip = swaying_clip(40, fps=25.0).grounded()
    path = write_bvh(tmp_path / "dance.bvh", clip)
    frame_time, count, names, lengths, world = bvhio_view(path)
    assert frame_time == pytest.approx(1 / 25.0, abs=1e-8) and count == 40 == len(world)
    assert names == list(TANG_SKELETON.names)
    np.testing.assert_allclose(lengths, np.linalg.norm(TANG_SKELETON.offsets, axis=1), atol=1e-5)  # cm
    head, feet = TANG_SKELETON.index("head"), [TANG_SKELETON.index(n) for n in ("left_toe", "right_toe")]
    assert (world[:, head, 1] - world[:, feet, 1].max(axis=1) > 50).all()  # y up, in every frame
    assert np.median(world[:, head, 1]) > 130  # an adult's head in cm (1.3 would be metres)
    assert abs(np.percentile(world[..., 1].min(axis=1), 5)) < 1.0  # feet on the floor at y = 0
    rebuilt = rotations_to_positions(read_bvh(path)[0]).world_joints()
    ours = TANG_SKELETON.joint_positions(rebuilt)
    assert np.abs(world - ours).max() < 1e-3  # their forward kinematics = ours
