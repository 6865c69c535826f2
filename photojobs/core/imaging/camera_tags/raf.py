"""Fujifilm RAF: a fixed header that points at an embedded JPEG, whose EXIF is the photo's."""

from __future__ import annotations

import struct
from typing import BinaryIO

from .collected import CameraTags
from .jpeg import read_jpeg

_MAGIC = b"FUJIFILMCCD-RAW "
_JPEG_POINTER = 84  # big-endian offset and length of the embedded JPEG


def is_raf(head: bytes) -> bool:
    return head.startswith(_MAGIC)


def read_raf(stream: BinaryIO, found: CameraTags) -> None:
    stream.seek(_JPEG_POINTER)
    pointer = stream.read(8)
    if len(pointer) < 8:
        return
    offset, length = struct.unpack(">II", pointer)
    if offset and length:
        stream.seek(offset)
        read_jpeg(stream, found)
    found.size = None  # the embedded JPEG's size is the preview's, not the photo's
