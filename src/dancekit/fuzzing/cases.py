"""Deterministic fuzz cases, family by family: what to send, and what a sensible answer looks like.

Why deterministic: a failure must be reproducible by name (``truncation/mp3@512``), and the CI
subset must test the same bytes on every machine. Every generator is seeded; files are encoded in
bit-exact mode (``media``); nothing depends on the clock or the port the harness runs on (URLs and
paths of the canary are placeholders that ``canary.Canary.render`` fills in per run).

A case carries one payload (file bytes with a client file name, an array with a sample rate, a
file-system oddity, a list of WebSocket messages, or a raw HTTP request) and the hints the
outcome needs: ``music`` (False: any dance or genre answered is not sensible), ``duration_s`` (what
a correct decode must give), ``fetch`` (the bytes point elsewhere: a result or a canary hit is
SSRF) and ``argument`` (a bad argument: ValueError/TypeError are clean answers).
"""

from __future__ import annotations

import gzip
import io
import json
import math
import struct
import tarfile
import warnings
import zipfile
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Callable, Iterator

import numpy as np
from PIL import Image

from dancekit.fuzzing import forge, media
from dancekit.fuzzing.media import SR

#: Placeholders filled in per run by ``Canary.render``: the canary server's URL (with a per-run
#: token as its first path segment) and the absolute folder of the canary files.
CANARY_URL = "@@canary-url@@"
CANARY_DIR = "@@canary-dir@@"

#: Payload kinds, and the targets that can send each.
FILE, ARRAY, FS, WS, HTTP = "file", "array", "fs", "ws", "http"
TARGETS_OF = {FILE: ("api", "cli", "web"), ARRAY: ("api",), FS: ("api", "cli"), WS: ("web",), HTTP: ("web",)}


@dataclass(frozen=True, eq=False)
class Case:
    """One input and what a sensible answer to it looks like.

    Parameters
    ----------
    family, name : str
        ``family/name`` identifies the case; names are unique within a family.
    data : bytes, optional
        File content (a ``file`` case, or the content behind a file-system oddity).
    filename : str
        The client's file name (upload) or the file's name on disk.
    array, sample_rate : object
        An ``array`` case: what ``dancekit.identify(array, sample_rate=...)`` is given.
    fs : str, optional
        A file-system oddity (``fifo``, ``socket``, ``/dev/zero``...; see ``filesystem``).
    messages : tuple
        A ``ws`` case: ``("text", str)``, ``("binary", bytes)``, ``("sleep", seconds)`` in order.
    request : dict, optional
        An ``http`` case: ``method``, ``path`` and httpx arguments (``files``, ``data``, ``params``...).
    headers : tuple
        A ``ws`` case: extra ``(name, value)`` headers of the WebSocket handshake.
    sessions : int
        A ``ws`` case: how many sessions play the messages at once.
    music : bool or None
        True: a recording (a label is fine); False: no dance may be answered; None: no judgement.
    duration_s : float, optional
        The duration a correct decode reports.
    fetch : bool
        The payload points at other files or URLs (a playlist): only a clean error is right.
    argument : bool
        The case is a bad argument to the API: ``ValueError``/``TypeError`` are clean answers.
    ci : bool
        Part of the CI subset.
    """

    family: str
    name: str
    data: bytes | None = None
    filename: str = "input.bin"
    array: Any = None
    sample_rate: Any = None
    fs: str | None = None
    messages: tuple = ()
    request: dict | None = None
    headers: tuple = ()
    sessions: int = 1
    music: bool | None = None
    duration_s: float | None = None
    fetch: bool = False
    argument: bool = False
    ci: bool = True

    @property
    def id(self) -> str:
        """``family/name``, unique over all cases."""
        return f"{self.family}/{self.name}"

    @property
    def kind(self) -> str:
        """What the case is: a file system oddity, a WebSocket session, an HTTP request, an array or a file."""
        if self.fs is not None:
            return FS
        if self.messages:
            return WS
        if self.request is not None:
            return HTTP
        if self.data is not None:
            return FILE
        return ARRAY

    @property
    def targets(self) -> tuple[str, ...]:
        """The targets (API, CLI, web...) that run cases of this kind."""
        return TARGETS_OF[self.kind]


_FAMILIES: dict[str, Callable[[bool], Iterator[Case]]] = {}


def family(name: str):
    """Register ``fn(full)``, the generator of family ``name`` (``full`` False: only CI cases are needed).

    Parameters
    ----------
    name : str
        The family's name, as ``--only`` takes it.

    Returns
    -------
    callable
        The decorator.
    """

    def register(fn):
        _FAMILIES[name] = fn
        return fn

    return register


def families() -> list[str]:
    """Names of the registered families, in generation order.

    Returns
    -------
    list of str
    """
    return list(_FAMILIES)


def generate(subset: str = "full", only: list[str] | None = None) -> list[Case]:
    """Every case of ``subset`` (``"full"`` or ``"ci"``), family by family, in a fixed order.

    Parameters
    ----------
    subset : {"full", "ci"}
        ``"ci"`` keeps the cases marked for CI: a few hundred, short inputs only.
    only : list of str, optional
        Family names to generate (default: all).
    """
    if subset not in ("full", "ci"):
        raise ValueError(f"subset must be 'full' or 'ci', not {subset!r}")
    out: list[Case] = []
    for name, fn in _FAMILIES.items():
        if only is not None and name not in only:
            continue
        for case in fn(subset == "full"):
            if subset == "full" or case.ci:
                out.append(case)
    ids = [c.id for c in out]
    if len(ids) != len(set(ids)):
        raise AssertionError("duplicate case ids")
    return out


def _only_in_ci(cases: Iterator[Case], names: set[str]) -> Iterator[Case]:
    """The cases, with only those named in ``names`` kept for CI."""
    for case in cases:
        yield replace(case, ci=case.name in names)


def _pcm16(y: np.ndarray) -> bytes:
    return (np.clip(y, -1, 1) * 32767).astype("<i2").tobytes()


# -- playlists: fetches on the upload's behalf ----------------------------------------------------------


def _playlists() -> dict[str, tuple[str, str]]:
    """name -> (text, natural extension). URLs and paths point at the canary."""
    url, local = CANARY_URL, CANARY_DIR
    hls = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n{extra}#EXTINF:10.0,\n{seg}\n#EXT-X-ENDLIST\n"
    return {
        "hls_http": (hls.format(extra="", seg=f"{url}/seg.mp3"), "m3u8"),
        "hls_abs_path": (hls.format(extra="", seg=f"{local}/canary.mp3"), "m3u8"),
        "hls_file_url": (hls.format(extra="", seg=f"file://{local}/canary.mp3"), "m3u8"),
        "hls_relative": (hls.format(extra="", seg="canary.mp3"), "m3u8"),
        "hls_wav_path": (hls.format(extra="", seg=f"{local}/canary.wav"), "m3u8"),
        "hls_master_http": ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=128000,CODECS=\"mp4a.40.2\"\n"
                            f"{url}/variant.m3u8\n", "m3u8"),
        "hls_key_http": (hls.format(extra=f'#EXT-X-KEY:METHOD=AES-128,URI="{url}/key.bin"\n',
                                    seg=f"{local}/canary.mp3"), "m3u8"),
        "hls_map_http": (hls.format(extra=f'#EXT-X-MAP:URI="{url}/init.mp4"\n', seg=f"{url}/seg.m4s"), "m3u8"),
        "m3u_http": (f"#EXTM3U\n#EXTINF:123,Artist - Title\n{url}/song.mp3\n", "m3u"),
        "m3u_bare_path": (f"{local}/canary.mp3\n", "m3u"),
        "m3u_bare_http": (f"{url}/song.mp3\n", "m3u"),
        "ffconcat_abs": (f"ffconcat version 1.0\nfile '{local}/canary.wav'\n", "ffconcat"),
        "ffconcat_http": (f"ffconcat version 1.0\nfile '{url}/song.mp3'\n", "ffconcat"),
        "ffconcat_relative": ("ffconcat version 1.0\nfile 'canary.wav'\n", "ffconcat"),
        "ffconcat_subfile": (f"ffconcat version 1.0\nfile 'subfile,,start,0,end,0,,:{local}/canary.wav'\n",
                             "ffconcat"),
        "dash_http": ('<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" '
                      'mediaPresentationDuration="PT10S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">'
                      f'<Period><AdaptationSet mimeType="audio/mp4"><Representation id="a" bandwidth="64000" codecs="mp4a.40.2">'
                      f"<BaseURL>{url}/audio.m4a</BaseURL></Representation></AdaptationSet></Period></MPD>\n", "mpd"),
        "sdp_rtp": ("v=0\no=- 0 0 IN IP4 127.0.0.1\ns=fuzz\nc=IN IP4 127.0.0.1\nt=0 0\n"
                    "m=audio 5004 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n", "sdp"),
    }


@family("playlist")
def playlist_cases(full: bool = True) -> Iterator[Case]:
    """HLS/M3U/ffconcat/DASH/SDP texts pointing at the canary, under their own name and as ``.mp3``.

    Parameters
    ----------
    full : bool
        Every ``playlist`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    for name, (text, ext) in _playlists().items():
        data = text.encode()
        yield Case("playlist", f"{name}.{ext}", data=data, filename=f"list.{ext}", music=False, fetch=True)
        yield Case("playlist", f"{name}.as-mp3", data=data, filename="song.mp3", music=False, fetch=True,
                   ci=name.startswith(("hls_http", "hls_abs", "ffconcat_abs", "m3u_http")))


# -- sample-rate bombs and absurd rates --------------------------------------------------------------


_CI_SAMPLE_RATE = {
    "flac_1hz_65536_zeros", "wav_float_1hz", "wav_float_8hz", "vorbis_1hz", "wav_rate_0", "wav_rate_1",
    "wav_rate_4294967295", "au_rate_1", "aiff_rate_huge", "flac_streaminfo_1hz", "webm_rate_0", "webm_rate_nan",
    "m4a_mp4a_rate_1", "m4a_mdhd_timescale_0", "vorbis_header_rate_1", "opus_head_rate_1", "wav_192khz_music",
    "wav_8khz_music"}


@family("sample_rate")
def sample_rate_cases(full: bool = True) -> Iterator[Case]:
    """Files whose rate is 1, 2, 8 Hz or 0 or 4 GHz: resampling them to 22 kHz multiplies everything.

    Parameters
    ----------
    full : bool
        Every ``sample_rate`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    return _only_in_ci(_sample_rate_cases(), _CI_SAMPLE_RATE)


def _sample_rate_cases() -> Iterator[Case]:
    sine = media.tone(0.25, 1000.0, sr=1, level=0.5)  # 1000 samples, whatever the rate
    yield Case("sample_rate", "flac_1hz_65536_zeros", data=media.sndfile_bytes(np.zeros(65536, np.float32), 1, "FLAC"),
               filename="b.flac", music=False)
    for rate in (1, 2, 8):
        yield Case("sample_rate", f"wav_float_{rate}hz", data=media.sndfile_bytes(sine, rate, "WAV", "FLOAT"),
                   filename="slow.wav", music=False)
    yield Case("sample_rate", "vorbis_1hz", data=media.sndfile_bytes(sine, 1, "OGG", "VORBIS"), filename="v.ogg",
               music=False)
    yield Case("sample_rate", "vorbis_8hz_zeros", data=media.sndfile_bytes(np.zeros(4096, np.float32), 8, "OGG", "VORBIS"),
               filename="v.ogg", music=False)
    pcm = _pcm16(media.music(2.0))
    for rate in (0, 1, 7, 768_001, 0x7FFFFFFF, 0xFFFFFFFF):
        yield Case("sample_rate", f"wav_rate_{rate}", data=forge.wav(pcm, rate=rate), filename="r.wav")
    yield Case("sample_rate", "au_rate_1", data=forge.au(pcm[::-1], rate=1), filename="r.au")
    yield Case("sample_rate", "au_rate_0", data=forge.au(pcm, rate=0), filename="r.au")
    aiff = media.base_file("aiff", 2.0)
    yield Case("sample_rate", "aiff_rate_huge", data=forge.aiff_comm(aiff, rate_bytes=b"\x7f\xfe\x80" + b"\0" * 7),
               filename="r.aiff")
    yield Case("sample_rate", "aiff_rate_tiny", data=forge.aiff_comm(aiff, rate_bytes=b"\x3f\xff\x80" + b"\0" * 7),
               filename="r.aiff")
    flac = media.base_file("flac", 2.0)
    for rate in (0, 1, 8):
        yield Case("sample_rate", f"flac_streaminfo_{rate}hz", data=forge.flac_streaminfo(flac, sample_rate=rate),
                   filename="r.flac")
    webm = media.base_file("webm", 2.0)
    for label, value in (("0", 0.0), ("1", 1.0), ("nan", math.nan), ("1e30", 1e30), ("neg", -48000.0)):
        yield Case("sample_rate", f"webm_rate_{label}", data=forge.ebml_float(webm, b"\xb5", value), filename="r.webm")
    m4a = media.base_file("m4a", 2.0)
    for label, value in (("1", 1 << 16), ("0", 0), ("max", 0xFFFF0000)):
        yield Case("sample_rate", f"m4a_mp4a_rate_{label}", data=forge.mp4_field(m4a, b"mp4a", 28, value),
                   filename="r.m4a")
    for value in (0, 1):
        yield Case("sample_rate", f"m4a_mdhd_timescale_{value}", data=forge.mp4_field(m4a, b"mdhd", 16, value),
                   filename="t.m4a")
    ogg = media.base_file("ogg", 2.0)
    for value in (0, 1, 0xFFFFFFFF):
        # Vorbis identification header: "\x01vorbis" version(4) channels(1) rate(4, little-endian)
        yield Case("sample_rate", f"vorbis_header_rate_{value}",
                   data=forge.ogg_first_packet_patch(ogg, 12, struct.pack("<I", value)), filename="r.ogg")
    opus = media.base_file("opus", 2.0)
    yield Case("sample_rate", "opus_head_rate_1", data=forge.ogg_first_packet_patch(opus, 12, struct.pack("<I", 1)),
               filename="r.opus")
    hi = media.music(2.0, sr=192_000)
    yield Case("sample_rate", "wav_192khz_music", data=media.sndfile_bytes(hi, 192_000, "WAV", "PCM_16"),
               filename="hi.wav", music=True, duration_s=2.0)
    lo = media.music(6.5, sr=8000)
    yield Case("sample_rate", "wav_8khz_music", data=media.sndfile_bytes(lo, 8000, "WAV", "PCM_16"),
               filename="lo.wav", music=True, duration_s=6.5)


# -- forged lengths ----------------------------------------------------------------------------------


_CI_FORGED = {
    "flac_total_samples_2^36-1", "flac_streaminfo_len_ffffff", "mp3_xing_7fffffff", "mp3_id3_size_256mb",
    "wav_data_ffffffff", "wav_riff_ffffffff", "wav_fmt_size_huge", "wav_list_chunk_huge", "wav_chunk_storm",
    "wav_header_only", "rf64_data_2^62", "rf64_samples_2^63-1", "rf64_no_ds64", "rf64_valid", "ogg_last_granule_2^62",
    "m4a_mdhd_duration_max", "m4a_stsz_count_max", "m4a_stts_delta_max", "m4a_moov_size_0", "webm_duration_1e300",
    "au_size_ffffffff", "aiff_frames_max"}


@family("forged_length")
def forged_length_cases(full: bool = True) -> Iterator[Case]:
    """Headers claiming far more (or less) than the file holds: sample counts, chunk and box sizes.

    Parameters
    ----------
    full : bool
        Every ``forged_length`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    return _only_in_ci(_forged_length_cases(), _CI_FORGED)


def _forged_length_cases() -> Iterator[Case]:
    flac = media.base_file("flac", 2.0)
    yield Case("forged_length", "flac_total_samples_2^36-1", data=forge.flac_streaminfo(flac, total_samples=2**36 - 1),
               filename="f.flac")
    yield Case("forged_length", "flac_total_samples_1", data=forge.flac_streaminfo(flac, total_samples=1),
               filename="f.flac")
    yield Case("forged_length", "flac_streaminfo_len_ffffff", data=forge.flac_block_header(flac, 0, length=0xFFFFFF),
               filename="f.flac")
    yield Case("forged_length", "flac_blocksize_0", data=forge.flac_streaminfo(flac, min_block=0, max_block=0),
               filename="f.flac")
    yield Case("forged_length", "flac_max_frame_huge", data=forge.flac_streaminfo(flac, max_frame=0xFFFFFF),
               filename="f.flac")
    mp3 = media.base_file("mp3", 2.0)
    yield Case("forged_length", "mp3_xing_7fffffff", data=forge.mp3_xing(mp3, 0x7FFFFFFF), filename="x.mp3")
    yield Case("forged_length", "mp3_xing_ffffffff", data=forge.mp3_xing(mp3, 0xFFFFFFFF), filename="x.mp3")
    yield Case("forged_length", "mp3_info_7fffffff", data=forge.mp3_xing(mp3, 0x7FFFFFFF, b"Info"), filename="x.mp3")
    yield Case("forged_length", "mp3_xing_0", data=forge.mp3_xing(mp3, 0), filename="x.mp3")
    yield Case("forged_length", "mp3_id3_size_256mb", data=forge.id3_forged(mp3), filename="x.mp3")
    pcm = _pcm16(media.music(2.0))
    yield Case("forged_length", "wav_data_ffffffff", data=forge.wav(pcm, data_size=0xFFFFFFFF), filename="w.wav")
    yield Case("forged_length", "wav_data_fffffffe", data=forge.wav(pcm, data_size=0xFFFFFFFE), filename="w.wav")
    yield Case("forged_length", "wav_riff_size_0", data=forge.wav(pcm, riff_size=0), filename="w.wav")
    yield Case("forged_length", "wav_riff_ffffffff", data=forge.wav(pcm, riff_size=0xFFFFFFFF), filename="w.wav")
    yield Case("forged_length", "wav_fmt_size_huge", data=forge.wav(pcm, fmt_size=0xFFFFFFF0), filename="w.wav")
    yield Case("forged_length", "wav_fmt_size_0", data=forge.wav(pcm, fmt_size=0), filename="w.wav")
    yield Case("forged_length", "wav_list_chunk_huge",
               data=forge.wav(pcm, chunks_before_data=b"LIST" + struct.pack("<I", 0xFFFFFF00) + b"INFO"),
               filename="w.wav")
    storm = b"".join(b"junk" + struct.pack("<I", 2) + b"\0\0" for _ in range(20000))
    yield Case("forged_length", "wav_chunk_storm", data=forge.wav(pcm, chunks_before_data=storm), filename="w.wav")
    yield Case("forged_length", "wav_data_before_fmt", data=forge.wav(pcm, data_first=True), filename="w.wav")
    yield Case("forged_length", "wav_header_only", data=forge.wav(b""), filename="w.wav", music=False)
    yield Case("forged_length", "wav_no_data_chunk", data=forge.wav(b"")[:-8], filename="w.wav", music=False)
    yield Case("forged_length", "rf64_data_2^62", data=forge.rf64(pcm, data_size64=2**62), filename="r.wav")
    yield Case("forged_length", "rf64_samples_2^63-1", data=forge.rf64(pcm, sample_count=2**63 - 1), filename="r.wav")
    yield Case("forged_length", "rf64_no_ds64", data=forge.rf64(pcm, ds64=False), filename="r.wav")
    yield Case("forged_length", "rf64_valid", data=forge.rf64(pcm), filename="r.wav", music=True, duration_s=2.0)
    ogg = media.base_file("ogg", 2.0)
    pages = forge.ogg_pages(ogg)
    last = pages[-1]
    yield Case("forged_length", "ogg_last_granule_2^62",
               data=forge.ogg_join(pages[:-1] + [replace(last, granule=2**62)]), filename="g.ogg")
    yield Case("forged_length", "ogg_granules_minus_1",
               data=forge.ogg_join([replace(p, granule=-1) if p.granule > 0 else p for p in pages]),
               filename="g.ogg")
    m4a = media.base_file("m4a", 2.0)
    yield Case("forged_length", "m4a_mdhd_duration_max", data=forge.mp4_field(m4a, b"mdhd", 20, 0xFFFFFFFF),
               filename="d.m4a")
    yield Case("forged_length", "m4a_mvhd_duration_max", data=forge.mp4_field(m4a, b"mvhd", 20, 0xFFFFFFFF),
               filename="d.m4a")
    yield Case("forged_length", "m4a_stsz_count_max", data=forge.mp4_field(m4a, b"stsz", 12, 0xFFFFFFFF),
               filename="d.m4a")
    yield Case("forged_length", "m4a_stts_delta_max", data=forge.mp4_field(m4a, b"stts", 16, 0xFFFFFFFF),
               filename="d.m4a")
    yield Case("forged_length", "m4a_stts_entries_max", data=forge.mp4_field(m4a, b"stts", 8, 0xFFFFFFFF),
               filename="d.m4a")
    for label, size in (("ffffffff", 0xFFFFFFFF), ("0", 0), ("7", 7), ("1", 1)):
        yield Case("forged_length", f"m4a_moov_size_{label}", data=forge.mp4_field(m4a, b"moov", -4, size),
                   filename="d.m4a")
    webm = media.base_file("webm", 2.0)
    for label, value in (("1e300", 1e300), ("nan", math.nan), ("neg", -1.0)):
        try:
            yield Case("forged_length", f"webm_duration_{label}", data=forge.ebml_float(webm, b"\x44\x89", value),
                       filename="d.webm")
        except ValueError:  # the muxer wrote no duration element
            break
    yield Case("forged_length", "au_size_ffffffff", data=forge.au(pcm, data_size=0xFFFFFFFF), filename="a.au")
    yield Case("forged_length", "au_offset_huge", data=forge.au(pcm, offset=0x7FFFFFFF), filename="a.au")
    aiff = media.base_file("aiff", 2.0)
    yield Case("forged_length", "aiff_frames_max", data=forge.aiff_comm(aiff, frames=0xFFFFFFFF), filename="a.aiff")


# -- WAV format tags and sample sizes -----------------------------------------------------------------


@family("wav_format")
def wav_format_cases(full: bool = True) -> Iterator[Case]:
    """WAV ``fmt`` chunks with unknown tags, impossible bit depths, zero or 65535 channels.

    Parameters
    ----------
    full : bool
        Every ``wav_format`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    pcm = _pcm16(media.music(2.0))
    variants = {
        "tag_0000": dict(tag=0x0000), "tag_1234": dict(tag=0x1234), "tag_fffe_no_ext": dict(tag=0xFFFE),
        "tag_fffe_garbage_ext": dict(tag=0xFFFE, fmt_extra=struct.pack("<H", 22) + b"\xff" * 22),
        "tag_fffe_ext_size_huge": dict(tag=0xFFFE, fmt_extra=struct.pack("<H", 0xFFFF) + b"\0" * 22),
        "tag_float_bits_16": dict(tag=0x0003), "tag_alaw": dict(tag=0x0006, bits=8), "tag_mulaw": dict(tag=0x0007, bits=8),
        "tag_adpcm": dict(tag=0x0002, bits=4), "tag_mp3": dict(tag=0x0055), "tag_ffff": dict(tag=0xFFFF),
        "bits_0": dict(bits=0), "bits_65535": dict(bits=65535), "bits_7": dict(bits=7), "bits_12": dict(bits=12),
        "bits_24_odd_data": dict(bits=24), "bits_64": dict(bits=64), "float_bits_8": dict(tag=3, bits=8),
        "float_bits_64": dict(tag=3, bits=64), "channels_0": dict(channels=0), "channels_65535": dict(channels=65535),
        "block_align_0": dict(block_align=0), "block_align_65535": dict(block_align=65535),
        "byte_rate_0": dict(byte_rate=0),
    }
    for i, (name, kw) in enumerate(variants.items()):
        yield Case("wav_format", name, data=forge.wav(pcm, **kw), filename="fmt.wav", ci=i % 2 == 0 or "tag" in name)


# -- channels ------------------------------------------------------------------------------------------


@family("channels")
def channel_cases(full: bool = True) -> Iterator[Case]:
    """Multichannel files, real and forged.

    Parameters
    ----------
    full : bool
        Every ``channels`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    for n in (2, 8):
        y = media.music(6.5, channels=n)
        yield Case("channels", f"wav_{n}ch", data=media.sndfile_bytes(y, SR, "WAV", "PCM_16"), filename="mc.wav",
                   music=True, duration_s=6.5)
    yield Case("channels", "flac_8ch", data=media.sndfile_bytes(media.music(3.0, channels=8), SR, "FLAC"),
               filename="mc.flac", music=True, duration_s=3.0)
    yield Case("channels", "wav_1024ch", data=media.sndfile_bytes(media.music(0.5, channels=1024)[:2000], SR, "WAV", "PCM_16"),
               filename="mc.wav", ci=False)
    stereo44 = media.music(6.5, sr=44100, channels=2)
    yield Case("channels", "wav_stereo_44k", data=media.sndfile_bytes(stereo44, 44100, "WAV", "PCM_16"),
               filename="s.wav", music=True, duration_s=6.5)
    mono44 = media.music(6.5, sr=44100)
    inverted = np.stack([mono44, -mono44], axis=1)  # the mono mix is exact silence
    yield Case("channels", "wav_stereo_cancelling", data=media.sndfile_bytes(inverted, 44100, "WAV", "PCM_16"),
               filename="s.wav", music=False)
    pcm = _pcm16(media.music(2.0))
    yield Case("channels", "wav_forged_300ch", data=forge.wav(pcm, channels=300), filename="mc.wav")
    webm = media.base_file("webm", 2.0)
    for value in (0, 255):
        try:
            yield Case("channels", f"webm_channels_{value}", data=forge.ebml_uint(webm, b"\x9f", value),
                       filename="c.webm")
        except ValueError:
            break
    m4a = media.base_file("m4a", 2.0)
    for value in (0, 65535):
        yield Case("channels", f"m4a_channels_{value}", data=forge.mp4_field(m4a, b"mp4a", 20, value, size=2),
                   filename="c.m4a")
    opus = media.base_file("opus", 2.0)
    yield Case("channels", "opus_head_channels_255", data=forge.ogg_first_packet_patch(opus, 9, b"\xff"),
               filename="c.opus")


# -- long durations in few bytes ---------------------------------------------------------------------


@family("long_duration")
def long_duration_cases(full: bool = True) -> Iterator[Case]:
    """Hours of silence in kilobytes (FLAC, Vorbis, Opus); CI has the two-minute versions.

    Parameters
    ----------
    full : bool
        Every ``long_duration`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    lengths = (("2min", 120, True), ("1h", 3600, False), ("10h", 36000, False))[: 3 if full else 1]
    for label, seconds, ci in lengths:
        yield Case("long_duration", f"flac_silence_{label}", data=media.sndfile_silence(8000, seconds, "FLAC", "PCM_16"),
                   filename="long.flac", music=False, duration_s=seconds, ci=ci)
    vorbis = media.sndfile_silence(8000, 60, "OGG", "VORBIS")
    opus = media.sndfile_silence(8000, 60, "OGG", "OPUS")
    for codec, base in (("vorbis", vorbis), ("opus", opus)):
        pages = forge.ogg_pages(base)
        per_page = _page_seconds(pages, 48000 if codec == "opus" else 8000)
        for label, seconds, ci in lengths:
            extra = max(0, round((seconds - 60) / per_page))
            data = forge.ogg_extend(base, extra) if extra else base
            yield Case("long_duration", f"{codec}_silence_{label}", data=data, filename=f"long.{codec}.ogg",
                       music=False, ci=ci)
    if not full:
        return
    loud = media.music(60.0)
    yield Case("long_duration", "vorbis_music_10min_looped",
               data=forge.ogg_extend(media.sndfile_bytes(loud, SR, "OGG", "VORBIS"), 600), filename="loop.ogg",
               ci=False)


def _page_seconds(pages, granule_rate: int) -> float:
    audio = [p.granule for p in pages if p.granule > 0]
    steps = np.diff(audio)
    return float(np.median(steps)) / granule_rate


# -- Ogg page surgery ----------------------------------------------------------------------------------


@family("ogg_pages")
def ogg_page_cases(full: bool = True) -> Iterator[Case]:
    """Ogg streams with pages reordered, duplicated, dropped, re-serialised, or with lying flags.

    Parameters
    ----------
    full : bool
        Every ``ogg_pages`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    for codec in ("ogg", "opus"):
        pages = forge.ogg_pages(media.base_file(codec, 6.5))
        n = len(pages)
        rng = np.random.default_rng(7)
        head, audio = pages[:2], pages[2:]
        shuffled = list(audio)
        rng.shuffle(shuffled)
        variants = {
            "swap_audio_pages": head + [audio[1], audio[0]] + audio[2:],
            "audio_reversed": head + audio[::-1],
            "audio_shuffled": head + shuffled,
            "headers_last": audio + head,
            "header_pages_swapped": [pages[1], pages[0]] + audio,
            "page_duplicated": pages[: n // 2] + [pages[n // 2]] * 3 + pages[n // 2 :],
            "first_page_missing": pages[1:],
            "eos_in_middle": pages[: n // 2] + [replace(pages[n // 2], header_type=4)] + pages[n // 2 + 1 :],
            "bos_everywhere": [replace(p, header_type=p.header_type | 2) for p in pages],
            "serial_changes": pages[: n // 2] + [replace(p, serial=p.serial ^ 0x5A5A) for p in pages[n // 2 :]],
            "granules_decreasing": head + [replace(p, granule=max(1, 10**6 - i * 997)) for i, p in enumerate(audio)],
            "chained_twice": pages + pages,
        }
        for i, (name, new) in enumerate(variants.items()):
            renumber = name not in ("page_duplicated", "chained_twice")
            data = forge.ogg_join(forge.ogg_renumber(new) if renumber else new)
            yield Case("ogg_pages", f"{codec}_{name}", data=data, filename=f"p.{codec}",
                       ci=(i % 3 == 0) or name == "swap_audio_pages")
        raw = media.base_file(codec, 6.5)
        yield Case("ogg_pages", f"{codec}_bad_crc", data=forge.patch(raw, 22, b"\xde\xad\xbe\xef"), filename=f"p.{codec}",
                   ci=False)


# -- truncations and bit flips of real small files ----------------------------------------------------


def _offsets(size: int) -> list[tuple[int, bool]]:
    """Cut points: every header boundary of interest, then fractions of the file; (offset, in CI)."""
    fixed = [(1, False), (2, False), (4, True), (8, False), (12, False), (16, False), (20, False), (28, False),
             (36, False), (44, True), (58, False), (64, False), (100, False), (256, False), (512, True),
             (1024, False), (2048, False), (4096, False)]
    frac = [(size // 8, False), (size // 4, False), (size // 2, True), (3 * size // 4, False), (size - 100, False),
            (size - 1, True)]
    seen, out = set(), []
    for off, ci in fixed + frac:
        if 0 < off < size and off not in seen:
            seen.add(off)
            out.append((off, ci))
    return out


@family("truncation")
def truncation_cases(full: bool = True) -> Iterator[Case]:
    """The first ``k`` bytes of a real WAV/FLAC/OGG/MP3/M4A/WebM file, for many ``k``.

    Parameters
    ----------
    full : bool
        Every ``truncation`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    for kind in media.BASE_FORMATS:
        data = media.base_file(kind)
        for off, ci in _offsets(len(data)):
            yield Case("truncation", f"{kind}@{off}", data=data[:off], filename=f"cut.{kind}", ci=ci)


@family("bitflip")
def bitflip_cases(full: bool = True) -> Iterator[Case]:
    """Real files with seeded bit flips in the header, the first frames and the body, and byte bursts.

    Parameters
    ----------
    full : bool
        Every ``bitflip`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    for k, kind in enumerate(media.BASE_FORMATS):
        data = media.base_file(kind)
        rng = np.random.default_rng(1000 + k)
        n = len(data)
        plans = []
        for region, (lo, hi), count in (("head", (0, 64), 5), ("early", (64, 1024), 4), ("body", (1024, n), 4)):
            for j in range(count):
                pos = int(rng.integers(lo, min(hi, n)))
                bit = int(rng.integers(0, 8))
                plans.append((f"{region}{j}-byte{pos}-bit{bit}", [(pos, 1 << bit)], region == "head" and j < 2))
        for j in range(2):
            pos = int(rng.integers(0, n - 16))
            plans.append((f"burst{j}-byte{pos}", [(pos + i, 0xFF) for i in range(16)], j == 0))
        pos = int(rng.integers(0, min(256, n - 32)))
        plans.append((f"zeros-byte{pos}", [(pos + i, None) for i in range(32)], False))
        for name, flips, ci in plans:
            buf = bytearray(data)
            for pos, mask in flips:
                buf[pos] = 0 if mask is None else buf[pos] ^ mask
            yield Case("bitflip", f"{kind}:{name}", data=bytes(buf), filename=f"flip.{kind}", ci=ci)


# -- non-audio files named as audio -------------------------------------------------------------------


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    img = Image.fromarray((np.arange(64 * 64 * 3) % 251).astype(np.uint8).reshape(64, 64, 3))
    img.save(buf, fmt)
    return buf.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(payload), 0, 0o644
            tar.addfile(info, io.BytesIO(payload))
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, payload in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), payload)
    return buf.getvalue()


@family("not_audio")
def not_audio_cases(full: bool = True) -> Iterator[Case]:
    """Text, images, archives, executables, random bytes and magic numbers alone, named as audio.

    Parameters
    ----------
    full : bool
        Every ``not_audio`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    rng = np.random.default_rng(42)
    mp3 = media.base_file("mp3")
    wav = media.base_file("wav", 2.0)
    items = {
        "text.mp3": b"This is not a song.\nJust some notes about rumba.\n" * 20,
        "empty.mp3": b"",
        "one_byte.wav": b"\0",
        "html.mp3": b"<!doctype html><html><body><audio src='x.mp3'></audio></body></html>\n",
        "json.wav": json.dumps({"type": "start", "sample_rate": 22050}).encode(),
        "svg.flac": b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        "srt.mp3": b"1\n00:00:01,000 --> 00:00:02,000\nla la la\n\n2\n00:00:03,000 --> 00:00:04,000\nla\n",
        "png.wav": _png(),
        "jpeg.flac": _image("JPEG"),
        "gif.mp3": _image("GIF"),
        "bmp.ogg": _image("BMP"),
        "pdf.m4a": b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                   b"trailer<</Root 1 0 R>>\n%%EOF\n",
        "zip_of_mp3.ogg": _zip({"song.mp3": mp3}),
        "tar_of_mp3.mp3": _tar({"song.mp3": mp3}),
        "tar_of_wav.wav": _tar({"song.wav": wav}),
        "tar_of_text.mp3": _tar({"notes.txt": b"rumba\n" * 100}),
        "gzip_of_wav.wav": gzip.compress(wav, mtime=0),
        "elf.mp3": b"\x7fELF\x02\x01\x01" + bytes(9) + bytes(rng.integers(0, 256, 4000, dtype=np.uint8)),
        "zeros_64k.wav": bytes(65536),
        "ff_64k.mp3": b"\xff" * 65536,
        "sync_storm.mp3": b"\xff\xfb\x90\x00" * 16384,
        "id3_then_random.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x10" + bytes(16) + bytes(rng.integers(0, 256, 8000, dtype=np.uint8)),
        "riff_then_random.wav": b"RIFF\x00\x10\x00\x00WAVE" + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
        "flac_magic_only.flac": b"fLaC",
        "oggs_then_random.ogg": b"OggS" + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
        "snd_then_random.au": b".snd" + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
        "form_then_random.aiff": b"FORM\x00\x00\x10\x00AIFF" + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
        "ftyp_then_random.m4a": b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00isomM4A " + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
        "ebml_then_random.webm": b"\x1aE\xdf\xa3" + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
        "video_without_sound.mp4": media.video_only_mp4(),
    }
    for seed in range(4):
        r = np.random.default_rng(seed)
        ext = ("mp3", "wav", "m4a", "ogg")[seed]
        items[f"random_{seed}.{ext}"] = bytes(r.integers(0, 256, int(r.integers(100, 20000)), dtype=np.uint8))
    for i, (name, data) in enumerate(items.items()):
        yield Case("not_audio", name, data=data, filename=name, music=False,
                   ci=i % 2 == 0 or name.startswith(("tar", "text", "empty", "random_0", "video")))


# -- signals that are not music ------------------------------------------------------------------------


@family("not_music")
def not_music_cases(full: bool = True) -> Iterator[Case]:
    """Files of DC, infrasound, ultrasound, a click, a few milliseconds: no dance may be answered.

    Parameters
    ----------
    full : bool
        Every ``not_music`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    signals = {
        "dc_half_10s": (media.tone(0, 10.0, level=0.5), SR),
        "dc_full_6s": (media.tone(0, 6.0, level=1.0), SR),
        "dc_negative_3s": (media.tone(0, 3.0, level=-0.9), SR),
        "sine_5hz_10s": (media.tone(5.0, 10.0, level=0.9), SR),
        "sine_1hz_8s": (media.tone(1.0, 8.0, level=0.9), SR),
        "ultrasound_21khz": (media.tone(21000.0, 6.0, sr=44100, level=0.5), 44100),
        "click_in_silence": (np.pad(np.ones(10, np.float32), (SR * 3, SR * 3)), SR),
        "music_100_samples": (media.music(6.5)[SR : SR + 100], SR),
        "music_10ms": (media.music(6.5)[SR : SR + SR // 100], SR),
        "one_sample": (np.array([0.5], np.float32), SR),
    }
    for i, (name, (y, sr)) in enumerate(signals.items()):
        yield Case("not_music", f"{name}.wav", data=media.sndfile_bytes(y, sr, "WAV", "FLOAT" if i % 2 else "PCM_16"),
                   filename=f"{name}.wav", music=False)
    yield Case("not_music", "dc_half_10s.flac", data=media.sndfile_bytes(media.tone(0, 10.0, level=0.5), SR, "FLAC"),
               filename="dc.flac", music=False)
    float_wav = media.music(6.5).astype(np.float32)
    for label, value in (("nan", math.nan), ("inf", math.inf), ("neginf", -math.inf), ("1e30", 1e30), ("3e38", 3e38)):
        for where, ci in (("one", label in ("nan", "inf", "1e30")), ("all", label in ("nan", "1e30"))):
            y = float_wav.copy()
            if where == "one":
                y[SR] = value
            else:
                y[:] = value
            yield Case("not_music", f"float_wav_{where}_{label}", data=media.sndfile_bytes(y, SR, "WAV", "FLOAT"),
                       filename="f.wav", music=False if where == "all" else None, ci=ci)
    y64 = np.full(SR * 3, 1e300, dtype=np.float64)
    yield Case("not_music", "double_wav_all_1e300", data=media.sndfile_bytes(y64, SR, "WAV", "DOUBLE"),
               filename="d.wav", music=False)
    # controls: real music must still be answered, with its duration
    yield Case("not_music", "control_music_6.5s.wav", data=media.base_file("wav"), filename="music.wav", music=True,
               duration_s=6.5)
    yield Case("not_music", "control_music_3s.mp3", data=media.base_file("mp3", 3.0), filename="music.mp3", music=True)


# -- arrays handed to the API --------------------------------------------------------------------------


@family("array_rate")
def array_rate_cases(full: bool = True) -> Iterator[Case]:
    """A good recording with bad sample rates (1, True, NaN, inf, 0, -1, 10**9, strings...).

    Parameters
    ----------
    full : bool
        Every ``array_rate`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    y = media.music(3.0)
    rates = {"1": 1, "True": True, "False": False, "nan": math.nan, "inf": math.inf, "-inf": -math.inf, "0": 0,
             "-1": -1, "1e9": 10**9, "1e18": 10**18, "2^64": 2**64, "22050.5": 22050.5, "str": "22050", "None": None,
             "1e-300": 1e-300, "complex": complex(22050, 0), "fraction": Fraction(44100, 2), "list": [22050],
             "np.nan32": np.float32("nan"), "8": 8}
    for name, rate in rates.items():
        yield Case("array_rate", f"rate={name}", array=y, sample_rate=rate, argument=True, music=None)
    yield Case("array_rate", "rate=1_65536_samples", array=np.zeros(65536, np.float32), sample_rate=1, argument=True,
               music=False)
    for name, rate in (("np.int64", np.int64(22050)), ("np.float64", np.float64(22050.0)), ("44100", 44100)):
        yield Case("array_rate", f"rate={name}_valid", array=media.music(6.5, sr=int(rate)), sample_rate=rate,
                   argument=True, music=True, duration_s=6.5)


@family("array_values")
def array_value_cases(full: bool = True) -> Iterator[Case]:
    """Float arrays with NaN, infinities, 1e30, denormals, full-scale square waves.

    Parameters
    ----------
    full : bool
        Every ``array_values`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    y = media.music(6.5)
    values = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "1e30": 1e30, "-1e30": -1e30, "3e38": 3e38}
    for name, v in values.items():
        one = y.copy()
        one[SR] = v
        yield Case("array_values", f"one_{name}", array=one, sample_rate=SR, argument=True)
        yield Case("array_values", f"all_{name}", array=np.full_like(y, v), sample_rate=SR, argument=True, music=False)
    half = y.copy()
    half[::2] = math.nan
    yield Case("array_values", "every_other_nan", array=half, sample_rate=SR, argument=True)
    yield Case("array_values", "denormals", array=np.full_like(y, 1e-40), sample_rate=SR, argument=True, music=False)
    square = np.where(np.arange(y.size) % 2 == 0, 1.0, -1.0).astype(np.float32)
    yield Case("array_values", "nyquist_square", array=square, sample_rate=SR, argument=True)
    yield Case("array_values", "float64_1e300", array=np.full(y.size, 1e300), sample_rate=SR, argument=True,
               music=False)
    yield Case("array_values", "music_scaled_32768", array=y * 32768, sample_rate=SR, argument=True)


@family("array_dtype")
def array_dtype_cases(full: bool = True) -> Iterator[Case]:
    """Music in every dtype numpy has: ints, unsigned, half, double, bool, complex, object, strings.

    Parameters
    ----------
    full : bool
        Every ``array_dtype`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    y = media.music(6.5)
    cases = {
        "int16": ((y * 32767).astype(np.int16), True), "int32": ((y * 2**31).astype(np.int32), True),
        "int64": ((y * 2**62).astype(np.int64), True), "int8": ((y * 127).astype(np.int8), True),
        "uint8": ((y * 127 + 128).astype(np.uint8), True), "uint16": ((y * 32767 + 32768).astype(np.uint16), True),
        "float16": (y.astype(np.float16), True), "float64": (y.astype(np.float64), True),
        "longdouble": (y.astype(np.longdouble), True),
        "big_endian_f4": (y.astype(">f4"), True), "big_endian_i2": ((y * 32767).astype(">i2"), True),
        "bool": (y > 0, None), "complex64": (y.astype(np.complex64), None), "complex128": (y.astype(np.complex128) * 1j, None),
        "object_floats": (y.astype(object), None), "object_strings": (np.array(["a", "b"] * 100, dtype=object), None),
        "object_none": (np.array([None] * 1000, dtype=object), None), "unicode": (np.array(["0.5"] * 1000), None),
        "bytes": (np.array([b"\x00\x01"] * 1000), None), "datetime64": (np.arange(1000).astype("datetime64[s]"), None),
        "timedelta64": (np.arange(1000).astype("timedelta64[ms]"), None),
        "structured": (np.zeros(1000, dtype=[("l", "f4"), ("r", "f4")]), None),
        "strided": (np.repeat(y, 3)[::3], True), "readonly": (_readonly(y), True),
        "masked": (np.ma.masked_array(y, mask=np.arange(y.size) % 2 == 0), None),
        "matrix": (_matrix(y), None),
    }
    for name, (arr, music) in cases.items():
        yield Case("array_dtype", name, array=arr, sample_rate=SR, argument=True, music=music,
                   duration_s=6.5 if music else None)
    yield Case("array_dtype", "python_list", array=[0.0] * 1000, sample_rate=SR, argument=True, music=False)
    yield Case("array_dtype", "python_str", array="song.mp3\n", sample_rate=SR, argument=True, music=False, ci=False)


def _matrix(y: np.ndarray):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(y)


def _readonly(y: np.ndarray) -> np.ndarray:
    r = y.copy()
    r.flags.writeable = False
    return r


@family("array_shape")
def array_shape_cases(full: bool = True) -> Iterator[Case]:
    """Stereo both ways round, 3-D, empty, 0-d, one sample, a thousand channels.

    Parameters
    ----------
    full : bool
        Every ``array_shape`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    y = media.music(6.5)
    st = media.music(6.5, channels=2)
    shapes = {
        "(N,2)": (st, True, 6.5), "(2,N)": (np.ascontiguousarray(st.T), True, 6.5), "(N,1)": (y[:, None], True, 6.5),
        "(1,N)": (y[None, :], True, 6.5), "(2,N,1)": (st.T[:, :, None], None, None), "(N,2,2)": (np.stack([st, st], 2), None, None),
        "(1,1,N)": (y[None, None, :], None, None), "0-d": (np.array(0.5, np.float32), False, None),
        "(0,)": (np.zeros(0, np.float32), False, None), "(0,2)": (np.zeros((0, 2), np.float32), False, None),
        "(2,0)": (np.zeros((2, 0), np.float32), False, None), "(N,0)": (np.zeros((y.size, 0), np.float32), False, None),
        "(1,)": (np.array([0.3], np.float32), False, None), "(100,)": (y[:100], False, None),
        "(N,100)": (np.repeat(y[:, None], 100, axis=1), True, 6.5), "(100,N)": (np.repeat(y[None, :], 100, axis=0), True, 6.5),
        "(N,2)_fortran": (np.asfortranarray(st), True, 6.5), "(2,N)_view": (st.T, True, 6.5),
    }
    for name, (arr, music, duration) in shapes.items():
        yield Case("array_shape", name, array=arr, sample_rate=SR, argument=True, music=music, duration_s=duration)


@family("array_signal")
def array_signal_cases(full: bool = True) -> Iterator[Case]:
    """DC, infrasound, clicks and a few milliseconds handed as arrays; a music control.

    Parameters
    ----------
    full : bool
        Every ``array_signal`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    signals = {
        "dc_half_10s": media.tone(0, 10.0, level=0.5), "dc_full_3s": media.tone(0, 3.0, level=1.0),
        "sine_5hz_10s": media.tone(5.0, 10.0, level=0.9), "sine_2hz_6s": media.tone(2.0, 6.0, level=1.0),
        "click_in_silence": np.pad(np.ones(10, np.float32), (SR * 3, SR * 3)),
        "music_100_samples": media.music(6.5)[SR : SR + 100], "music_5ms": media.music(6.5)[SR : SR + SR // 200],
        "silence_6s": np.zeros(SR * 6, np.float32),
    }
    for name, y in signals.items():
        yield Case("array_signal", name, array=y, sample_rate=SR, argument=True, music=False)
    yield Case("array_signal", "control_music_6.5s", array=media.music(6.5), sample_rate=SR, argument=True, music=True,
               duration_s=6.5)


# -- the file system ----------------------------------------------------------------------------------

#: File-system oddities (see ``filesystem.materialise``): name -> (music hint, in CI).
FS_ODDITIES = {
    "directory": (False, True), "directory_named_mp3": (False, True), "fifo": (False, True), "socket": (False, True),
    "unreadable_chmod_000": (None, True), "unreadable_proc_file": (False, True), "dangling_symlink": (False, True),
    "symlink_loop": (False, True), "/dev/zero": (False, True), "/dev/urandom": (False, True), "/dev/null": (False, True),
    "missing_file": (False, True), "file_with_trailing_slash": (None, True), "name_too_long": (False, True),
    "odd_unicode_name": (True, True), "shell_metachar_name": (True, True), "non_utf8_name": (True, True),
    "sparse_8gb_wav": (False, False), "proc_self_mem": (False, False),
}


@family("filesystem")
def filesystem_cases(full: bool = True) -> Iterator[Case]:
    """Directories, FIFOs, sockets, unreadable files, dangling links, devices, odd names (CLI and API paths).

    Parameters
    ----------
    full : bool
        Every ``filesystem`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    wav = media.base_file("wav")
    for name, (music, ci) in FS_ODDITIES.items():
        yield Case("filesystem", name, data=wav, filename="x.wav", fs=name, music=music,
                   duration_s=6.5 if music else None, ci=ci)


# -- the web server: raw requests --------------------------------------------------------------------


@family("http")
def http_cases(full: bool = True) -> Iterator[Case]:
    """Requests the page never sends: no file, two files, wrong content types, odd names, bad queries.

    Parameters
    ----------
    full : bool
        Every ``http`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    wav = media.base_file("wav")
    short = media.base_file("wav", 2.0)
    up = "/api/identify"
    reqs = {
        "no_file_field": dict(method="POST", path=up, data={"other": "x"}),
        "file_as_text_field": dict(method="POST", path=up, data={"file": "not a file"}),
        "empty_body": dict(method="POST", path=up, content=b""),
        "json_body": dict(method="POST", path=up, json={"file": "song.mp3"}),
        "raw_wav_body": dict(method="POST", path=up, content=short, headers={"content-type": "audio/wav"}),
        "multipart_no_boundary": dict(method="POST", path=up, content=b"--x\r\n\r\n",
                                      headers={"content-type": "multipart/form-data"}),
        "multipart_garbage": dict(method="POST", path=up, content=b"--b\r\nContent-Disposition: form-data\r\n\r\n\xff\xfe",
                                  headers={"content-type": "multipart/form-data; boundary=b"}),
        "multipart_unterminated": dict(method="POST", path=up,
                                       content=b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n' + short[:500],
                                       headers={"content-type": "multipart/form-data; boundary=b"}),
        "two_files": dict(method="POST", path=up, files=[("file", ("a.wav", short)), ("file", ("b.wav", short))]),
        "get_on_upload": dict(method="GET", path=up),
        "put_on_upload": dict(method="PUT", path=up, content=short),
        "top_0": dict(method="POST", path=up, files={"file": ("a.wav", short)}, params={"top": "0"}),
        "top_huge": dict(method="POST", path=up, files={"file": ("a.wav", short)}, params={"top": str(10**30)}),
        "top_text": dict(method="POST", path=up, files={"file": ("a.wav", short)}, params={"top": "three"}),
        "tempo_maybe": dict(method="POST", path=up, files={"file": ("a.wav", short)}, params={"tempo": "maybe"}),
        "genre_upload": dict(method="POST", path="/api/genre", files={"file": ("a.wav", wav)}),
        "genre_text": dict(method="POST", path="/api/genre", files={"file": ("a.mp3", b"hello\n" * 50)}),
        "static_traversal": dict(method="GET", path="/static/..%2f..%2fpyproject.toml"),
        "static_dotdot": dict(method="GET", path="/static/../../../etc/passwd"),
        "static_null": dict(method="GET", path="/static/app.js%00.png"),
        "unknown_path": dict(method="GET", path="/api/nothing"),
        "content_type_lies": dict(method="POST", path=up, files={"file": ("a.wav", short, "text/html")}),
    }
    names = {
        "name_traversal": "../../etc/passwd.wav", "name_windows_path": "C:\\Users\\x\\song.wav", "name_empty": "",
        "name_crlf": "a\r\nX-Injected: 1.wav", "name_rtl_override": "song\u202ev4m.wav", "name_10k": "a" * 10000 + ".wav",
        "name_emoji": "\U0001f483\U0001f57a.wav", "name_nul": "a\x00b.wav", "name_dot": ".", "name_dotdot": "..",
    }
    for name, filename in names.items():
        reqs[name] = dict(method="POST", path=up, files={"file": (filename, short)})
    for i, (name, request) in enumerate(reqs.items()):
        music = True if name in ("raw_wav_body",) else None
        yield Case("http", name, request=request, music=music, ci=i % 2 == 0 or name.startswith("name_"))


# -- the live socket ----------------------------------------------------------------------------------


def _start(**fields) -> tuple:
    return ("text", json.dumps({"type": "start", **fields}, allow_nan=True))


def _audio(y: np.ndarray, fmt: str = "f32le", chunk_s: float = 0.25, sr: int = SR) -> list[tuple]:
    data = y.astype("<f4").tobytes() if fmt == "f32le" else _pcm16(y)
    step = int(chunk_s * sr) * (4 if fmt == "f32le" else 2)
    return [("binary", data[i : i + step]) for i in range(0, len(data), step)]


STOP = ("text", json.dumps({"type": "stop"}))


@family("live")
def live_cases(full: bool = True) -> Iterator[Case]:
    """WebSocket sessions: bad start messages, huge or deep JSON, binary first, NaN audio, odd rates.

    Parameters
    ----------
    full : bool
        Every ``live`` case; False: those CI runs.

    Yields
    ------
    Case
    """
    song = media.music(6.5)
    good = _audio(song)
    wrong = {"type": [1, None, [], {}, "START", ""], "sample_rate": ["22050", -1, 0, 7, 1e308, math.nan, math.inf,
             True, None, [], {}, 2**64, 192001, 8000.5, "nan"], "format": [1, None, "s24le", "", "F32LE", [], "f32le\u0000"]}
    n = 0
    for fld, values in wrong.items():
        for v in values:
            fields = {"sample_rate": SR, "format": "f32le"}
            if fld == "type":
                msg = ("text", json.dumps({"type": v, **fields}, allow_nan=True))
            else:
                fields[fld] = v
                msg = _start(**fields)
            label = json.dumps(v, allow_nan=True)
            yield Case("live", f"start_{fld}={label}", messages=(msg, *good[:4], STOP), music=None,
                       ci=n % 2 == 0)
            n += 1
    yield Case("live", "valid_f32le", messages=(_start(sample_rate=SR, format="f32le"), *good, STOP), music=True,
               duration_s=6.5)
    yield Case("live", "valid_s16le_48k", messages=(_start(sample_rate=48000, format="s16le"),
                                                    *_audio(media.music(6.5, sr=48000), "s16le", sr=48000), STOP),
               music=True, duration_s=6.5)
    yield Case("live", "valid_8k", messages=(_start(sample_rate=8000, format="f32le"),
                                             *_audio(media.music(6.5, sr=8000), sr=8000), STOP), music=True,
               duration_s=6.5, ci=False)
    yield Case("live", "huge_json_2mb", messages=(("text", json.dumps({"type": "start", "pad": "x" * 2_000_000})),))
    yield Case("live", "huge_json_900kb", messages=(("text", json.dumps({"type": "start", "sample_rate": SR,
                                                                          "pad": ["x"] * 150_000})), STOP))
    yield Case("live", "deep_json_100k", messages=(("text", "[" * 100_000 + "]" * 100_000),))
    yield Case("live", "deep_json_object_5k", messages=(("text", '{"type": "start", "x": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"),))
    yield Case("live", "binary_before_start", messages=(("binary", song[:4096].astype("<f4").tobytes()),))
    yield Case("live", "text_not_json", messages=(("text", "hello"),))
    yield Case("live", "json_list", messages=(("text", "[1, 2, 3]"),))
    yield Case("live", "json_string", messages=(("text", '"start"'),))
    yield Case("live", "json_nan_literal", messages=(("text", "NaN"),))
    yield Case("live", "stop_first", messages=(STOP,))
    yield Case("live", "stop_without_audio", messages=(_start(sample_rate=SR, format="f32le"), STOP))
    yield Case("live", "text_where_binary", messages=(_start(sample_rate=SR, format="f32le"), ("text", "hello")))
    yield Case("live", "unknown_type_after_start", messages=(_start(sample_rate=SR), *good[:2], ("text", '{"type": "pause"}')))
    yield Case("live", "second_start", messages=(_start(sample_rate=SR), *good[:2], _start(sample_rate=8000), *good[:2], STOP))
    yield Case("live", "stop_twice", messages=(_start(sample_rate=SR), *good, STOP, STOP), music=True, duration_s=6.5)
    yield Case("live", "empty_binary", messages=(_start(sample_rate=SR), ("binary", b""), ("binary", b""), STOP))
    yield Case("live", "odd_bytes_s16le", messages=(_start(sample_rate=SR, format="s16le"), ("binary", b"\x01"),
                                                    ("binary", b"\x02\x03\x04"), STOP))
    yield Case("live", "odd_bytes_f32le", messages=(_start(sample_rate=SR, format="f32le"), ("binary", b"\x00\x00\x80"),
                                                    *good, STOP))
    yield Case("live", "message_over_1mb", messages=(_start(sample_rate=SR), ("binary", bytes(1_100_000)), STOP))
    for label, value in (("nan", math.nan), ("inf", math.inf), ("1e30", 1e30), ("3e38", 3e38), ("-inf", -math.inf)):
        one = song.copy()
        one[SR] = value
        yield Case("live", f"f32le_one_{label}", messages=(_start(sample_rate=SR), *_audio(one), STOP),
                   ci=label in ("nan", "1e30", "inf"))
        yield Case("live", f"f32le_all_{label}", messages=(_start(sample_rate=SR), *_audio(np.full_like(song, value)), STOP),
                   music=False, ci=label in ("nan", "1e30"))
    yield Case("live", "dc_f32le", messages=(_start(sample_rate=SR), *_audio(media.tone(0, 6.5, level=0.8)), STOP),
               music=False)
    yield Case("live", "rate_8hz_audio", messages=(("text", json.dumps({"type": "start", "sample_rate": 8, "format": "f32le"})),
                                                   *good[:2], STOP))
    yield Case("live", "close_after_start", messages=(_start(sample_rate=SR), ("close", 1000)))
    yield Case("live", "close_mid_audio", messages=(_start(sample_rate=SR), *good[:10], ("close", 1000)))
    yield Case("live", "silent_client_20s", messages=(_start(sample_rate=SR), *good[:2], ("sleep", 20.0)), ci=False)
    yield Case("live", "no_start_12s", messages=(("sleep", 12.0),), ci=False)
    yield Case("live", "foreign_origin", messages=(_start(sample_rate=SR), STOP),
               headers=(("Origin", "http://evil.example"),))
    yield Case("live", "too_many_sessions", messages=(_start(sample_rate=SR), *good[:2], STOP), sessions=6)
