"""What a file holds, from its header: no decoding beyond the first block."""

from __future__ import annotations

from dataclasses import dataclass

from dancekit.audio._open import open_reader
from dancekit.audio._source import AudioSource


@dataclass(frozen=True)
class AudioInfo:
    """Header facts about an audio source.

    Attributes
    ----------
    duration : float or None
        Seconds; None when the container does not say. For mp3 it is the header's estimate (a
        truncated file still reports its full length).
    samplerate : int
        Hz.
    channels : int
        Channels in the file.
    format : str
        The container ("wav", "flac", "ogg", "mp3", or ffmpeg's name such as
        "mov,mp4,m4a,3gp,3g2,mj2" / "matroska,webm").
    codec : str
        The encoding ("pcm_16", "vorbis", "aac", "opus"...).
    backend : str
        The decoder that reads it ("soundfile" or "ffmpeg").
    """

    duration: float | None
    samplerate: int
    channels: int
    format: str
    codec: str
    backend: str


def info(source: AudioSource, playlists: bool = False) -> AudioInfo:
    """Duration, rate, channels and format of ``source``; raises the same one-line errors as ``load``.

    Parameters
    ----------
    source : path, bytes or binary file object
        The recording.
    playlists : bool
        That of :func:`dancekit.audio.stream`.

    Returns
    -------
    AudioInfo
    """
    with open_reader(source, playlists=playlists) as r:
        return AudioInfo(
            duration=r.duration,
            samplerate=int(r.samplerate),
            channels=int(r.channels),
            format=r.format,
            codec=r.codec,
            backend=r.backend,
        )
