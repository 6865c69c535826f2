"""ISO base media files (Canon CR3, HEIC): boxes walked by their headers, never read whole.
A CR3 keeps its EXIF in Canon's uuid box inside `moov` as bare TIFF blocks: CMT1 (IFD0),
CMT2 (Exif IFD), CMT4 (GPS IFD). A HEIC states its pixel size in `ispe` properties."""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from .collected import CameraTags
from .exif import exif_tags

_CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
_MAX_BOXES = 4096
_MAX_BLOCK = 1 << 20  # an EXIF block is a few kB; anything bigger is not one


def is_bmff(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def read_bmff(stream: BinaryIO, found: CameraTags) -> None:
    end = os.fstat(stream.fileno()).st_size if hasattr(stream, "fileno") else _length(stream)
    top = {kind: (start, stop) for kind, _, start, stop in boxes(stream, 0, end)}
    if "moov" in top:
        for kind, uuid, start, stop in boxes(stream, *top["moov"]):
            if kind == "uuid" and uuid == _CANON_UUID:
                _canon_blocks(stream, start, stop, found)
    if "meta" in top:
        found.size = _largest_ispe(stream, top["meta"][0] + 4, top["meta"][1])


def boxes(stream: BinaryIO, start: int, end: int) -> Iterator[tuple[str, bytes, int, int]]:
    """(type, uuid, payload start, payload end) of each box between two offsets."""
    pos = start
    for _ in range(_MAX_BOXES):
        stream.seek(pos)
        head = stream.read(8)
        if len(head) < 8 or pos + 8 > end:
            return
        size, raw_kind = struct.unpack(">I4s", head)
        header = 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                return
            size, header = struct.unpack(">Q", large)[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        uuid = b""
        if raw_kind == b"uuid":
            uuid, header = stream.read(16), header + 16
        yield raw_kind.decode("latin-1"), uuid, pos + header, min(pos + size, end)
        pos += size


def _canon_blocks(stream: BinaryIO, start: int, stop: int, found: CameraTags) -> None:
    blocks = {kind: (a, b) for kind, _, a, b in boxes(stream, start, stop)}
    for kind in ("CMT1", "CMT2"):
        if kind in blocks:
            found.add(*exif_tags(io.BytesIO(_read(stream, *blocks[kind]))))
    if "CMT4" in blocks:  # the GPS IFD stored as the first IFD of its own TIFF block
        gps_as_ifd0, _ = exif_tags(io.BytesIO(_read(stream, *blocks["CMT4"])))
        found.add({}, gps_as_ifd0)


def _largest_ispe(stream: BinaryIO, start: int, stop: int) -> tuple[int, int] | None:
    """The primary image's size: the largest `ispe` (grid tiles and thumbnails are smaller)."""
    sizes: list[tuple[int, int]] = []
    for kind, _, a, b in boxes(stream, start, stop):
        if kind != "iprp":
            continue
        for inner, _, c, d in boxes(stream, a, b):
            if inner != "ipco":
                continue
            for prop, _, e, f in boxes(stream, c, d):
                data = _read(stream, e, f) if prop == "ispe" else b""
                if len(data) >= 12:
                    sizes.append(struct.unpack(">II", data[4:12]))
    return max(sizes, key=lambda s: s[0] * s[1]) if sizes else None


def _read(stream: BinaryIO, start: int, stop: int) -> bytes:
    stream.seek(start)
    return stream.read(max(0, min(stop - start, _MAX_BLOCK)))


def _length(stream: BinaryIO) -> int:
    here = stream.tell()
    stream.seek(0, io.SEEK_END)
    end = stream.tell()
    stream.seek(here)
    return end
