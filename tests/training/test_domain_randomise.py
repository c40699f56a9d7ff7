import numpy as np
import torch

from dancekit.training.augment import domain_randomise


def _tone(bins=32, frames=20, level=-20.0):
    x = torch.full((bins, frames), -80.0)
    x[5] = level
    return x


def test_background_is_mixed_in_at_the_drawn_ratio():
    seg = _tone()[None]
    bg = torch.full((1, 32, 20), -60.0)
    out = domain_randomise(seg, np.random.default_rng(0), bg, mix_probability=1.0, snr_db=(10.0, 10.0),
                           eq_db=0.0, gain_db=0.0)
    power = lambda db: torch.pow(10.0, db / 10.0)  # noqa: E731
    ratio = 10 * torch.log10(power(seg).mean() / (power(out) - power(seg)).mean())
    assert abs(float(ratio) - 10.0) < 0.5
    assert out[0, 5].mean() > out[0, 20].mean() + 5  # the tone stays on top


def test_without_background_only_level_and_eq_change_and_shapes_are_kept():
    seg = torch.stack([_tone(), _tone(level=-30.0)])
    out = domain_randomise(seg, np.random.default_rng(1), None, eq_db=6.0, gain_db=10.0)
    assert out.shape == seg.shape
    diff = out - seg
    assert diff.abs().max() <= 16.0 + 1e-4  # eq 6 dB + gain 10 dB at most
    # the change is one smooth curve over bins plus a constant: identical in every frame
    assert torch.allclose(diff, diff[:, :, :1].expand_as(diff), atol=1e-4)
    assert not torch.equal(out, seg)


def test_the_same_generator_state_gives_the_same_batch():
    seg = torch.randn(4, 16, 10) * 10 - 40
    bg = torch.randn(3, 16, 10) * 10 - 50
    a = domain_randomise(seg, np.random.default_rng(7), bg)
    b = domain_randomise(seg, np.random.default_rng(7), bg)
    assert torch.equal(a, b)
