"""Packed float16 / int8 LSTM copies (torch.ao.quantization, deprecated): still there, quiet, close to float32."""

import warnings

import pytest
import torch
from torch import nn

from dancekit.models.lstm_precision import packed_lstm, packed_supported

pytestmark = [pytest.mark.usefixtures("one_torch_thread"),
              pytest.mark.skipif(not packed_supported(), reason="no fbgemm (not an x86 build of torch)")]


def lstm(seed=0, half_exact=False):
    torch.manual_seed(seed)
    net = nn.LSTM(12, 16, 3, batch_first=True).eval()
    if half_exact:  # weights a float16 file holds exactly, as the shipped step model's
        with torch.no_grad():
            for p in net.parameters():
                p.copy_(p.half().float())
    return net


def steps(net, x, state=None):
    """One call per time step, as the step generator's decoder runs."""
    outs = []
    for t in range(x.shape[1]):
        out, state = net(x[:, t:t + 1], state)
        outs.append(out)
    return torch.cat(outs, dim=1), state


@pytest.mark.parametrize("precision", ["fp16", "int8"])
def test_the_deprecated_api_still_packs_an_lstm_without_warnings(precision):
    """Fails the day torch.ao.quantization's dynamic LSTM is gone or starts to warn our users."""
    net = lstm()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        packed = packed_lstm(net, precision)
        x = torch.randn(2, 6, 12)
        with torch.no_grad():
            out, (h, c) = steps(packed, x)
    assert not caught, [str(w.message)[:80] for w in caught]
    assert not isinstance(packed, nn.LSTM) and not list(packed.parameters())  # packed weights, not parameters
    assert out.shape == (2, 6, 16) and h.shape == c.shape == (3, 2, 16)  # nn.LSTM's state layout
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # the source is left alone


def test_float16_weights_a_half_file_holds_give_float32_numbers():
    net = lstm(half_exact=True)
    x = torch.randn(2, 9, 12)
    with torch.no_grad():
        want, (h, c) = net(x)
        got, (h16, c16) = steps(packed_lstm(net, "fp16"), x)
    assert torch.allclose(got, want, atol=1e-6) and torch.allclose(c16, c, atol=1e-6)


def test_int8_is_close_and_does_not_depend_on_the_chunks():
    net = lstm(seed=1)
    packed = packed_lstm(net, "int8")
    x = torch.randn(1, 12, 12)
    with torch.no_grad():
        want, _ = net(x)
        whole, _ = steps(packed, x)
        first, state = steps(packed, x[:, :5])
        rest, _ = steps(packed, x[:, 5:], state)
    assert torch.equal(torch.cat([first, rest], dim=1), whole)
    error = (whole - want).abs().max().item()
    assert 0 < error < 0.05  # int8: not float32's numbers, but near them


def test_other_precisions_are_refused():
    with pytest.raises(ValueError, match="fp16 or int8, not 'bf16'"):
        packed_lstm(lstm(), "bf16")
