"""The dance-step generator of paper 5 (Table I): a CLDNN audio encoder and an auto-conditioned decoder.

Encoder: four (33, 2) convolutions with batch norm + ELU turn each ``[129, 5]`` power patch into
65 numbers, three 500-unit LSTM layers follow the music, and a 65-d fully connected layer with ELU
(Table I's ``fc01``) gives the music code ``h_t`` on which the contrastive loss works.
Decoder: input = previous motion frame + ``h_t`` (+ a learned dance embedding when the model is
dance-conditioned), three 500-unit LSTM layers, a fully connected layer to the motion size and an
ELU (Table I's ``out``). The ELU cannot go below -1, so targets normalised to [-1, 1] would sit on
its saturated tail; the paper's reference code scaled motion to [-0.9, 0.9] instead. Here the
ELU's output is multiplied by ``output_gain`` = 1/0.9: the same network in [-1, 1] units.

A phase-aware decoder (``phase_dim`` > 0, issue 18) also takes each frame's beat and bar phase
(:mod:`dancekit.features.step_phase`), after the other inputs: the network cannot mishear the
beat, and a model with ``phase_dim`` = 0 is the paper's network, weight for weight. Those input
columns come last, so the weights of a model without them start one with them, the new columns
at zero (:func:`widen_state_dict`): the start dances exactly as the model it came from.

The decoder depends on its own previous output, so it runs step by step; ``forward`` does this
for training (ground truth only as the first input), ``init_state``/``step`` carry every LSTM state
across calls so a song can be generated in chunks, live, with the same numbers as in one go.
``step`` can run the decoder's LSTM on packed float16 or int8 weights on a CPU
(:mod:`dancekit.models.lstm_precision`): one frame at a time it reads all its weights, so half
or a quarter of the bytes is most of the time saved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

ARCHITECTURE = "dance_rnn"
#: How :meth:`DanceRNN.step` may run the decoder's LSTM: float32 everywhere, or on a CPU with packed
#: float16 weights (float32 arithmetic) or int8 weights (activations quantised too).
PRECISIONS = ("fp32", "fp16", "int8")


@dataclass
class DanceRNNConfig:
    """Sizes of the network; the defaults are the paper's (Table I) for a given motion size.

    Attributes
    ----------
    motion_dim : int
        Size of one pose vector (the decoder's input and output).
    n_bins, n_stft : int
        Shape of one power patch, as :mod:`dancekit.features.step_audio` cuts it.
    conv_channels : tuple of int
        Output maps of each encoder convolution.
    conv_kernel : tuple of int
        ``(bins, stft)`` kernel of every encoder convolution.
    hidden : int
        Units of each LSTM layer.
    encoder_layers, decoder_layers : int
        LSTM layers in the encoder and in the decoder.
    code_dim : int
        Size of the music code ``h_t``.
    n_dances : int
        Dances the decoder is conditioned on; 0 for none.
    dance_dim : int
        Size of the learned dance embedding (unused when ``n_dances`` is 0).
    output_gain : float
        Scale on the output ELU, so targets in [-1, 1] stay off its saturated tail.
    dances : list of str
        Dance names, in embedding order.
    phase_dim : int
        Phase numbers per frame the decoder also takes (0: none, the paper's network).
    """

    motion_dim: int
    # the step_audio patch (N_BINS, N_STFT); literal so that this module needs torch alone
    n_bins: int = 129
    n_stft: int = 5
    conv_channels: tuple[int, ...] = (16, 32, 64, 65)
    conv_kernel: tuple[int, int] = (33, 2)
    hidden: int = 500
    encoder_layers: int = 3
    decoder_layers: int = 3
    code_dim: int = 65
    n_dances: int = 0  # 0: not conditioned on the dance
    dance_dim: int = 16
    output_gain: float = 1.0 / 0.9
    dances: list[str] = field(default_factory=list)
    phase_dim: int = 0  # beyond the paper: beat and bar phase input of the decoder

    def to_dict(self) -> dict[str, Any]:
        """The sizes as JSON-ready data (tuples become lists), for a card's ``architecture_args``.

        Returns
        -------
        dict of str to Any
            One key per field.
        """
        data = asdict(self)
        data["conv_channels"] = list(self.conv_channels)
        data["conv_kernel"] = list(self.conv_kernel)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DanceRNNConfig":
        """Sizes read back from :meth:`to_dict` output, whose JSON lists become tuples again.

        Parameters
        ----------
        data : dict of str to Any
            Field values; ``motion_dim`` is required.

        Returns
        -------
        DanceRNNConfig
            The configuration.
        """
        data = dict(data)
        data["conv_channels"] = tuple(data.get("conv_channels", cls.conv_channels))
        data["conv_kernel"] = tuple(data.get("conv_kernel", cls.conv_kernel))
        return cls(**data)


#: Below this many time steps a CPU LSTM runs faster without oneDNN, which re-lays out the weights
#: on every call (measured: 3 x 500 units, one step, 14 ms with it, 4 ms without).
_ONEDNN_MIN_STEPS = 16


def run_lstm(lstm: nn.LSTM, x: torch.Tensor, state=None):
    """``lstm(x, state)``, taking the fast path for the short calls of step-by-step generation.

    Parameters
    ----------
    lstm : nn.LSTM
        A batch-first LSTM.
    x : torch.Tensor
        ``[B, T, features]``.
    state : tuple of torch.Tensor, optional
        ``(h, c)`` from the previous call; None starts from zeros.

    Returns
    -------
    tuple
        ``(output, (h, c))``, as ``nn.LSTM`` returns them.
    """
    if x.device.type != "cpu" or x.shape[1] >= _ONEDNN_MIN_STEPS or not torch.backends.mkldnn.enabled:
        return lstm(x, state)
    torch.backends.mkldnn.enabled = False
    try:
        return lstm(x, state)
    finally:
        torch.backends.mkldnn.enabled = True


class FastELU(nn.ELU):
    """``nn.ELU()`` whose inference runs as ``max(x, exp(min(x, 0)) - 1)``: the same function, faster.

    torch's ``expm1``, on which ``nn.ELU`` runs, is not vectorised on the CPU: the first encoder
    ELU of 300 frames takes 16 ms with it and 2.4 ms so (one thread), and ELUs were a third of the
    encoder's convolution time. ``exp(x) - 1`` differs from ``expm1(x)`` by at most 6e-8 near 0.
    With gradients (training) it is ``nn.ELU`` itself.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``elu(x)``, through ``exp`` when no gradient is wanted.

        Parameters
        ----------
        x : torch.Tensor
            Any shape.

        Returns
        -------
        torch.Tensor
            A new tensor of ``x``'s shape and dtype.
        """
        if (x.requires_grad and torch.is_grad_enabled()) or self.alpha != 1.0 or self.inplace:
            return super().forward(x)
        y = x.clamp(max=0)
        y.exp_().sub_(1)  # e^x - 1 >= x, so the maximum picks it below 0 and x above
        return torch.maximum(x, y, out=y)


class AudioEncoder(nn.Module):
    """Power patches ``[B, T, bins, stft]`` -> music codes ``[B, T, code_dim]`` (conv + LSTM + fc).

    Parameters
    ----------
    cfg : DanceRNNConfig
        Patch shape, convolution, LSTM and code sizes.
    """

    def __init__(self, cfg: DanceRNNConfig):
        super().__init__()
        layers, channels = [], 1
        height, width = cfg.n_bins, cfg.n_stft
        for out in cfg.conv_channels:
            layers += [nn.Conv2d(channels, out, cfg.conv_kernel), nn.BatchNorm2d(out), FastELU()]
            channels = out
            height, width = height - cfg.conv_kernel[0] + 1, width - cfg.conv_kernel[1] + 1
        if height < 1 or width < 1:
            raise ValueError(f"a [{cfg.n_bins}, {cfg.n_stft}] patch is too small for {len(cfg.conv_channels)} "
                             f"{tuple(cfg.conv_kernel)} convolutions")
        self.conv = nn.Sequential(*layers)
        self.lstm = nn.LSTM(channels * height * width, cfg.hidden, cfg.encoder_layers, batch_first=True)
        self.fc = nn.Linear(cfg.hidden, cfg.code_dim)

    def forward(self, audio: torch.Tensor, state=None):
        """Music codes of a run of patches, carrying the LSTM state so chunks continue one another.

        :meth:`patches` then :meth:`sequence`, which a caller may also run apart (in two threads).

        Parameters
        ----------
        audio : torch.Tensor
            ``[B, T, bins, stft]`` power patches.
        state : tuple of torch.Tensor, optional
            As in :meth:`sequence`.

        Returns
        -------
        tuple
            As :meth:`sequence` returns.
        """
        return self.sequence(self.patches(audio), state)

    def patches(self, audio: torch.Tensor) -> torch.Tensor:
        """The convolutions' output of each patch ``[B, T, features]``: no state, so any chunk in any thread.

        Parameters
        ----------
        audio : torch.Tensor
            ``[B, T, bins, stft]`` power patches.

        Returns
        -------
        torch.Tensor
            ``[B, T, features]``, the LSTM's input.
        """
        b, t = audio.shape[:2]
        return self.conv(audio.reshape(b * t, 1, *audio.shape[2:])).reshape(b, t, -1)

    def sequence(self, x: torch.Tensor, state=None):
        """Codes of :meth:`patches`' output, carrying the LSTM state (chunks in order).

        Parameters
        ----------
        x : torch.Tensor
            ``[B, T, features]``.
        state : tuple of torch.Tensor, optional
            The LSTM's ``(h, c)`` after the previous chunk.

        Returns
        -------
        tuple
            Codes ``[B, T, code_dim]`` and the LSTM state after the last patch.
        """
        x, state = run_lstm(self.lstm, x, state)
        return F.elu(self.fc(x)), state


class DanceRNN(nn.Module):
    """Music -> motion, one frame per audio patch (paper 5, S2S / S2S-MC).

    Parameters
    ----------
    config : DanceRNNConfig
        The sizes; ``n_dances > 0`` makes the decoder dance-conditioned.
    """

    def __init__(self, config: DanceRNNConfig):
        super().__init__()
        self.config = config
        self.encoder = AudioEncoder(config)
        extra = config.dance_dim if config.n_dances else 0
        self.dance_embedding = nn.Embedding(config.n_dances, config.dance_dim) if config.n_dances else None
        self.decoder = nn.LSTM(config.motion_dim + config.code_dim + extra + config.phase_dim, config.hidden,
                               config.decoder_layers, batch_first=True)
        self.out = nn.Linear(config.hidden, config.motion_dim)

    @property
    def conditioned(self) -> bool:
        """Whether every call must name a dance (the model learned one embedding per dance)."""
        return self.dance_embedding is not None

    def _dance_vector(self, dance, batch: int, device) -> torch.Tensor | None:
        if not self.conditioned:
            return None
        if dance is None:
            raise ValueError("this model is conditioned on the dance: pass one of " + ", ".join(self.config.dances))
        index = torch.as_tensor(dance, dtype=torch.long, device=device).reshape(-1)
        if index.numel() == 1:
            index = index.expand(batch)
        return self.dance_embedding(index)

    def _phase_input(self, phase, codes: torch.Tensor) -> list[torch.Tensor]:
        """``phase`` checked against the model: ``[phase [B, T, P]]``, or ``[]`` for a model without phase input."""
        want = self.config.phase_dim
        if not want:
            if phase is not None:
                raise ValueError("this model takes no phase input")
            return []
        if phase is None:
            raise ValueError(f"this model follows the beat: pass phase [B, T, {want}] "
                             "(dancekit.features.step_phase.frame_phase)")
        phase = torch.as_tensor(phase, dtype=codes.dtype, device=codes.device)
        if phase.ndim == 2:
            phase = phase[None].expand(codes.shape[0], -1, -1)
        if phase.shape[1:] != (codes.shape[1], want):
            raise ValueError(f"phase must be [B, {codes.shape[1]}, {want}], got {tuple(phase.shape)}")
        return [phase]

    def _decode(self, codes: torch.Tensor, prev: torch.Tensor, dance_vec, state, teacher=None, precision="fp32",
                phase=None):
        """Run the decoder over ``codes [B, T, code]`` feeding back its own output.

        ``state`` is ``nn.LSTM``'s ``(h, c)``, each ``[layers, B, hidden]``, so chunks continue one
        another whatever the precision of each. ``teacher``: ``(frames [B, T, D], use [B, T] bool)``;
        where ``use`` is true the next input is the ground-truth frame instead of the generated one
        (the warm-up of scheduled sampling). ``phase``: ``[B, T, phase_dim]`` for a phase-aware model.
        """
        phase = self._phase_input(phase, codes)
        layers = _CellLayers(self.decoder, state) if precision == "fp32" else _PackedLayers(self._packed(precision), state)
        outputs = []
        for t in range(codes.shape[1]):
            x = torch.cat([prev, codes[:, t]] + ([dance_vec] if dance_vec is not None else [])
                          + [p[:, t] for p in phase], dim=-1)
            generated = self.config.output_gain * F.elu(self.out(layers(x)))
            outputs.append(generated)
            prev = generated if teacher is None else torch.where(teacher[1][:, t, None], teacher[0][:, t], generated)
        return torch.stack(outputs, dim=1), layers.state(codes)

    def _packed(self, precision: str) -> nn.Module:
        """The decoder's LSTM on packed weights, made once and again only when its weights have changed."""
        if self.decoder.weight_hh_l0.device.type != "cpu":
            raise ValueError(f"{precision} generation runs on the CPU only; use precision='fp32' on other devices")
        # in-place updates (an optimiser's) bump a tensor's version; tensors made under inference mode
        # have none, and are not trained
        key = (precision, *((p.data_ptr(), None if p.is_inference() else p._version) for p in self.decoder.parameters()))
        cache = self.__dict__.setdefault("_packed_cache", {})  # not a submodule: no parameters, no state_dict
        if cache.get(precision, (None,))[0] != key:
            from dancekit.models.lstm_precision import packed_lstm  # torch.ao.quantization: only when asked for

            cache[precision] = (key, packed_lstm(self.decoder, precision))
        return cache[precision][1]

    def forward(self, audio: torch.Tensor, first_motion: torch.Tensor, dance=None, teacher=None, phase=None):
        """Auto-conditioned pass: ``audio [B, T, bins, stft]``, ``first_motion [B, D]`` (the frame before).

        Parameters
        ----------
        audio : torch.Tensor
            ``[B, T, bins, stft]`` power patches.
        first_motion : torch.Tensor
            ``[B, D]``: the pose before the first patch, the only ground truth the decoder sees.
        dance : int or sequence of int, optional
            Dance index, one for the batch or one per item; required when :attr:`conditioned`.
        teacher : tuple of torch.Tensor, optional
            Training only: ``(frames [B, T, D], use [B, T] bool)``; where ``use`` is true the next
            input is the ground-truth frame (the warm-up of scheduled sampling).
        phase : torch.Tensor, optional
            ``[B, T, phase_dim]`` (or ``[T, phase_dim]`` for the whole batch): each frame's beat and
            bar phase; required when ``config.phase_dim`` > 0, refused otherwise.

        Returns
        -------
        tuple of torch.Tensor
            Generated motion ``[B, T, D]`` and the music codes ``[B, T, code_dim]``.
        """
        codes, _ = self.encoder(audio)
        dance_vec = self._dance_vector(dance, audio.shape[0], audio.device)
        motion, _ = self._decode(codes, first_motion, dance_vec, None, teacher, phase=phase)
        return motion, codes

    # --- streaming -------------------------------------------------------------------------

    def init_state(self, first_motion: torch.Tensor) -> dict[str, Any]:
        """Generation state for a batch starting from ``first_motion [B, D]`` (LSTM states start empty).

        Parameters
        ----------
        first_motion : torch.Tensor
            ``[B, D]``: the pose generation starts from.

        Returns
        -------
        dict of str to Any
            The state to pass to the first :meth:`step`.
        """
        return {"encoder": None, "decoder": None, "prev": first_motion}

    @torch.no_grad()
    def step(self, audio: torch.Tensor, state: dict[str, Any], dance=None,
             precision: str = "fp32", phase=None) -> tuple[torch.Tensor, dict[str, Any]]:
        """Generate the motion of the next ``T`` patches, so a song can be streamed chunk by chunk.

        Parameters
        ----------
        audio : torch.Tensor
            ``[B, T, bins, stft]``: the next power patches.
        state : dict of str to Any
            From :meth:`init_state` or the previous call.
        dance : int or sequence of int, optional
            Dance index; required when :attr:`conditioned`.
        precision : {"fp32", "fp16", "int8"}
            How the decoder's LSTM runs. On a CPU, ``"fp16"`` (packed float16 weights, float32
            arithmetic) runs it 5-7 times faster than ``"fp32"``, with the same numbers to float
            rounding for a model saved in float16; ``"int8"`` 10 times faster, with other motion.
            Calls of different precisions continue one another.
        phase : torch.Tensor, optional
            ``[B, T, phase_dim]`` or ``[T, phase_dim]``: the phase of these frames (phase-aware models).

        Returns
        -------
        tuple
            Motion ``[B, T, D]`` and the state for the next call; chunked calls give the
            same numbers as one call over the whole song.

        Raises
        ------
        ValueError
            An unknown precision, or fp16 / int8 on a device other than the CPU.
        """
        codes, enc_state = self.encode(audio, state)
        motion, state = self.decode(codes, state, dance, precision, phase)
        return motion, {**state, "encoder": enc_state}

    @torch.no_grad()
    def encode(self, audio: torch.Tensor, state: dict[str, Any]) -> tuple[torch.Tensor, Any]:
        """The first half of :meth:`step`: music codes of the next patches and the encoder's new state.

        The encoder does not depend on the motion, so a caller may encode the next chunk while
        the previous one is decoded (:func:`dancekit.motion.generate.generate_features` does).

        Parameters
        ----------
        audio : torch.Tensor
            ``[B, T, bins, stft]``: the next power patches.
        state : dict of str to Any
            The generation state; only ``state["encoder"]`` is read.

        Returns
        -------
        tuple
            Codes ``[B, T, code_dim]`` and the encoder's state after them (for ``state["encoder"]``).
        """
        return self.encoder(audio, state["encoder"])

    @torch.no_grad()
    def decode(self, codes: torch.Tensor, state: dict[str, Any], dance=None,
               precision: str = "fp32", phase=None) -> tuple[torch.Tensor, dict[str, Any]]:
        """The second half of :meth:`step`: motion for codes from :meth:`encode`.

        Parameters
        ----------
        codes : torch.Tensor
            ``[B, T, code_dim]``.
        state : dict of str to Any
            The generation state; ``state["encoder"]`` is passed through untouched.
        dance, precision, phase
            As in :meth:`step`.

        Returns
        -------
        tuple
            Motion ``[B, T, D]`` and the state with the decoder's part updated.

        Raises
        ------
        ValueError
            As :meth:`step`.
        """
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        dance_vec = self._dance_vector(dance, codes.shape[0], codes.device)
        motion, dec_state = self._decode(codes, state["prev"], dance_vec, state["decoder"], precision=precision,
                                         phase=phase)
        return motion, {**state, "decoder": dec_state, "prev": motion[:, -1]}


class _CellLayers:
    """The decoder's LSTM layers as single cells on ``nn.LSTM``'s own weights (float32; training, GPU).

    One cuDNN call per time step costs more in set-up than in arithmetic (measured on an H100,
    batch 50, 150 steps, forward + backward: 0.27 s as ``nn.LSTM`` calls, 0.16 s as cells).
    """

    def __init__(self, lstm: nn.LSTM, state):
        self.weights = [tuple(getattr(lstm, f"{kind}_l{k}") for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
                        for k in range(lstm.num_layers)]
        self.hidden, self.hs, self.cs = lstm.hidden_size, None, None
        if state is not None:
            self.hs, self.cs = list(state[0].unbind(0)), list(state[1].unbind(0))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.hs is None:
            zeros = x.new_zeros(x.shape[0], self.hidden)
            self.hs, self.cs = [zeros] * len(self.weights), [zeros] * len(self.weights)
        for k, w in enumerate(self.weights):
            self.hs[k], self.cs[k] = torch.lstm_cell(x, (self.hs[k], self.cs[k]), *w)
            x = self.hs[k]
        return x

    def state(self, like: torch.Tensor):
        """``(h, c)``, each ``[layers, B, hidden]`` (zeros when no step ran from an empty state)."""
        if self.hs is None:
            zeros = like.new_zeros(len(self.weights), like.shape[0], self.hidden)
            return zeros, zeros
        return torch.stack(self.hs), torch.stack(self.cs)


class _PackedLayers:
    """The decoder's LSTM on packed weights, one call per frame: int8 activations are quantised frame
    by frame, so the numbers do not depend on how a song is cut into chunks."""

    def __init__(self, lstm: nn.Module, state):
        self.lstm, self.hc = lstm, state

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        out, self.hc = self.lstm(x[:, None], self.hc)
        return out[:, 0]

    def state(self, like: torch.Tensor):
        """``(h, c)``, each ``[layers, B, hidden]`` (zeros when no step ran from an empty state)."""
        if self.hc is None:
            zeros = like.new_zeros(self.lstm.num_layers, like.shape[0], self.lstm.hidden_size)
            return zeros, zeros
        return self.hc


def build_dance_rnn(motion_dim: int, **kwargs) -> DanceRNN:
    """A freshly initialised step generator; ``kwargs`` are :class:`DanceRNNConfig` fields (lists or tuples).

    Parameters
    ----------
    motion_dim : int
        Size of one pose vector.
    **kwargs
        Any other :class:`DanceRNNConfig` field, e.g. a card's ``architecture_args``.

    Returns
    -------
    DanceRNN
    """
    return DanceRNN(DanceRNNConfig.from_dict({"motion_dim": motion_dim, **kwargs}))


def widen_state_dict(network: nn.Module, state: dict[str, torch.Tensor]) -> list[str]:
    """Load ``state`` into ``network`` where the network takes more inputs: extra input columns start at 0.

    Why: a phase-aware decoder (``phase_dim`` > 0) is the model it is fine-tuned from plus input
    columns at the end of its first LSTM layer. Copying every weight of the same shape and the
    old columns of a wider one, with the new columns zero, starts training from exactly the old
    model's dance; only the phase has yet to be learnt.

    Parameters
    ----------
    network : nn.Module
        The network to fill (its own initial values stay where ``state`` has nothing).
    state : dict of str to torch.Tensor
        Weights of a network of the same kind, equal in every shape but the last axis of some.

    Returns
    -------
    list of str
        The names of the widened weights.

    Raises
    ------
    ValueError
        A weight missing from ``state``, or of a shape that is not the network's with fewer columns.
    """
    own = network.state_dict()
    missing = sorted(set(own) - set(state))
    if missing or set(state) - set(own):
        raise ValueError(f"weights do not match the network: missing {missing[:3]}, "
                         f"unknown {sorted(set(state) - set(own))[:3]}")
    widened, merged = [], {}
    for name, target in own.items():
        source = state[name]
        if source.shape == target.shape:
            merged[name] = source
            continue
        if source.ndim != 2 or source.shape[0] != target.shape[0] or source.shape[1] > target.shape[1]:
            raise ValueError(f"{name}: {tuple(source.shape)} does not fit {tuple(target.shape)}")
        wide = torch.zeros_like(target)
        wide[:, :source.shape[1]] = source
        merged[name], widened = wide, widened + [name]
    network.load_state_dict(merged)
    return widened


def parameter_count(module: nn.Module) -> int:
    """All parameters of a module, trainable or not: the model size the speed benchmark reports.

    Parameters
    ----------
    module : nn.Module
        Any network.

    Returns
    -------
    int
        The number of scalars.
    """
    return sum(p.numel() for p in module.parameters())
