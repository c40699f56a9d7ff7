"""The material cases start from: synthetic signals and small real files encoded from them.

Why synthetic: the harness must run anywhere (CI has no data sets) and give the same bytes every
time, so every file is encoded here from a seeded signal, with libsndfile (soundfile) or ffmpeg's
libraries (PyAV) in bit-exact mode. The music is a waltz-like pattern (accented low downbeat, two
light beats, a melody), enough for the pipeline to find a segment, a tempo and an answer.
"""

from __future__ import annotations

import io
from functools import lru_cache

import av
import numpy as np
import soundfile as sf

from dancekit.audio.resample import resample
from dancekit.fuzzing import forge

SR = 22050


def music(seconds: float = 6.5, sr: int = SR, seed: int = 0, channels: int = 1) -> np.ndarray:
    """A seeded 3/4 pattern at about 90 BPM with a melody: float32, ``[n]`` or ``[n, channels]``.

    Parameters
    ----------
    seconds : float
        Length.
    sr : int
        Sample rate.
    seed : int
        Seeds the notes and the noise.
    channels : int
        1 gives ``[n]``; more give ``[n, channels]``, each channel slightly different.

    Returns
    -------
    np.ndarray
    """
    rng = np.random.default_rng(seed)
    n = int(round(seconds * sr))
    t = np.arange(n) / sr
    y = 0.01 * rng.standard_normal(n)
    beat = 60.0 / (88.0 + 4.0 * rng.random())
    melody = (220.0, 277.2, 329.6, 440.0)
    for i, start in enumerate(np.arange(0.05, max(seconds - 0.05, 0.05), beat)):
        s = int(start * sr)
        length = min(int(0.3 * sr), n - s)
        if length <= 0:
            break
        tt = np.arange(length) / sr
        freq = 110.0 if i % 3 == 0 else melody[(i // 3) % len(melody)]
        gain = 0.8 if i % 3 == 0 else 0.35
        y[s : s + length] += gain * np.sin(2 * np.pi * freq * tt) * np.exp(-10 * tt)
    y += 0.1 * np.sin(2 * np.pi * 164.8 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
    y = 0.6 * y / max(float(np.abs(y).max()), 1e-9)
    if channels == 1:
        return y.astype(np.float32)
    spread = [np.roll(y, 7 * c) * (1.0 - 0.1 * c) for c in range(channels)]
    return np.stack(spread, axis=1).astype(np.float32)


def tone(freq: float, seconds: float, sr: int = SR, level: float = 0.5) -> np.ndarray:
    """A sine (``freq`` 0 gives a constant: DC).

    Parameters
    ----------
    freq : float
        Frequency in Hz.
    seconds : float
        Length.
    sr : int
        Sample rate.
    level : float
        Amplitude.

    Returns
    -------
    np.ndarray
        float32.
    """
    t = np.arange(int(round(seconds * sr))) / sr
    if freq == 0:
        return np.full(t.size, level, dtype=np.float32)
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def sndfile_bytes(y: np.ndarray, sr: int, fmt: str, subtype: str | None = None) -> bytes:
    """``y`` written by libsndfile as ``fmt`` (``"WAV"``, ``"FLAC"``, ``"OGG"``, ...) into bytes.

    Parameters
    ----------
    y : np.ndarray
        Samples ``[n]`` or ``[n, channels]``.
    sr : int
        Their sample rate.
    fmt : str
        libsndfile's major format.
    subtype : str, optional
        libsndfile's subtype (default: the format's).

    Returns
    -------
    bytes
    """
    buf = io.BytesIO()
    sf.write(buf, y, sr, format=fmt, subtype=subtype)
    return _reproducible(buf.getvalue())


def sndfile_silence(sr: int, seconds: float, fmt: str, subtype: str, block: int = 1 << 18) -> bytes:
    """Digital silence of any length written block by block (a 10-hour FLAC is a few hundred KB).

    Parameters
    ----------
    sr : int
        Sample rate.
    seconds : float
        Length; any, since only one block is held in memory.
    fmt, subtype : str
        libsndfile format and subtype.
    block : int
        Samples written at a time.

    Returns
    -------
    bytes
    """
    buf = io.BytesIO()
    zeros = np.zeros(block, dtype=np.float32)
    with sf.SoundFile(buf, "w", sr, 1, format=fmt, subtype=subtype) as f:
        left = int(round(sr * seconds))
        while left > 0:
            k = min(block, left)
            f.write(zeros[:k])
            left -= k
    return _reproducible(buf.getvalue())


#: The Ogg stream serial number every file gets (libsndfile draws a random one).
OGG_SERIAL = 0x64616E63


def _reproducible(data: bytes) -> bytes:
    """libsndfile's output made byte-identical run to run: the clock in a WAV ``PEAK`` chunk zeroed,
    the random Ogg serial number fixed."""
    if data[:4] == b"RIFF":
        pos = forge.riff_find(data, b"PEAK")
        if pos >= 0:
            data = forge.patch(data, pos + 12, bytes(4))  # after id, size and the 4-byte version
    elif data[:4] == b"OggS":
        pages = forge.ogg_pages(data)
        data = forge.ogg_join([forge.replace(p, serial=OGG_SERIAL) for p in pages])
    return data


def av_bytes(y: np.ndarray, sr: int, container: str, codec: str) -> bytes:
    """``y`` (mono) encoded by ffmpeg's libraries (PyAV) into ``container``, bit-exact.

    Parameters
    ----------
    y : np.ndarray
        Mono float samples.
    sr : int
        Their sample rate.
    container : str
        ffmpeg's container name (``"mp3"``, ``"ipod"``, ``"webm"``...).
    codec : str
        ffmpeg's encoder name.

    Returns
    -------
    bytes
    """

    def frames(stream):
        fmt = stream.codec_context.format.name
        step = 1024
        for i in range(0, len(y), step):
            chunk = np.asarray(y[i : i + step], dtype=np.float32)
            if fmt.startswith("s16"):
                arr = (np.clip(chunk, -1, 1) * 32767).astype(np.int16)[None, :]
            elif fmt.startswith("s32"):
                arr = (np.clip(chunk, -1, 1) * 2147483647).astype(np.int32)[None, :]
            else:
                arr = chunk[None, :]
            frame = av.AudioFrame.from_ndarray(arr, format=fmt, layout="mono")
            frame.sample_rate = sr
            frame.pts = i
            yield frame

    return _mux(container, lambda out: out.add_stream(codec, rate=sr, layout="mono"), frames)


def _mux(container: str, add_stream, frames) -> bytes:
    """Encode into an in-memory, bit-exact ``container``: ``add_stream(out)`` makes the one stream,
    ``frames(stream)`` yields its frames; the encoder is flushed and the container closed."""
    buf = io.BytesIO()
    out = av.open(buf, "w", format=container, options={"fflags": "+bitexact"})
    try:
        stream = add_stream(out)
        for frame in frames(stream):
            _encode(out, stream, frame)
        _encode(out, stream, None)
    finally:
        out.close()
    return buf.getvalue()


def _encode(out, stream, frame) -> None:
    """Encode one frame (None: flush the encoder) and mux what comes out."""
    for packet in stream.encode(frame):
        out.mux(packet)


def video_only_mp4(seconds: float = 1.0) -> bytes:
    """An mp4 with a picture and no sound (the "video without audio" case).

    Parameters
    ----------
    seconds : float
        Length of the picture track.

    Returns
    -------
    bytes
    """

    def frames(stream):
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(int(seconds * 10)):
            img = np.full((48, 64, 3), (i * 20) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            yield frame

    return _mux("mp4", lambda out: out.add_stream("mpeg4", rate=10), frames)


#: The real small files that truncations and bit flips start from: name -> (client file name, encoder).
BASE_FORMATS = ("wav", "flac", "ogg", "mp3", "m4a", "webm")


#: kind -> (sample rate, encoder, container, codec); encoder "sf" is soundfile, "av" ffmpeg's libraries.
_ENCODINGS = {
    "wav": (SR, "sf", "WAV", "PCM_16"), "wav_float": (SR, "sf", "WAV", "FLOAT"), "flac": (SR, "sf", "FLAC", "PCM_16"),
    "ogg": (SR, "sf", "OGG", "VORBIS"), "opus": (48000, "sf", "OGG", "OPUS"), "mp3": (SR, "sf", "MP3", "MPEG_LAYER_III"),
    "m4a": (SR, "av", "ipod", "aac"), "webm": (48000, "av", "webm", "libopus"), "aiff": (SR, "sf", "AIFF", "PCM_16"),
    "au": (SR, "sf", "AU", "PCM_16"), "caf": (SR, "sf", "CAF", "PCM_16"),
}


@lru_cache(maxsize=None)
def base_file(kind: str, seconds: float = 6.5) -> bytes:
    """A real recording of ``music(seconds)`` as ``kind`` (one of ``BASE_FORMATS`` and a few more).

    Parameters
    ----------
    kind : str
        The format.
    seconds : float
        Length of the recording.

    Returns
    -------
    bytes
    """
    if kind not in _ENCODINGS:
        raise ValueError(f"unknown base format {kind!r}")
    rate, encoder, container, codec = _ENCODINGS[kind]
    y = music(seconds)
    if rate != SR:
        y = resample(y, SR, rate)
    return (sndfile_bytes if encoder == "sf" else av_bytes)(y, rate, container, codec)
