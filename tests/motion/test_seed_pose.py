"""Starting generation from the first frame of a BVH: what fits, what does not, and the ease-in."""

import numpy as np
import pytest
import soundfile as sf
import torch
from motion_fixtures import swaying_rotations

from dancekit.cli import main as cli_main
from dancekit.models.dance_rnn import build_dance_rnn, make_card
from dancekit.models.files import save_model
from dancekit.motion import quaternions as Q
from dancekit.motion.bvh import read_bvh, write_bvh
from dancekit.motion.features import FEATURE_DIM, ROOT_DIMS, MotionNormalizer, rotations_to_features
from dancekit.motion.generate import SEED_BLEND_FRAMES, StepGenerationError, StepGenerator, generate_features
from dancekit.motion.rotations import RotationClip, forward_kinematics, rotations_to_positions
from dancekit.motion.seed_pose import SeedPoseError, read_seed_pose
from dancekit.motion.skeleton import TANG_SKELETON, Skeleton

DANCES = ["Cha Cha Cha", "Rumba", "Slow Waltz", "Tango"]
TINY = dict(conv_channels=(4, 4, 4, 6), hidden=10, encoder_layers=1, decoder_layers=2, code_dim=6, dance_dim=3)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A tiny untrained generator on the Tang motion vector, its normaliser fitted on real-looking poses."""
    torch.manual_seed(0)
    net = build_dance_rnn(FEATURE_DIM, n_dances=4, dances=DANCES, **TINY).eval()
    poses = rotations_to_features(swaying_rotations(200, seed=3))
    normaliser = MotionNormalizer.fit(poses)
    mean = normaliser.transform(poses.mean(axis=0)).tolist()
    frontend = {"kind": "step_audio", "motion": {"mean_pose": mean, "normaliser": normaliser.to_dict()}}
    folder = tmp_path_factory.mktemp("seed") / "model"
    save_model(net, make_card("tiny", net, frontend), folder)
    return folder


@pytest.fixture(scope="module")
def seed_bvh(tmp_path_factory):
    path = tmp_path_factory.mktemp("bvh") / "pose.bvh"
    return write_bvh(path, swaying_rotations(5, seed=1))


def _song(seconds=1.0, sr=16000):
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * np.random.default_rng(0).standard_normal(len(t))).astype(np.float32)


def test_the_first_frame_becomes_a_motion_vector(seed_bvh):
    rot = swaying_rotations(5, seed=1)
    pose = read_seed_pose(seed_bvh)
    assert pose.features.shape == (FEATURE_DIM,)
    world = forward_kinematics(rot.quats[:1], rot.root[:1], TANG_SKELETON)[0]
    assert pose.features[1] == pytest.approx((rot.root[0, 1] - world[:, 1].min()) / 100, abs=1e-4)  # m above the feet
    assert pose.features[0] == 0 and pose.features[2] == 0
    np.testing.assert_allclose(pose.root_xz, rot.root[0, [0, 2]], atol=1e-4)
    ours = pose.features[ROOT_DIMS:].reshape(-1, 4)
    theirs = rot.quats[0, list(TANG_SKELETON.rotating_joints)]
    assert np.abs(np.sum(ours * theirs, axis=1)).min() > 1 - 1e-6


def test_a_file_in_metres_gives_the_same_pose(seed_bvh, tmp_path):
    rot = swaying_rotations(5, seed=1)
    metres = Skeleton(TANG_SKELETON.names, TANG_SKELETON.parents, TANG_SKELETON.offsets / 100,
                      {k: v / 100 for k, v in TANG_SKELETON.end_sites.items()})
    path = write_bvh(tmp_path / "m.bvh", RotationClip(rot.quats, rot.root / 100, rot.fps), metres)
    a, b = read_seed_pose(seed_bvh), read_seed_pose(path)
    np.testing.assert_allclose(a.features, b.features, atol=1e-4)
    np.testing.assert_allclose(a.root_xz, b.root_xz, atol=1e-3)


def _edited(offsets=None, parents=None, names=None):
    sk = TANG_SKELETON
    return Skeleton(names or sk.names, parents or sk.parents, sk.offsets if offsets is None else offsets, sk.end_sites)


@pytest.mark.parametrize("change, message", [
    (dict(names=tuple(n.replace("left_knee", "l_knee") for n in TANG_SKELETON.names)), "lacks the joints left_knee"),
    (dict(parents=tuple(1 if n == "left_hip" else p for n, p in zip(TANG_SKELETON.names, TANG_SKELETON.parents))),
     "'left_hip' hangs from 'right_hip'"),
    (dict(offsets=np.where(np.arange(len(TANG_SKELETON))[:, None] == TANG_SKELETON.index("left_elbow"),
                           [[20.0, -20.0, 0.0]], TANG_SKELETON.offsets)), "rest direction of 'left_elbow'"),
])
def test_a_skeleton_that_does_not_fit_is_named(tmp_path, change, message):
    skeleton = _edited(**change)
    rot = swaying_rotations(3)
    path = write_bvh(tmp_path / "other.bvh", rot, skeleton)
    with pytest.raises(SeedPoseError, match=message):
        read_seed_pose(path)


def test_unreadable_files_are_seed_pose_errors(tmp_path):
    (tmp_path / "x.bvh").write_text("not a bvh")
    with pytest.raises(SeedPoseError, match="not a BVH"):
        read_seed_pose(tmp_path / "x.bvh")
    with pytest.raises(SeedPoseError, match="cannot read"):
        read_seed_pose(tmp_path / "missing.bvh")


def test_generation_starts_at_the_pose_and_eases_into_the_model(model_dir, seed_bvh):
    y = _song(2.0)
    pose = read_seed_pose(seed_bvh)
    free, _ = generate_features(y, model_dir, "waltz")
    seeded, gen = generate_features(y, model_dir, "waltz", start_pose=pose, chunk_seconds=0.2)
    np.testing.assert_allclose(seeded[0], gen.start_pose, atol=1e-6)  # frame 0 is the given pose
    assert not np.allclose(seeded[SEED_BLEND_FRAMES + 5:], free[SEED_BLEND_FRAMES + 5:])  # the network started there
    distance = np.abs(seeded[:SEED_BLEND_FRAMES] - gen.start_pose).max(axis=1)
    assert distance[1] < 0.05 * distance[-1]  # no jump: frame 1 is about 1 % of the way to the network's
    again, _ = generate_features(y, model_dir, "waltz", start_pose=pose)  # chunking does not change the ease
    np.testing.assert_allclose(again, seeded, atol=1e-5)


def test_a_pose_of_another_length_is_refused(model_dir):
    with pytest.raises(StepGenerationError, match="does not fit"):
        StepGenerator(model_dir, "waltz", start_pose=np.zeros(7))


def test_cli_seed_pose(model_dir, seed_bvh, tmp_path, capsys):
    wav = tmp_path / "song.wav"
    sf.write(wav, _song(1.0), 16000)
    out = tmp_path / "steps.bvh"
    args = ["generate", str(wav), "--dance", "waltz", "--model", str(model_dir), "-o", str(out)]
    assert cli_main(args + ["--seed-pose", str(seed_bvh)]) == 0
    back, skeleton = read_bvh(out)
    start = rotations_to_positions(read_bvh(seed_bvh)[0]).world_joints()[0]
    first = rotations_to_positions(back, skeleton).world_joints()[0]
    # the same pose on the same spot; heights differ only by where each clip puts its floor
    shift = first - start
    assert np.abs(shift[:, [0, 2]]).max() < 0.05 and np.ptp(shift[:, 1]) < 0.05
    capsys.readouterr()
    other = write_bvh(tmp_path / "two.bvh", RotationClip(np.tile(Q.IDENTITY, (2, 2, 1)), np.zeros((2, 3)), 30.0),
                      Skeleton(("hips", "arm"), (-1, 0), [[0, 0, 0], [10, 0, 0]]))
    assert cli_main(args + ["--seed-pose", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "does not fit the step model" in err and err.count("\n") == 1
