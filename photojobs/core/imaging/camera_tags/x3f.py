"""Sigma X3F: a directory at the end of the file lists its sections. Newer cameras (DP
series) embed a JPEG preview whose EXIF is the photo's; older ones (SD9, SD10, SD14) only
have the PROP section, UTF-16 name/value pairs such as CAMMANUF, CAMMODEL and TIME."""

from __future__ import annotations

import os
import struct
from datetime import UTC, datetime
from typing import BinaryIO

from .collected import CameraTags
from .jpeg import read_jpeg

_JPEG_FORMAT = 18
_MAX_SECTIONS = 256
_MAX_PROPERTIES = 1 << 16


def is_x3f(head: bytes) -> bool:
    return head.startswith(b"FOVb")


def read_x3f(stream: BinaryIO, found: CameraTags) -> None:
    for offset, length, kind in _sections(stream):
        stream.seek(offset)
        header = stream.read(28)
        if kind in (b"IMA2", b"IMAG") and len(header) == 28 and header[:4] == b"SECi":
            (image_format,) = struct.unpack("<I", header[12:16])
            if image_format == _JPEG_FORMAT:
                stream.seek(offset + 28)
                read_jpeg(stream, found)
        elif kind == b"PROP" and header[:4] == b"SECp":
            stream.seek(offset)
            found.add(_properties(stream.read(min(length, _MAX_PROPERTIES))), native=True)
    found.size = None  # the preview's size, not the photo's


def _sections(stream: BinaryIO) -> list[tuple[int, int, bytes]]:
    size = os.fstat(stream.fileno()).st_size
    if size < 16:
        return []
    stream.seek(size - 4)
    (directory,) = struct.unpack("<I", stream.read(4))
    stream.seek(directory)
    head = stream.read(12)
    if len(head) < 12 or head[:4] != b"SECd":
        return []
    (count,) = struct.unpack("<I", head[8:12])
    entries = stream.read(12 * min(count, _MAX_SECTIONS))
    return [struct.unpack("<II4s", entries[i : i + 12]) for i in range(0, len(entries) - 11, 12)]


def _properties(section: bytes) -> dict[int, object]:
    if len(section) < 24:
        return {}
    count, text_format = struct.unpack("<II", section[8:16])
    if text_format != 0:  # 0 is UTF-16; no other has been seen
        return {}
    pairs = section[24 : 24 + 8 * count]
    chars = section[24 + 8 * count :]
    props = {}
    for i in range(0, len(pairs) - 7, 8):
        name_at, value_at = struct.unpack("<II", pairs[i : i + 8])
        props[_utf16(chars, name_at)] = _utf16(chars, value_at)
    tags: dict[int, object] = {}
    if props.get("CAMMANUF"):
        tags[0x010F] = props["CAMMANUF"]
    if props.get("CAMMODEL"):
        tags[0x0110] = props["CAMMODEL"]
    if props.get("TIME", "").isdigit():
        moment = datetime.fromtimestamp(int(props["TIME"]), UTC)  # the camera's clock
        tags[0x9003] = moment.strftime("%Y:%m:%d %H:%M:%S")
    return tags


def _utf16(chars: bytes, at: int) -> str:
    start = 2 * at
    end = start
    while end + 1 < len(chars) and chars[end : end + 2] != b"\x00\x00":
        end += 2
    return chars[start:end].decode("utf-16-le", errors="replace")
