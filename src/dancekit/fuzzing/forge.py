"""Byte surgery on real files: forged headers that parsers trust, kept otherwise well-formed.

Why hand-written: a random bit flip rarely hits the one field a decoder sizes its buffers or loops
by (a length, a rate, a sample count). These helpers change exactly that field and keep the rest
valid (Ogg page CRCs recomputed, FLAC bit fields packed), so the file gets past the first checks
and reaches the code that believes it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace

# -- RIFF / WAV ---------------------------------------------------------------------------------------


def wav(
    data: bytes = b"",
    *,
    tag: int = 1,
    channels: int = 1,
    rate: int = 22050,
    bits: int = 16,
    block_align: int | None = None,
    byte_rate: int | None = None,
    data_size: int | None = None,
    riff_size: int | None = None,
    fmt_extra: bytes = b"",
    fmt_size: int | None = None,
    magic: bytes = b"RIFF",
    chunks_before_data: bytes = b"",
    data_first: bool = False,
) -> bytes:
    """A WAV file built field by field; every size may lie (``data_size``, ``riff_size``, ``fmt_size``).

    Parameters
    ----------
    data : bytes
        The sample bytes of the ``data`` chunk.
    tag : int
        Format tag (1 PCM, 3 float, 0xFFFE extensible...).
    channels, rate, bits : int
        The ``fmt`` fields.
    block_align, byte_rate : int, optional
        Default: the values that agree with the fields above.
    data_size, riff_size, fmt_size : int, optional
        Claimed chunk sizes (default: the true ones).
    fmt_extra : bytes
        Bytes appended to the ``fmt`` body (an extension).
    magic : bytes
        The first four bytes (``RIFF``, ``RIFX``, ``RF64``...).
    chunks_before_data : bytes
        Raw chunks between ``fmt`` and ``data``.
    data_first : bool
        Put ``data`` before ``fmt``.

    Returns
    -------
    bytes
    """
    if block_align is None:
        block_align = (channels * bits // 8) & 0xFFFF
    if byte_rate is None:
        byte_rate = (rate * block_align) & 0xFFFFFFFF
    fmt_body = struct.pack("<HHIIHH", tag & 0xFFFF, channels & 0xFFFF, rate & 0xFFFFFFFF, byte_rate,
                           block_align, bits & 0xFFFF) + fmt_extra
    fmt = b"fmt " + struct.pack("<I", len(fmt_body) if fmt_size is None else fmt_size) + fmt_body
    body = b"data" + struct.pack("<I", len(data) if data_size is None else data_size) + data
    if len(data) % 2 and data_size is None:
        body += b"\0"
    chunks = (body + fmt) if data_first else (fmt + chunks_before_data + body)
    size = 4 + len(chunks) if riff_size is None else riff_size
    return magic + struct.pack("<I", size & 0xFFFFFFFF) + b"WAVE" + chunks


def rf64(data: bytes, *, ds64: bool = True, data_size64: int | None = None, riff_size64: int | None = None,
         sample_count: int | None = None, rate: int = 22050, bits: int = 16, channels: int = 1) -> bytes:
    """An RF64 file (the 64-bit WAV): 32-bit sizes are 0xFFFFFFFF and the ``ds64`` chunk holds the real ones.

    Parameters
    ----------
    data : bytes
        Sample bytes.
    ds64 : bool
        Write the ``ds64`` chunk (without it, no size is known).
    data_size64, riff_size64, sample_count : int, optional
        Claimed 64-bit sizes (default: the true ones).
    rate, bits, channels : int
        The ``fmt`` fields.

    Returns
    -------
    bytes
    """
    block_align = channels * bits // 8
    fmt_body = struct.pack("<HHIIHH", 1, channels, rate, rate * block_align, block_align, bits)
    chunks = b""
    if ds64:
        d = len(data) if data_size64 is None else data_size64
        r = (len(data) + 80) if riff_size64 is None else riff_size64
        n = (len(data) // max(block_align, 1)) if sample_count is None else sample_count
        chunks += b"ds64" + struct.pack("<IQQQI", 28, r, d, n, 0)
    chunks += b"fmt " + struct.pack("<I", len(fmt_body)) + fmt_body
    chunks += b"data" + struct.pack("<I", 0xFFFFFFFF) + data
    return b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + chunks


def riff_find(data: bytes, chunk_id: bytes) -> int:
    """Offset of the first RIFF chunk header ``chunk_id`` at the top level (-1 when absent).

    Parameters
    ----------
    data : bytes
        A RIFF file.
    chunk_id : bytes
        Four bytes, e.g. ``b"fmt "``.

    Returns
    -------
    int
    """
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if cid == chunk_id:
            return pos
        pos += 8 + size + (size & 1)
    return -1


def patch(data: bytes, offset: int, new: bytes) -> bytes:
    """``data`` with ``new`` written at ``offset``.

    Parameters
    ----------
    data : bytes
        The original.
    offset : int
        Where ``new`` goes.
    new : bytes
        The bytes to write.

    Returns
    -------
    bytes
    """
    return data[:offset] + new + data[offset + len(new) :]


# -- FLAC ---------------------------------------------------------------------------------------------

#: STREAMINFO's packed fields after the two 16-bit and two 24-bit block/frame sizes: (name, bits).
_STREAMINFO_FIELDS = (("min_block", 16), ("max_block", 16), ("min_frame", 24), ("max_frame", 24),
                      ("sample_rate", 20), ("channels_minus_1", 3), ("bps_minus_1", 5), ("total_samples", 36))


def flac_streaminfo(data: bytes, **fields: int) -> bytes:
    """``data`` (a FLAC file) with STREAMINFO fields replaced, e.g. ``total_samples=2**36 - 1``.

    Parameters
    ----------
    data : bytes
        A FLAC file whose first block is STREAMINFO.
    **fields : int
        ``min_block``, ``max_block``, ``min_frame``, ``max_frame``, ``sample_rate``, ``channels_minus_1``,
        ``bps_minus_1``, ``total_samples``; values are cut to the field's width.

    Returns
    -------
    bytes
    """
    assert data[:4] == b"fLaC" and data[4] & 0x7F == 0, "STREAMINFO must be the first metadata block"
    start = 8  # after "fLaC" and the 4-byte block header
    value = int.from_bytes(data[start : start + 18], "big")
    shift = 18 * 8
    for name, bits in _STREAMINFO_FIELDS:
        shift -= bits
        if name in fields:
            mask = ((1 << bits) - 1) << shift
            value = (value & ~mask) | ((fields[name] & ((1 << bits) - 1)) << shift)
    return patch(data, start, value.to_bytes(18, "big"))


def flac_block_header(data: bytes, index: int = 0, *, length: int | None = None, block_type: int | None = None,
                      last: bool | None = None) -> bytes:
    """``data`` with metadata block ``index``'s header changed (its claimed length, type or last flag).

    Parameters
    ----------
    data : bytes
        A FLAC file.
    index : int
        Which metadata block (0 is STREAMINFO).
    length : int, optional
        Claimed block length.
    block_type : int, optional
        Block type (127 is invalid).
    last : bool, optional
        The last-block flag.

    Returns
    -------
    bytes
    """
    pos = 4
    for _ in range(index):
        size = int.from_bytes(data[pos + 1 : pos + 4], "big")
        pos += 4 + size
    head = data[pos]
    is_last = bool(head & 0x80) if last is None else last
    btype = (head & 0x7F) if block_type is None else block_type
    size = int.from_bytes(data[pos + 1 : pos + 4], "big") if length is None else length
    return patch(data, pos, bytes([(0x80 if is_last else 0) | (btype & 0x7F)]) + (size & 0xFFFFFF).to_bytes(3, "big"))


# -- Ogg ----------------------------------------------------------------------------------------------


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


_CRC = _crc_table()


def ogg_crc(page: bytes) -> int:
    """The CRC-32 of an Ogg page (polynomial 0x04C11DB7, as the CRC field must hold it).

    Parameters
    ----------
    page : bytes
        The page with its CRC field zeroed.

    Returns
    -------
    int
    """
    crc = 0
    for b in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ b]
    return crc


@dataclass(frozen=True)
class OggPage:
    """One Ogg page, field by field, so cases can reorder, duplicate or falsify pages.

    Parameters
    ----------
    header_type : int
        Flags: 1 continued packet, 2 first page, 4 last page.
    granule : int
        Granule position (samples, for audio codecs).
    serial : int
        Stream serial number.
    sequence : int
        Page number in the stream.
    lacing : bytes
        The segment table.
    body : bytes
        The page's packet data.
    """
    header_type: int
    granule: int
    serial: int
    sequence: int
    lacing: bytes
    body: bytes

    def to_bytes(self) -> bytes:
        """The page with a freshly computed CRC."""
        head = b"OggS" + struct.pack("<BBqIII", 0, self.header_type, self.granule, self.serial, self.sequence, 0)
        page = head + bytes([len(self.lacing)]) + self.lacing + self.body
        return page[:22] + struct.pack("<I", ogg_crc(page)) + page[26:]


def ogg_pages(data: bytes) -> list[OggPage]:
    """The pages of an Ogg stream, in file order.

    Parameters
    ----------
    data : bytes
        An Ogg stream.

    Returns
    -------
    list of OggPage
    """
    pages, pos = [], 0
    while pos + 27 <= len(data) and data[pos : pos + 4] == b"OggS":
        header_type, granule, serial, seq = struct.unpack("<Bq2I", data[pos + 5 : pos + 22])
        n = data[pos + 26]
        lacing = data[pos + 27 : pos + 27 + n]
        body_start = pos + 27 + n
        body = data[body_start : body_start + sum(lacing)]
        pages.append(OggPage(header_type, granule, serial, seq, lacing, body))
        pos = body_start + len(body)
    return pages


def ogg_join(pages: list[OggPage]) -> bytes:
    """The pages as one stream, each with a fresh CRC.

    Parameters
    ----------
    pages : list of OggPage
        In the order to write.

    Returns
    -------
    bytes
    """
    return b"".join(p.to_bytes() for p in pages)


def ogg_renumber(pages: list[OggPage]) -> list[OggPage]:
    """Sequence numbers 0, 1, 2... in the given order (so only what the caller changed is wrong).

    Parameters
    ----------
    pages : list of OggPage
        Pages in their new order.

    Returns
    -------
    list of OggPage
    """
    return [replace(p, sequence=i) for i, p in enumerate(pages)]


def ogg_extend(data: bytes, factor: int) -> bytes:
    """The stream with a middle audio page repeated ``factor`` times (granules kept increasing).

    Long durations in few bytes without encoding hours of audio: a page of silence repeated
    36,000 times is a 10-hour file that every decoder must walk through.

    Parameters
    ----------
    data : bytes
        An Ogg stream with an audio page between its first and last.
    factor : int
        Copies of the repeated page.

    Returns
    -------
    bytes
    """
    pages = ogg_pages(data)
    audio = [i for i, p in enumerate(pages) if p.granule > 0 and p.lacing and p.lacing[-1] != 255]
    # a page in the steady state: not the first audio page (pre-skip, headers) nor the last (EOS)
    candidates = [i for i in audio[1:-1] if pages[i - 1].granule > 0 and not pages[i].header_type & 1]
    if not candidates:
        raise ValueError("no repeatable audio page")
    k = candidates[len(candidates) // 2]
    step = pages[k].granule - pages[k - 1].granule
    out = list(pages[: k + 1])
    granule = pages[k].granule
    for _ in range(factor):
        granule += step
        out.append(replace(pages[k], granule=granule, header_type=0))
    shift = granule - pages[k].granule
    out += [replace(p, granule=p.granule + shift if p.granule > 0 else p.granule) for p in pages[k + 1 :]]
    return ogg_join(ogg_renumber(out))


def ogg_first_packet_patch(data: bytes, offset: int, new: bytes) -> bytes:
    """Patch bytes of the first page's body (the codec's identification header), CRC recomputed.

    Parameters
    ----------
    data : bytes
        An Ogg stream.
    offset : int
        Position in the first page's body.
    new : bytes
        Replacement bytes.

    Returns
    -------
    bytes
    """
    pages = ogg_pages(data)
    first = pages[0]
    pages[0] = replace(first, body=patch(first.body, offset, new))
    return ogg_join(pages)


# -- MP3 ----------------------------------------------------------------------------------------------

_BITRATES = {  # (mpeg1?, layer3) kbit/s by index
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def id3_length(data: bytes) -> int:
    """Bytes of a leading ID3v2 tag (0 when none).

    Parameters
    ----------
    data : bytes
        Any file.

    Returns
    -------
    int
    """
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
    return 10 + size + (10 if data[5] & 0x10 else 0)


def mp3_first_frame(data: bytes) -> tuple[int, int]:
    """(offset, length) of the first MPEG audio layer III frame.

    Parameters
    ----------
    data : bytes
        An MP3 file (a leading ID3 tag is skipped).

    Returns
    -------
    (int, int)
    """
    pos = id3_length(data)
    while pos + 4 <= len(data):
        h = int.from_bytes(data[pos : pos + 4], "big")
        version, layer, bitrate, rate, pad = (h >> 19) & 3, (h >> 17) & 3, (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
        if (h >> 21) == 0x7FF and version != 1 and layer == 1 and 0 < bitrate < 15 and rate < 3:
            mpeg1 = version == 3
            length = (144 if mpeg1 else 72) * _BITRATES[mpeg1][bitrate] * 1000 // _RATES[version][rate] + pad
            return pos, length
        pos += 1
    raise ValueError("no MPEG audio frame")


def mp3_xing(data: bytes, frames: int, tag: bytes = b"Xing") -> bytes:
    """``data`` with a Xing (VBR) header frame claiming ``frames`` frames put before the first frame.

    Parameters
    ----------
    data : bytes
        An MP3 file.
    frames : int
        Frame count the header claims.
    tag : bytes
        ``b"Xing"`` or ``b"Info"``.

    Returns
    -------
    bytes
    """
    pos, length = mp3_first_frame(data)
    h = int.from_bytes(data[pos : pos + 4], "big")
    mpeg1, mono = ((h >> 19) & 3) == 3, ((h >> 6) & 3) == 3
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    frame = bytearray(length)
    frame[:4] = data[pos : pos + 4]
    frame[1] |= 1  # no CRC, so the side information starts right after the header
    body = tag + struct.pack(">II", 0x1, frames & 0xFFFFFFFF)
    frame[4 + side : 4 + side + len(body)] = body
    return data[:pos] + bytes(frame) + data[pos:]


def id3_forged(audio: bytes, size: int = 0x0FFFFFFF) -> bytes:
    """An ID3v2.4 tag header claiming ``size`` bytes (syncsafe), followed by ``audio``.

    Parameters
    ----------
    audio : bytes
        The file to tag; its own ID3 tag, if any, is replaced.
    size : int
        Claimed tag size (at most 2**28 - 1).

    Returns
    -------
    bytes
    """
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x04\x00\x00" + syncsafe + audio[id3_length(audio) :]


# -- MP4 / Matroska / AU / AIFF -----------------------------------------------------------------------


def mp4_box(data: bytes, box: bytes) -> int:
    """Offset of the type field of the first ``box`` (e.g. ``b"mdhd"``); the size is 4 bytes before it.

    Parameters
    ----------
    data : bytes
        An MP4/M4A file.
    box : bytes
        Four-letter box type.

    Returns
    -------
    int
        An absent box is a ``ValueError``.
    """
    pos = data.find(box)
    if pos < 4:
        raise ValueError(f"no {box!r} box")
    return pos


def mp4_field(data: bytes, box: bytes, offset: int, value: int, size: int = 4) -> bytes:
    """Patch the big-endian integer at ``offset`` bytes after ``box``'s type field.

    Parameters
    ----------
    data : bytes
        An MP4/M4A file.
    box : bytes
        Four-letter box type (the first one found).
    offset : int
        Bytes after the type field.
    value : int
        The new value.
    size : int
        Field width in bytes.

    Returns
    -------
    bytes
    """
    pos = mp4_box(data, box)
    return patch(data, pos + offset, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "big"))


def ebml_float(data: bytes, element_id: bytes, value: float) -> bytes:
    r"""Patch the first 8- or 4-byte float element ``element_id`` (e.g. SamplingFrequency ``b"\xb5"``).

    Parameters
    ----------
    data : bytes
        A WebM/Matroska file.
    element_id : bytes
        The element's id bytes.
    value : float
        The new value.

    Returns
    -------
    bytes
    """
    for size_byte, fmt in ((b"\x88", ">d"), (b"\x84", ">f")):
        pos = data.find(element_id + size_byte)
        if pos >= 0:
            return patch(data, pos + len(element_id) + 1, struct.pack(fmt, value))
    raise ValueError(f"no float element {element_id!r}")


def ebml_uint(data: bytes, element_id: bytes, value: int) -> bytes:
    r"""Patch the first one-byte unsigned element ``element_id`` (e.g. Channels ``b"\x9f"``).

    Parameters
    ----------
    data, element_id
        As for :func:`ebml_float`.
    value : int
        The new value, 0-255.

    Returns
    -------
    bytes
    """
    pos = data.find(element_id + b"\x81")
    if pos < 0:
        raise ValueError(f"no uint element {element_id!r}")
    return patch(data, pos + len(element_id) + 1, bytes([value & 0xFF]))


def au(data: bytes, *, encoding: int = 3, rate: int = 22050, channels: int = 1, data_size: int | None = None,
       offset: int = 24) -> bytes:
    """A Sun/NeXT ``.snd`` file built field by field (big-endian; encoding 3 is 16-bit PCM).

    Parameters
    ----------
    data : bytes
        Sample bytes.
    encoding : int
        The encoding field (1 mu-law, 3 16-bit PCM, 6 float...).
    rate, channels : int
        Header fields.
    data_size : int, optional
        Claimed data size (default: the true one).
    offset : int
        Claimed header length (where the samples start).

    Returns
    -------
    bytes
    """
    size = len(data) if data_size is None else data_size
    head = b".snd" + struct.pack(">IIIII", offset, size & 0xFFFFFFFF, encoding, rate & 0xFFFFFFFF, channels)
    if 24 < offset <= 4096:  # a real header pad; a forged offset points past the end instead
        head += b"\0" * (offset - 24)
    return head + data


def aiff_comm(data: bytes, *, channels: int | None = None, frames: int | None = None, bits: int | None = None,
              rate_bytes: bytes | None = None) -> bytes:
    """``data`` (an AIFF file) with COMM fields replaced (``rate_bytes``: the raw 80-bit extended float).

    Parameters
    ----------
    data : bytes
        An AIFF file.
    channels, frames, bits : int, optional
        New COMM values (None keeps the field).
    rate_bytes : bytes, optional
        10 bytes of raw 80-bit extended float for the sample rate.

    Returns
    -------
    bytes
    """
    pos = data.find(b"COMM") + 8
    if channels is not None:
        data = patch(data, pos, struct.pack(">H", channels & 0xFFFF))
    if frames is not None:
        data = patch(data, pos + 2, struct.pack(">I", frames & 0xFFFFFFFF))
    if bits is not None:
        data = patch(data, pos + 6, struct.pack(">H", bits & 0xFFFF))
    if rate_bytes is not None:
        data = patch(data, pos + 8, rate_bytes)
    return data
