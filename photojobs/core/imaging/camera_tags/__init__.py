"""What the camera wrote, read from the file's container without decoding any pixels.

EXIF itself is parsed by ExifRead (BSD-3, pure Python, maintained). This package adds what
ExifRead does not open: the EXIF blocks of CR3, RAF and X3F containers, the IPTC date of
agency workflows, and the pre-EXIF blocks of a few early cameras. A damaged block ends the
reading quietly; what was found before it is kept.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from . import bmff, early, raf, x3f
from .collected import CameraTags
from .exif import exif_tags
from .jpeg import read_jpeg

__all__ = ["CameraTags", "read_camera_tags"]

_DAMAGE = (OSError, ValueError, IndexError, OverflowError, struct.error, UnicodeDecodeError)


def read_camera_tags(path: Path) -> CameraTags:
    """Every tag found in the file; empty (never an error) when the file has none."""
    found = CameraTags()
    try:
        with path.open("rb") as stream:
            _read(stream, found)
    except _DAMAGE:
        pass
    return found


def _read(stream: BinaryIO, found: CameraTags) -> None:
    head = stream.read(64)
    stream.seek(0)
    if head.startswith(b"\xff\xd8"):
        found.container = "jpeg"
        read_jpeg(stream, found)
    elif raf.is_raf(head):
        found.container = "raf"
        raf.read_raf(stream, found)
    elif x3f.is_x3f(head):
        found.container = "x3f"
        x3f.read_x3f(stream, found)
    elif early.is_kyocera(head):
        found.container = "kyocera"
        found.add(early.kyocera_tags(head))
    elif bmff.is_bmff(head):
        found.container = "bmff"
        bmff.read_bmff(stream, found)
        stream.seek(0)
        found.add(*exif_tags(stream))  # HEIC: ExifRead finds its Exif item
    else:  # TIFF and TIFF-based RAW (CR2, NEF, ARW, DNG, ORF, RW2, PEF, IIQ...), PNG, WebP
        found.container = "exif"
        found.add(*exif_tags(stream))
