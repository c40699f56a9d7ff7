"""The pose classifier learns to tell two generated motion patterns apart through random cameras."""

import numpy as np
import torch

from dancekit.models.pose_classifier import PoseTCN, n_parameters, predict_proba, train_epoch
from dancekit.video import pose_sequences as ps

K = {n: i for i, n in enumerate(ps.KEYPOINTS)}


def figure(n: int) -> np.ndarray:
    base = {"nose": (0, 170, 5), "shoulder": (18, 145, 0), "elbow": (22, 117, 0), "wrist": (24, 90, 0),
            "hip": (10, 95, 0), "knee": (10, 50, 0), "ankle": (10, 8, 0)}
    rows = [base["nose"]] + [((1 if n.startswith("left") else -1) * base[n.split("_")[1]][0],) + base[n.split("_")[1]][1:]
                             for n in ps.KEYPOINTS[1:]]
    return np.repeat(np.array(rows, float)[None], n, axis=0)


def pattern(kind: int, n: int, rng) -> np.ndarray:
    """0: arms swing forward and back; 1: knees bend (body bobs). Random tempo, phase, size."""
    t = np.arange(n) / 15.0
    phase = 2 * np.pi * rng.uniform(0.8, 1.6) * t + rng.uniform(0, 2 * np.pi)
    amp = rng.uniform(0.7, 1.3)
    p = figure(n)
    if kind == 0:
        for side, sign in (("left", 1), ("right", -1)):
            p[:, K[f"{side}_elbow"], 2] += sign * 15 * amp * np.sin(phase)
            p[:, K[f"{side}_wrist"], 2] += sign * 30 * amp * np.sin(phase)
    else:
        bob = 10 * amp * (1 - np.cos(phase)) / 2
        p[:, :, 1] -= bob[:, None] * (np.arange(13) < 11)[None]  # all but the ankles go down
        for side in ("left", "right"):
            p[:, K[f"{side}_knee"], 2] += 1.5 * bob
    return p + rng.normal(0, 0.5, p.shape)


def test_small_network_shapes():
    net = PoseTCN(ps.FEATURE_CHANNELS, 3)
    assert 50_000 < n_parameters(net) < 500_000
    net.eval()
    for length in (30, 60):
        assert net(torch.zeros(2, ps.FEATURE_CHANNELS, length)).shape == (2, 3)


def test_learns_two_motion_patterns_on_unseen_tracks(one_torch_thread):
    rng = np.random.default_rng(0)
    songs = [ps.PoseSong(f"s{i}", str(i % 2), pattern(i % 2, 60, rng)) for i in range(12)]
    labels = [i % 2 for i in range(12)]
    train, test = songs[:8], songs[8:]
    torch.manual_seed(0)
    net = PoseTCN(ps.FEATURE_CHANNELS, 2, width=32, dilations=(1, 2, 4))
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(8):
        x, y = ps.random_windows(train, labels[:8], 48, rng, window=30)
        loss = train_epoch(net, x, y, opt, batch=32, generator=gen)
    assert np.isfinite(loss)
    x_test = np.concatenate([ps.song_windows(s, window=30, hop=5, seed=9) for s in test])
    y_test = np.concatenate([np.full(len(ps.window_starts(60, 30, 5)), l) for l in labels[8:]])
    probs = predict_proba(net, x_test)
    assert probs.shape == (len(y_test), 2)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-5)
    assert np.mean(probs.argmax(1) == y_test) >= 0.9
