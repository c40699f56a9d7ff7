"""The pose classifier's shape: any window length in, one logit per class out (its training: tests/video/test_pose_training.py)."""

import torch

from dancekit.models.pose_classifier import PoseTCN, n_parameters
from dancekit.video import pose_sequences as ps


def test_small_network_shapes():
    net = PoseTCN(ps.FEATURE_CHANNELS, 3)
    assert 50_000 < n_parameters(net) < 500_000
    net.eval()
    for length in (30, 60):
        assert net(torch.zeros(2, ps.FEATURE_CHANNELS, length)).shape == (2, 3)

