"""Blocks of cameras from before EXIF was everywhere: Canon's CIFF (early PowerShot JPEGs),
Casio's QVCI, the Olympus/Agfa picture info text and the Kyocera (Contax N Digital) RAW
header. Each gives make, model or the moment of capture in EXIF tag numbers, so the rest of
the reader need not know them."""

from __future__ import annotations

import re
import struct
from datetime import UTC, datetime
from typing import Any

_MAKE, _MODEL, _DATE_TAKEN = 0x010F, 0x0110, 0x9003
_CIFF_MAKE_MODEL, _CIFF_TIME = 0x080A, 0x180E
_CIFF_DIRECTORIES = (0x2800, 0x3000)
_MAX_DEPTH = 4


def is_ciff(payload: bytes) -> bool:
    return payload[:2] in (b"II", b"MM") and payload[6:14] == b"HEAPJPGM"


def ciff_tags(payload: bytes) -> dict[int, Any]:
    """Make, model and capture time from a CIFF heap (Canon, 1997-2002)."""
    order = "<" if payload[:2] == b"II" else ">"
    (header,) = struct.unpack(order + "I", payload[2:6])
    tags: dict[int, Any] = {}
    _ciff_heap(payload[header:], order, tags, 0)
    return tags


def _ciff_heap(heap: bytes, order: str, tags: dict[int, Any], depth: int) -> None:
    if len(heap) < 6 or depth > _MAX_DEPTH:
        return
    (table,) = struct.unpack(order + "I", heap[-4:])
    if table + 2 > len(heap):
        return
    (count,) = struct.unpack(order + "H", heap[table : table + 2])
    for index in range(min(count, 256)):
        start = table + 2 + 10 * index
        if start + 10 > len(heap):
            return
        tag, size, offset = struct.unpack(order + "HII", heap[start : start + 10])
        data = heap[start + 2 : start + 10] if tag & 0xC000 == 0x4000 else heap[offset:][:size]
        kind, ident = tag & 0x3800, tag & 0x3FFF
        if kind in _CIFF_DIRECTORIES:
            _ciff_heap(data, order, tags, depth + 1)
        elif ident == _CIFF_MAKE_MODEL:
            make, _, rest = data.partition(b"\x00")
            tags.setdefault(_MAKE, make.decode("latin-1"))
            tags.setdefault(_MODEL, rest.partition(b"\x00")[0].decode("latin-1"))
        elif ident == _CIFF_TIME and len(data) >= 4:
            (seconds,) = struct.unpack(order + "I", data[:4])
            moment = datetime.fromtimestamp(seconds, UTC)  # the camera's clock, no zone
            tags.setdefault(_DATE_TAKEN, moment.strftime("%Y:%m:%d %H:%M:%S"))


_QVCI_DATE = re.compile(rb"(\d{4})\.(\d\d)\.(\d\d)\.(\d\d)\.(\d\d)\.(\d\d)")


def qvci_tags(payload: bytes) -> dict[int, Any]:
    """Capture time from a Casio QV camera's QVCI block (APP1, 1997-1999)."""
    match = _QVCI_DATE.match(payload, 0x4D)  # the date sits 0x4D bytes into the segment
    if not match:
        return {}
    year, month, day, hh, mm, ss = (part.decode() for part in match.groups())
    return {_DATE_TAKEN: f"{year}:{month}:{day} {hh}:{mm}:{ss}"}


_PICTURE_TIME = re.compile(rb"TimeDate=(\d+)")


def picture_info_tags(payload: bytes) -> dict[int, Any]:
    """Capture time from the "[picture info]" text block (APP12) of late-1990s Olympus,
    Agfa and Epson cameras: seconds since 1970 on the camera's clock."""
    match = _PICTURE_TIME.search(payload[:1024])
    if not match:
        return {}
    moment = datetime.fromtimestamp(int(match.group(1)), UTC)
    return {_DATE_TAKEN: moment.strftime("%Y:%m:%d %H:%M:%S")}


def is_kyocera(head: bytes) -> bool:
    return head[0x19:0x20] == b"ARECOYK"


def kyocera_tags(head: bytes) -> dict[int, Any]:
    """The Contax N Digital writes its header strings back to front."""
    model = head[0x0C:0x19][::-1].strip(b"\x00 ").decode("latin-1")
    date = head[0x20:0x34][::-1].strip(b"\x00 ").decode("latin-1")
    return {_MAKE: "KYOCERA", _MODEL: model, _DATE_TAKEN: date}
