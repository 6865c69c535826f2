"""The IPTC date a photo agency workflow writes (Photo Mechanic, FotoStation): record 2,
DateCreated (55) and TimeCreated (60), inside a JPEG's Photoshop block (APP13)."""

from __future__ import annotations

import re
import struct
from typing import Any

_IPTC_RESOURCE = 0x0404
_DATE, _TIME = 55, 60
_TIME_FORMAT = re.compile(rb"^(\d\d)(\d\d)(\d\d)([+-]\d\d\d\d)?")


def iptc_tags(payload: bytes) -> dict[int, Any]:
    """DateTimeOriginal (0x9003) and its UTC offset (0x9011) from the IPTC date and time."""
    records = _datasets(_resource(payload[len(b"Photoshop 3.0\x00") :], _IPTC_RESOURCE))
    date, time = records.get(_DATE, b""), records.get(_TIME, b"")
    if len(date) != 8 or not date.isdigit():
        return {}
    match = _TIME_FORMAT.match(time)
    if not match:  # a day without a time is no moment to sort a shoot by (as in ExifTool)
        return {}
    hh, mm, ss, zone = match.groups()
    day = f"{date[:4].decode()}:{date[4:6].decode()}:{date[6:8].decode()}"
    tags: dict[int, Any] = {0x9003: f"{day} {hh.decode()}:{mm.decode()}:{ss.decode()}"}
    if zone:
        tags[0x9011] = f"{zone[:3].decode()}:{zone[3:].decode()}"
    return tags


def _resource(block: bytes, wanted: int) -> bytes:
    """The data of one Photoshop image resource ("8BIM", id, padded name, size, data)."""
    pos = 0
    while pos + 12 <= len(block) and block[pos : pos + 4] == b"8BIM":
        (ident,) = struct.unpack(">H", block[pos + 4 : pos + 6])
        name_length = block[pos + 6]
        pos += 6 + ((name_length + 2) & ~1)  # Pascal string padded to an even size
        if pos + 4 > len(block):
            break
        (size,) = struct.unpack(">I", block[pos : pos + 4])
        data = block[pos + 4 : pos + 4 + size]
        if ident == wanted:
            return data
        pos += 4 + size + (size & 1)
    return b""


def _datasets(data: bytes) -> dict[int, bytes]:
    """Record 2 datasets by number (0x1C, record, dataset, 16-bit size, value)."""
    found: dict[int, bytes] = {}
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, dataset = data[pos + 1], data[pos + 2]
        (size,) = struct.unpack(">H", data[pos + 3 : pos + 5])
        if size & 0x8000:  # extended sizes are for large blobs, never dates
            break
        if record == 2:
            found.setdefault(dataset, data[pos + 5 : pos + 5 + size])
        pos += 5 + size
    return found
