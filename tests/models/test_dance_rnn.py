"""The dance-step network of paper 5 (Table I): shapes, output range, streaming, conditioning, files."""

import json

import pytest
import torch

from dancekit.errors import ModelError
from dancekit.features import step_audio
from dancekit.models.dance_rnn import (
    DanceRNN,
    DanceRNNConfig,
    build_dance_rnn,
    load_dance_rnn,
    make_card,
    parameter_count,
)
from dancekit.models.files import save_model
from dancekit.models.dance_rnn_network import FastELU, widen_state_dict
from dancekit.models.lstm_precision import packed_supported

TINY = dict(conv_channels=(4, 4, 4, 6), hidden=10, encoder_layers=2, decoder_layers=2, code_dim=6)
DANCES = ["Cha Cha Cha", "Rumba", "Slow Waltz", "Tango"]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def audio(b=2, t=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(b, t, 129, 5, generator=g) * 2 - 1


def test_paper_size_network_follows_table_1():
    torch.manual_seed(0)
    net = build_dance_rnn(71)
    convs = [m for m in net.encoder.conv if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [16, 32, 64, 65]
    assert all(c.kernel_size == (33, 2) for c in convs)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in net.encoder.conv) == 4
    assert net.encoder.lstm.input_size == 65  # a [129, 5] patch becomes 65 x 1 x 1
    assert (net.encoder.lstm.hidden_size, net.encoder.lstm.num_layers) == (500, 3)
    assert net.encoder.fc.out_features == 65
    assert net.decoder.input_size == 71 + 65 == 136  # the paper's 136-d decoder input
    assert (net.decoder.hidden_size, net.decoder.num_layers) == (500, 3)
    assert net.out.out_features == 71
    assert 10_900_000 < parameter_count(net) < 11_000_000
    assert (net.config.n_bins, net.config.n_stft) == (step_audio.N_BINS, step_audio.N_STFT)


def test_forward_shapes_and_elu_bounded_output():
    torch.manual_seed(0)
    net = build_dance_rnn(5, **TINY)
    with torch.no_grad():
        motion, codes = net(audio(), torch.zeros(2, 5))
    assert motion.shape == (2, 7, 5) and codes.shape == (2, 7, 6)
    assert float(motion.min()) > -net.config.output_gain  # ELU never reaches -1 x gain
    assert float(codes.min()) > -1.0
    with torch.no_grad():
        net.out.bias.fill_(-50.0)  # saturate: targets of -1 stay reachable
        low, _ = net(audio(), torch.zeros(2, 5))
    assert float(low.max()) < -0.99


def _reference_decode(net, audio_in, start, teacher=None):
    """The decoder as plain ``nn.LSTM`` calls, one step at a time, fed what the paper feeds it."""
    codes, _ = net.encoder(audio_in)
    prev, state, outs = start, None, []
    for t in range(codes.shape[1]):
        h, state = net.decoder(torch.cat([prev, codes[:, t]], -1).unsqueeze(1), state)
        out = net.config.output_gain * torch.nn.functional.elu(net.out(h[:, 0]))
        outs.append(out)
        prev = out if teacher is None else torch.where(teacher[1][:, t, None], teacher[0][:, t], out)
    return torch.stack(outs, 1)


def test_each_step_gets_the_previous_generated_frame_auto_conditioning():
    torch.manual_seed(0)
    net = build_dance_rnn(5, **TINY).eval()
    x, start = audio(2, 6), torch.full((2, 5), 0.3)
    with torch.no_grad():
        motion, _ = net(x, start)
        reference = _reference_decode(net, x, start)
        # feeding the ground truth instead (teacher forcing) gives other numbers after the first frame
        truth = torch.rand(2, 6, 5) - 0.5
        use = torch.zeros(2, 6, dtype=torch.bool)
        use[0, 2] = True
        forced, _ = net(x, start, teacher=(truth, use))
        forced_reference = _reference_decode(net, x, start, (truth, use))
    assert torch.allclose(motion, reference, atol=1e-6)  # ground truth only at the start, then its own output
    assert torch.allclose(forced, forced_reference, atol=1e-6)
    assert torch.equal(forced[:, :3], motion[:, :3]) and torch.equal(forced[1], motion[1])
    assert not torch.allclose(forced[0, 3:], motion[0, 3:])


def test_chunked_streaming_equals_one_pass():
    torch.manual_seed(1)
    net = build_dance_rnn(5, **TINY).eval()
    x, start = audio(2, 11, seed=3), torch.rand(2, 5) - 0.5
    with torch.no_grad():
        whole, _ = net(x, start)
    state, parts = net.init_state(start), []
    for a, b in ((0, 4), (4, 5), (5, 11)):
        out, state = net.step(x[:, a:b], state)
        parts.append(out)
    assert torch.allclose(torch.cat(parts, dim=1), whole, atol=1e-6)


def test_fast_elu_is_elu_to_float_rounding_and_trains_as_elu():
    x = torch.cat([torch.randn(10_000) * 5, torch.tensor([-1e30, -88.0, -1e-8, 0.0, 1e-8, 1e30, float("inf"),
                                                          -float("inf")])])
    want = torch.nn.functional.elu(x)
    got = FastELU()(x)
    assert torch.allclose(got, want, rtol=0, atol=6e-8) and got.dtype == x.dtype
    assert torch.isnan(FastELU()(torch.tensor([float("nan")]))).all()
    leaf, plain = x[:100].clone().requires_grad_(), x[:100].clone().requires_grad_()
    FastELU()(leaf).sum().backward()  # with gradients: nn.ELU's own function and derivative
    torch.nn.functional.elu(plain).sum().backward()
    assert torch.equal(leaf.grad, plain.grad)
    assert all(isinstance(m, FastELU) for m in build_dance_rnn(5, **TINY).encoder.conv if isinstance(m, torch.nn.ELU))


def half_exact(net):
    """Weights a float16 file holds exactly, as the shipped step model's."""
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(p.half().float())
    return net


def stream(net, x, start, cuts, precisions):
    state, parts = net.init_state(start), []
    for (a, b), precision in zip(cuts, precisions):
        out, state = net.step(x[:, a:b], state, precision=precision)
        parts.append(out)
    return torch.cat(parts, dim=1), state["decoder"]


@pytest.mark.skipif(not packed_supported(), reason="no fbgemm (not an x86 build of torch)")
def test_packed_decoders_stream_in_chunks_and_keep_the_state_layout():
    torch.manual_seed(2)
    net = half_exact(build_dance_rnn(5, **TINY).eval())
    x, start = audio(2, 11, seed=4), torch.rand(2, 5) - 0.5
    cuts = ((0, 4), (4, 5), (5, 11))
    fp32, (h, c) = stream(net, x, start, [(0, 11)], ["fp32"])
    for precision in ("fp16", "int8"):
        whole, _ = stream(net, x, start, [(0, 11)], [precision])
        chunked, (hp, cp) = stream(net, x, start, cuts, [precision] * 3)
        assert torch.allclose(chunked, whole, atol=1e-6)  # one decoder call per frame: chunks do not matter
        assert hp.shape == h.shape and cp.shape == c.shape
    fp16, _ = stream(net, x, start, [(0, 11)], ["fp16"])
    int8, _ = stream(net, x, start, [(0, 11)], ["int8"])
    assert torch.allclose(fp16, fp32, atol=1e-6)  # float16 weights, float32 arithmetic: the same numbers
    assert 0 < (int8 - fp32).abs().max() < 0.1
    mixed, _ = stream(net, x, start, cuts, ["fp32", "int8", "fp16"])  # precisions continue one another
    assert torch.allclose(mixed[:, :4], fp32[:, :4], atol=1e-6) and torch.allclose(mixed, fp32, atol=0.1)
    assert set(net.state_dict()) == set(build_dance_rnn(5, **TINY).state_dict())  # nothing packed is saved


@pytest.mark.skipif(not packed_supported(), reason="no fbgemm (not an x86 build of torch)")
def test_packed_decoder_follows_weight_changes_and_unknown_precisions_are_refused():
    torch.manual_seed(3)
    net = half_exact(build_dance_rnn(5, **TINY).eval())
    x, start = audio(1, 6, seed=5), torch.zeros(1, 5)
    before, _ = stream(net, x, start, [(0, 6)], ["fp16"])
    with torch.no_grad():
        net.decoder.weight_hh_l0.mul_(0.5)  # as an optimiser step changes it in place
    after, _ = stream(net, x, start, [(0, 6)], ["fp16"])
    fp32, _ = stream(net, x, start, [(0, 6)], ["fp32"])
    assert not torch.allclose(after, before) and torch.allclose(after, fp32, atol=1e-6)
    with pytest.raises(ValueError, match="precision must be one of fp32, fp16, int8, not 'int4'"):
        net.step(x, net.init_state(start), precision="int4")


def test_dance_conditioning_changes_the_steps_and_is_required():
    torch.manual_seed(0)
    net = build_dance_rnn(5, n_dances=4, dance_dim=3, dances=DANCES, **TINY).eval()
    x, start = audio(1, 5), torch.zeros(1, 5)
    with pytest.raises(ValueError, match="conditioned"):
        net(x, start)
    waltz, _ = net(x, start, 2)
    tango, _ = net(x, start, torch.tensor([3]))
    assert net.decoder.input_size == 5 + 6 + 3
    assert not torch.allclose(waltz, tango)


def test_config_round_trips_and_rejects_impossible_patches():
    cfg = DanceRNNConfig(motion_dim=9, n_dances=4, dances=DANCES, **TINY)
    again = DanceRNNConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))
    assert again == cfg
    with pytest.raises(ValueError, match="too small"):
        DanceRNN(DanceRNNConfig(motion_dim=4, n_stft=4))


def _saved(tmp_path, **kw):
    torch.manual_seed(0)
    net = build_dance_rnn(5, n_dances=4, dance_dim=3, dances=DANCES, **TINY).eval()
    frontend = {"kind": "step_audio", "motion": {"mean_pose": [0.1] * 5, "normaliser": {}}}
    save_model(net, make_card("tiny_steps", net, frontend, "tiny"), tmp_path / "m")
    return net, tmp_path / "m"


def test_model_folder_round_trip(tmp_path):
    net, folder = _saved(tmp_path)
    loaded = load_dance_rnn(folder)
    assert loaded.card.task == "steps" and loaded.card.classes == DANCES
    x = audio(1, 4)
    with torch.no_grad():
        assert torch.equal(loaded.network(x, torch.zeros(1, 5), 1)[0], net(x, torch.zeros(1, 5), 1)[0])


def test_broken_model_folders_are_one_line_errors(tmp_path):
    _, folder = _saved(tmp_path)
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        load_dance_rnn(folder)
    card = json.loads((folder / "model.json").read_text())
    card["architecture"] = "resnet18"
    (folder / "model.json").write_text(json.dumps(card))
    with pytest.raises(ModelError, match="not a dance-step generator"):
        load_dance_rnn(folder)
    with pytest.raises(ModelError, match="no model"):
        load_dance_rnn(tmp_path / "nowhere")


def test_phase_input_enters_the_decoder_last_and_is_required_exactly_when_configured():
    torch.manual_seed(0)
    net = build_dance_rnn(5, phase_dim=3, **TINY).eval()
    plain = build_dance_rnn(5, **TINY)
    assert net.decoder.input_size == plain.decoder.input_size + 3
    x, start, phase = audio(2, 6), torch.zeros(2, 5), torch.rand(2, 6, 3)
    with torch.no_grad():
        out, _ = net(x, start, phase=phase)
        shared, _ = net(x, start, phase=phase[0])  # one phase for the whole batch
        other, _ = net(x, start, phase=torch.rand(2, 6, 3))
    assert out.shape == (2, 6, 5) and not torch.allclose(out, other)
    assert torch.allclose(shared[0], out[0])
    with pytest.raises(ValueError, match="follows the beat"):
        net(x, start)
    with pytest.raises(ValueError, match="phase must be"):
        net(x, start, phase=torch.rand(2, 5, 3))
    with pytest.raises(ValueError, match="no phase input"):
        plain(x, start, phase=phase)
    assert DanceRNNConfig.from_dict({"motion_dim": 5}).phase_dim == 0  # cards written before it


def test_a_phase_model_started_from_a_plain_one_dances_exactly_as_it_did():
    torch.manual_seed(2)
    plain = build_dance_rnn(5, n_dances=4, dances=DANCES, **TINY).eval()
    wide = build_dance_rnn(5, n_dances=4, dances=DANCES, phase_dim=5, **TINY).eval()
    assert widen_state_dict(wide, plain.state_dict()) == ["decoder.weight_ih_l0"]
    x, start = audio(2, 9, seed=4), torch.rand(2, 5) - 0.5
    with torch.no_grad():
        before, _ = plain(x, start, 2)
        after, _ = wide(x, start, 2, phase=torch.rand(2, 9, 5))
    assert torch.allclose(before, after, atol=1e-6)  # the same sums, in another order
    with pytest.raises(ValueError, match="does not fit"):
        widen_state_dict(plain, wide.state_dict())
    with pytest.raises(ValueError, match="missing"):
        widen_state_dict(wide, {})


def test_phase_model_streams_in_chunks_with_its_phase_and_round_trips(tmp_path):
    torch.manual_seed(1)
    net = build_dance_rnn(5, phase_dim=2, **TINY).eval()
    x, start, phase = audio(1, 10, seed=3), torch.rand(1, 5) - 0.5, torch.rand(1, 10, 2)
    with torch.no_grad():
        whole, _ = net(x, start, phase=phase)
    state, parts = net.init_state(start), []
    for a, b in ((0, 3), (3, 10)):
        out, state = net.step(x[:, a:b], state, phase=phase[:, a:b])
        parts.append(out)
    assert torch.allclose(torch.cat(parts, dim=1), whole, atol=1e-6)
    save_model(net, make_card("phase", net, {"kind": "step_audio"}), tmp_path / "m")
    assert load_dance_rnn(tmp_path / "m").network.config.phase_dim == 2
