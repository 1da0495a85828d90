"""Parts of a workbook's zip package read straight from the file's bytes, at the offsets its
central directory gives: a part's start, its first bytes, the whole part, or the part a megabyte at a
time. Never inflates more than a part declares (the package checks bound what it declares), and far
faster than opening a stream through the zipfile module for each part.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator


def data_start(data: bytes, info: zipfile.ZipInfo) -> int | None:
    """Where a stored or deflated part's bytes start in the file's data, read from its local
    header; None when the header is not where the central directory says, or another method."""
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04" or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
    return off + 30 + name_len + extra_len


def part_head(data: bytes, info: zipfile.ZipInfo, out_bytes: int, raw_bytes: int | None = None) -> bytes | None:
    """The first ``out_bytes`` of a part, inflated from at most ``raw_bytes`` of its compressed bytes
    straight from the file's data (see :func:`data_start`); None when it cannot be found that way."""
    start = data_start(data, info)
    if start is None:
        return None
    raw = data[start:start + min(info.compress_size, raw_bytes or info.compress_size)]
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[:out_bytes]
    try:
        return zlib.decompressobj(-15).decompress(raw, out_bytes)
    except zlib.error:
        return None


def inflate_part(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A whole part, inflated straight from the file's data, or None (never more than it declares)."""
    out = part_head(data, info, info.file_size + 1)
    return out if out is not None and len(out) == info.file_size else None


SCAN_CHUNK = 1024 * 1024


def inflated_chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A stored or deflated part of the file's data, a megabyte at a time, up to its declared size."""
    start = data_start(data, info)
    if start is None:
        return
    raw = data[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, min(len(raw), info.file_size), SCAN_CHUNK):
            yield raw[at:at + SCAN_CHUNK]
        return
    inflate = zlib.decompressobj(-15)
    total = pos = 0
    while total <= info.file_size and not inflate.eof:
        if inflate.unconsumed_tail:
            out = inflate.decompress(inflate.unconsumed_tail, SCAN_CHUNK)
        elif pos < len(raw):
            out = inflate.decompress(raw[pos:pos + SCAN_CHUNK], SCAN_CHUNK)
            pos += SCAN_CHUNK
        else:
            return
        total += len(out)
        if out:
            yield out

