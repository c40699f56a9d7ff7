"""What a spectrogram front end computes, as a small frozen value that travels in model cards.

A model is only valid with the exact front end it was trained on, so the parameters live in one
JSON-serialisable dataclass (``to_dict``/``from_dict``) instead of being scattered as defaults.
The three presets follow the papers (Dance-CNN, BBNN, PRCNN):

* ``DANCE_CNN_MEL`` -- paper 1, section III-D "Implementation details": librosa mel spectrogram,
  sr 22050, n_fft 2048, hop 512, 224 mels, fmax 11025; power 2 converted to dB.
* ``BBNN_MEL`` -- paper 2, section 3.2: librosa mel spectrogram, 128 mels, frame 2048, hop 1024
  (647 frames for 30 s, which is what ``center=True`` gives). The paper's "0-22050 Hz" cannot be
  met at sr 22050; the band stops at Nyquist, 11025 Hz (librosa's default ``fmax=sr/2``).
* ``PRCNN_STFT`` -- paper 3, section 4.2: FFT frames of 1024 at 22050 Hz with 50 % overlap (hop
  512), "the absolute value of each FFT frame": magnitude (power 1), 513 bins, no log.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from dancekit.errors import AudioError, EmptyAudioError, ModelError

KINDS = ("mel", "stft")
LOG_SCALES = ("db", "none", "log", "log1p")


@dataclass(frozen=True)
class FrontEndConfig:
    """Parameters of one spectrogram front end (the librosa names and meanings).

    A frozen value: model cards store it (``to_dict``) so a trained network always meets the input
    it was trained on.

    Parameters
    ----------
    kind : {"mel", "stft"}
        Mel spectrogram or linear-frequency STFT magnitudes.
    sr : int
        Sample rate the audio must have, in Hz.
    n_fft, hop_length : int
        FFT window and hop, in samples.
    n_mels : int or None
        Mel bands (``kind="mel"`` only).
    fmin, fmax : float
        Frequency range of the mel filters in Hz; ``fmax=None`` is ``sr / 2``.
    htk : bool
        HTK mel scale instead of Slaney's.
    mel_norm : str or None
        Filter normalisation, as librosa's ``norm`` (``"slaney"`` or None).
    power : float
        Exponent of the magnitude: 2 for power, 1 for amplitude.
    center : bool
        Pad the signal by ``n_fft // 2`` on both sides so frame ``t`` is centred on ``t * hop_length``.
    log : {"db", "none", "log", "log1p"}
        Compression of ``S``: ``"db"`` is librosa's ``power_to_db`` (``10*log10(max(amin, S)/ref)``
        for power 2; for power 1 the factor is 20, like ``amplitude_to_db``); ``"log"`` is
        ``ln(max(amin, S))``; ``"log1p"`` is ``ln(1 + S)``; ``"none"`` leaves ``S`` linear.
    ref, amin : float
        Reference and floor of the ``"db"``/``"log"`` scales.
    top_db : float or None
        Clip to ``max - top_db`` per item *over the whole input*. Off by default: it breaks streaming
        and makes a segment's values depend on the rest of the recording.
    """

    kind: str = "mel"
    sr: int = 22050
    n_fft: int = 2048
    hop_length: int = 512
    n_mels: int | None = 128
    fmin: float = 0.0
    fmax: float | None = None
    htk: bool = False
    mel_norm: str | None = "slaney"
    power: float = 2.0
    center: bool = True
    log: str = "db"
    ref: float = 1.0
    amin: float = 1e-10
    top_db: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.log not in LOG_SCALES:
            raise ValueError(f"log must be one of {LOG_SCALES}, not {self.log!r}")
        for name in ("sr", "n_fft", "hop_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if self.kind == "mel":
            if isinstance(self.n_mels, bool) or not isinstance(self.n_mels, int) or self.n_mels <= 0:
                raise ValueError(f"a mel front end needs a positive integer n_mels, not {self.n_mels!r}")
            top = self.sr / 2 if self.fmax is None else self.fmax
            if not 0 <= self.fmin < top <= self.sr / 2:
                raise ValueError(f"need 0 <= fmin < fmax <= sr/2, got fmin={self.fmin}, fmax={self.fmax}")
        elif self.n_mels is not None:
            raise ValueError("n_mels only applies to kind='mel'; use n_mels=None for kind='stft'")
        if self.power <= 0:
            raise ValueError(f"power must be > 0, not {self.power}")
        if self.amin <= 0 or self.ref <= 0:
            raise ValueError("amin and ref must be > 0")
        if self.top_db is not None and (self.top_db < 0 or self.log != "db"):
            raise ValueError("top_db must be >= 0 and only applies to log='db'")

    @property
    def n_bins(self) -> int:
        """Rows of the output: mel bands, or ``1 + n_fft // 2`` STFT bins."""
        return self.n_mels if self.kind == "mel" else 1 + self.n_fft // 2

    @property
    def pad(self) -> int:
        """Zeros added at each end when ``center`` (librosa's ``pad_mode='constant'``)."""
        return self.n_fft // 2 if self.center else 0

    def n_frames(self, n_samples: int) -> int:
        """Frames for a signal of ``n_samples`` (librosa's count; ``1 + n // hop`` for even n_fft).

        Parameters
        ----------
        n_samples : int
            Length of the signal.

        Returns
        -------
        int
        """
        padded = n_samples + 2 * self.pad
        return 0 if padded < self.n_fft else 1 + (padded - self.n_fft) // self.hop_length

    def check_signal(self, n_samples: int) -> None:
        """Refuse, in one line, a signal of no samples or one shorter than a frame once padded.

        Parameters
        ----------
        n_samples : int
            Length of the signal before centre padding.

        Raises
        ------
        EmptyAudioError
            No samples.
        AudioError
            Shorter than ``n_fft`` after padding.
        """
        if n_samples == 0:
            raise EmptyAudioError("cannot compute a spectrogram of zero samples")
        if n_samples + 2 * self.pad < self.n_fft:
            raise AudioError(f"signal of {n_samples + 2 * self.pad} samples is shorter than one frame "
                             f"(n_fft={self.n_fft})")

    def blocks(self, n_samples: int, block_frames: int):
        """The frames of an already padded signal in blocks: ``(first, stop, sample_lo, sample_hi)`` each.

        Front ends transform a block at a time so that memory stays bounded on a 2-hour file.

        Parameters
        ----------
        n_samples : int
            Length of the padded signal.
        block_frames : int
            Frames per block (the last may hold fewer).

        Returns
        -------
        n_frames : int
            Whole frames in the signal.
        spans : list of tuple of int
            Frames ``first:stop`` need samples ``sample_lo:sample_hi``.
        """
        n_frames = max(0, 1 + (n_samples - self.n_fft) // self.hop_length)
        spans = []
        for first in range(0, n_frames, block_frames):
            stop = min(n_frames, first + block_frames)
            spans.append((first, stop, first * self.hop_length, (stop - 1) * self.hop_length + self.n_fft))
        return n_frames, spans

    @property
    def frame_rate(self) -> float:
        """Frames per second."""
        return self.sr / self.hop_length

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (all fields, so a card stays valid if defaults change)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrontEndConfig:
        """Inverse of ``to_dict``; a malformed dict (e.g. from a model card) is a ``ModelError``.

        Parameters
        ----------
        data : dict
            Field names and values; an unknown key is an error, a missing one takes its default.

        Returns
        -------
        FrontEndConfig
        """
        if not isinstance(data, dict):
            raise ModelError(f"front end config must be a JSON object, not {type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ModelError(f"front end config has unknown field(s): {', '.join(unknown)}")
        try:
            return cls(**data)
        except (TypeError, ValueError) as err:
            raise ModelError(f"invalid front end config: {err}") from None


DANCE_CNN_MEL = FrontEndConfig(
    kind="mel", sr=22050, n_fft=2048, hop_length=512, n_mels=224, fmin=0.0, fmax=11025.0, power=2.0, log="db"
)
BBNN_MEL = FrontEndConfig(
    kind="mel", sr=22050, n_fft=2048, hop_length=1024, n_mels=128, fmin=0.0, fmax=11025.0, power=2.0, log="db"
)
PRCNN_STFT = FrontEndConfig(
    kind="stft", sr=22050, n_fft=1024, hop_length=512, n_mels=None, power=1.0, log="none", amin=1e-5
)
PRESETS = {"dance_cnn_mel": DANCE_CNN_MEL, "bbnn_mel": BBNN_MEL, "prcnn_stft": PRCNN_STFT}
