"""The header segments of a JPEG, read in file order up to the image data: EXIF, and the
blocks written instead or beside it: XMP, IPTC, and early cameras' own (Canon CIFF, Casio
QVCI, Olympus picture info)."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

from . import early, iptc
from .collected import CameraTags
from .exif import exif_tags
from .xmp_packet import xmp_tags

_SOS, _EOI = 0xDA, 0xD9
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # DHT, JPG and DAC are not frames
_MAX_SEGMENTS = 512
_XMP_SIGNATURE = b"http://ns.adobe.com/xap/1.0/\x00"


def read_jpeg(stream: BinaryIO, found: CameraTags) -> None:
    """Add every block of a JPEG's header to `found`, first block first."""
    gap_fillers: list[dict[int, Any]] = []  # XMP and IPTC: never over what EXIF says
    for marker, payload in segments(stream):
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            found.add(*exif_tags(io.BytesIO(payload[6:])))
        elif marker == 0xE0 and early.is_ciff(payload):
            found.add(early.ciff_tags(payload), native=True)
        elif marker == 0xE1 and payload.startswith(b"QVCI\x00"):
            found.add(early.qvci_tags(payload))
        elif marker == 0xED and payload.startswith(b"Photoshop 3.0\x00"):
            gap_fillers.append(iptc.iptc_tags(payload))
        elif marker == 0xE1 and payload.startswith(_XMP_SIGNATURE):
            gap_fillers.append(xmp_tags(payload[len(_XMP_SIGNATURE) :]))
        elif marker == 0xEC and b"[picture info]" in payload[:64]:
            found.add(early.picture_info_tags(payload))
        elif marker in _SOF and len(payload) >= 5 and found.size is None:
            height, width = struct.unpack(">HH", payload[1:5])
            found.size = (width, height) if width and height else None
    for tags in gap_fillers:
        found.add(tags)


def segments(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(marker, payload) of each segment before the scan; stops quietly where damage starts."""
    if stream.read(2) != b"\xff\xd8":
        return
    for _ in range(_MAX_SEGMENTS):
        head = stream.read(2)
        while head[:1] == b"\xff" and head[1:] == b"\xff":  # fill bytes before a marker
            head = b"\xff" + stream.read(1)
        if len(head) < 2 or head[0] != 0xFF or head[1] in (_SOS, _EOI):
            return
        raw_length = stream.read(2)
        if len(raw_length) < 2:
            return
        length = struct.unpack(">H", raw_length)[0]
        if length < 2:
            return
        payload = stream.read(length - 2)
        yield head[1], payload
        if len(payload) < length - 2:
            return
