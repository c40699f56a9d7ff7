import numpy as np
import pytest

from dancekit.motion import load_tang_motion, tang_motion_folders
from dancekit.motion.skeleton import TANG_SKELETON, Skeleton, SkeletonError, fit_bone_lengths


def test_tang_skeleton_is_a_valid_tree_covering_the_23_joints():
    sk = TANG_SKELETON
    assert len(sk) == 27 and sk.names[0] == "hips" and sk.parents[0] == -1
    assert all(0 <= p < j for j, p in enumerate(sk.parents) if j)
    assert sorted({s for src in sk.sources for s in src}) == list(range(23))
    assert len(sk.output_joints) == 23 and len(set(sk.output_joints)) == 23
    assert all(sk.sources[j] == (k,) for k, j in enumerate(sk.output_joints))
    assert set(sk.end_sites) == set(sk.leaves)
    # T-pose rest: the dancer's left on +x, feet below the pelvis, head above it
    rest = sk.rest_positions()
    assert rest[sk.index("left_wrist"), 0] > 60 and rest[sk.index("right_wrist"), 0] < -60
    assert rest[sk.index("right_toe"), 1] < -90 and rest[sk.index("right_toe"), 2] > rest[sk.index("right_heel"), 2]
    assert rest[sk.index("head"), 1] > 45


def test_bad_skeletons_are_rejected():
    with pytest.raises(SkeletonError):
        Skeleton(("a", "b"), (-1, 1), np.zeros((2, 3)))
    with pytest.raises(SkeletonError):
        Skeleton(("a", "a"), (-1, 0), np.zeros((2, 3)))
    with pytest.raises(SkeletonError, match="joints"):
        TANG_SKELETON.joint_positions(np.zeros((3, 10, 3)))


@pytest.fixture(scope="module")
def real_clips(shared_data):
    folders = {f.name: f for f in tang_motion_folders(shared_data / "tang_dance")}
    return [load_tang_motion(folders["DANCE_C_2"]), load_tang_motion(folders["DANCE_W_22"])]


def test_bones_of_the_inferred_hierarchy_keep_their_length(real_clips):
    """Bones vary ~10 % (noisy capture) while joint pairs that are not bones vary far more."""
    sk = TANG_SKELETON
    for clip in real_clips:
        lengths = sk.bone_lengths(clip.world_joints())
        bones = [j for j in range(1, len(sk)) if np.linalg.norm(sk.offsets[j]) > 0]
        rel = lengths[:, bones].std(axis=0) / lengths[:, bones].mean(axis=0)
        assert np.median(rel) < 0.12 and rel.max() < 0.35
        world = clip.world_joints().astype(np.float64)
        adjacent = {frozenset(sk.sources[j] + sk.sources[sk.parents[j]]) for j in bones}
        others = [np.linalg.norm(world[:, a] - world[:, b], axis=1) for a in range(23) for b in range(a)
                  if frozenset((a, b)) not in adjacent]
        other_rel = np.array([d.std() / d.mean() for d in others])
        assert np.median(other_rel) > 2 * np.median(rel)


def test_rest_lengths_are_the_data_means(real_clips):
    fitted = fit_bone_lengths(TANG_SKELETON, real_clips)
    ours, theirs = np.linalg.norm(TANG_SKELETON.offsets, axis=1), np.linalg.norm(fitted.offsets, axis=1)
    bones = ours > 0
    assert np.all(np.abs(theirs[bones] / ours[bones] - 1) < 0.2)
    assert np.median(np.abs(theirs[bones] / ours[bones] - 1)) < 0.08
