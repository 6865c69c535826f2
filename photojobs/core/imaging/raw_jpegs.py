"""The JPEGs a camera stores inside a TIFF-based RAW, found by walking its IFDs ourselves.

DNG, NEF, ARW, CR2, PEF, SRW, RW2, 3FR, IIQ... are TIFF files: IFD0, its chain and its
SubIFDs point at a full-size or smaller JPEG preview and often a thumbnail. Reading those
offsets costs a few small reads; the preview's bytes are then read once, with no LibRaw
open. Anything unexpected (not TIFF, an offset past the end, a loop, lossless-JPEG sensor
data) means "nothing found here", never an error: the caller falls back to LibRaw, which
reads every format and says clearly what is wrong with a damaged file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .orientation import ORIENTATION_TAG, valid_orientation

_HEADERS = {
    b"II*\x00": "<",
    b"MM\x00*": ">",
    b"IIRO": "<",  # Olympus ORF
    b"IIRS": "<",  # Olympus ORF (some models)
    b"MMOR": ">",  # Olympus ORF, big-endian
    b"IIU\x00": "<",  # Panasonic RW2
}
_NEW_SUBFILE_TYPE = 0x00FE
_WIDTH, _HEIGHT = 0x0100, 0x0101
_COMPRESSION = 0x0103
_STRIP_OFFSETS, _STRIP_BYTE_COUNTS = 0x0111, 0x0117
_SUB_IFDS = 0x014A
_JPEG_OFFSET, _JPEG_LENGTH = 0x0201, 0x0202
_RW2_JPEG = 0x002E  # Panasonic's JpgFromRaw, stored as the tag's own value
_JPEG_COMPRESSIONS = (6, 7)  # old-style and new-style JPEG
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_MAX_IFDS = 32
_MAX_ENTRIES = 1000
# Start-of-frame markers of JPEGs a decoder for pictures reads: baseline, extended,
# progressive. Lossless (SOF3) is a RAW's sensor data, not a picture.
_PICTURE_SOF = (0xC0, 0xC1, 0xC2)
_HEADER_PEEK = 64 * 1024  # a preview's APP segments (EXIF, ICC) come before its SOF


@dataclass(frozen=True)
class EmbeddedJpeg:
    """Where one embedded JPEG lies in the file, and its size as its SOF declares it."""

    offset: int
    length: int
    width: int
    height: int

    @property
    def long_edge(self) -> int:
        return max(self.width, self.height)


@dataclass(frozen=True)
class RawJpegs:
    """Every usable embedded JPEG (largest first) and how the RAW is to be turned."""

    jpegs: tuple[EmbeddedJpeg, ...]
    orientation: int  # IFD0's Orientation, as LibRaw reads it; 1 when absent
    sensor_long_edge: int  # long edge of the full-resolution image; 0 when not found
    cut_off: bool = False  # a JPEG the file names runs past its end (a truncated file)

    @property
    def largest(self) -> EmbeddedJpeg | None:
        return self.jpegs[0] if self.jpegs else None

    @property
    def smallest(self) -> EmbeddedJpeg | None:
        return self.jpegs[-1] if self.jpegs else None


NOTHING = RawJpegs((), 1, 0)
_DAMAGE = (OSError, ValueError, struct.error, OverflowError)


def find_raw_jpegs(path: Path) -> RawJpegs:
    """The embedded JPEGs of a TIFF-based RAW; NOTHING for other files or damaged ones."""
    try:
        with open(path, "rb") as stream:
            return _Walker(stream).walk()
    except _DAMAGE:
        return NOTHING


def read_jpeg(path: Path, jpeg: EmbeddedJpeg) -> bytes:
    """The bytes of one embedded JPEG; OSError when the file changed under us."""
    with open(path, "rb") as stream:
        stream.seek(jpeg.offset)
        data = stream.read(jpeg.length)
    if len(data) != jpeg.length:
        raise OSError(f"{path.name}: embedded JPEG cut short")
    return data


class _Walker:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.size = stream.seek(0, 2)
        stream.seek(0)
        head = stream.read(8)
        self.order = _HEADERS.get(head[:4], "")
        self.first = struct.unpack(self.order + "I", head[4:8])[0] if self.order else 0
        self.seen: set[int] = set()
        self.found: dict[int, EmbeddedJpeg] = {}
        self.sensor = 0
        self.cut_off = False

    def walk(self) -> RawJpegs:
        if not self.order:
            return NOTHING
        orientation = 1
        pending = [self.first]
        while pending and len(self.seen) < _MAX_IFDS:
            offset = pending.pop(0)
            if offset in self.seen or not 8 <= offset < self.size:
                continue
            self.seen.add(offset)
            entries = self._ifd(offset)
            if offset == self.first:
                orientation = valid_orientation(self._value(entries.get(ORIENTATION_TAG)))
            self._collect(entries)
            pending += self._values(entries.get(_SUB_IFDS))
            pending.append(self._next_ifd(offset, len(entries)))
        jpegs = sorted(self.found.values(), key=lambda j: j.width * j.height, reverse=True)
        return RawJpegs(tuple(jpegs), orientation, self.sensor, self.cut_off)

    def _ifd(self, offset: int) -> dict[int, tuple[int, int, bytes]]:
        """tag -> (type, count, the 4 value-or-offset bytes)."""
        self.stream.seek(offset)
        (count,) = struct.unpack(self.order + "H", self.stream.read(2))
        count = min(count, _MAX_ENTRIES)
        table = self.stream.read(12 * count)
        entries = {}
        for index in range(len(table) // 12):
            tag, kind, n = struct.unpack_from(self.order + "HHI", table, 12 * index)
            entries[tag] = (kind, n, table[12 * index + 8 : 12 * index + 12])
        return entries

    def _next_ifd(self, offset: int, count: int) -> int:
        self.stream.seek(offset + 2 + 12 * count)
        data = self.stream.read(4)
        return struct.unpack(self.order + "I", data)[0] if len(data) == 4 else 0

    def _values(self, entry: tuple[int, int, bytes] | None) -> list[int]:
        """The integer values of a SHORT/LONG/IFD entry (at most 64 of them)."""
        if entry is None:
            return []
        kind, count, raw = entry
        code = {3: "H", 4: "I", 13: "I"}.get(kind)
        if code is None or count == 0:
            return []
        count = min(count, 64)
        width = _TYPE_SIZES[kind] * count
        if width > 4:
            (where,) = struct.unpack(self.order + "I", raw)
            self.stream.seek(where)
            raw = self.stream.read(width)
        return list(struct.unpack(self.order + code * count, raw[:width]))

    def _value(self, entry: tuple[int, int, bytes] | None) -> int | None:
        values = self._values(entry)
        return values[0] if values else None

    def _collect(self, entries: dict[int, tuple[int, int, bytes]]) -> None:
        if self._value(entries.get(_NEW_SUBFILE_TYPE)) == 0:  # the full-resolution image
            size = self._values(entries.get(_WIDTH)) + self._values(entries.get(_HEIGHT))
            self.sensor = max(self.sensor, *size[:2], 0)
        candidates = []
        offset = self._value(entries.get(_JPEG_OFFSET))
        length = self._value(entries.get(_JPEG_LENGTH))
        if offset and length:
            candidates.append((offset, length))
        if self._value(entries.get(_COMPRESSION)) in _JPEG_COMPRESSIONS:
            strips = self._values(entries.get(_STRIP_OFFSETS))
            counts = self._values(entries.get(_STRIP_BYTE_COUNTS))
            if len(strips) == 1 and len(counts) == 1:
                candidates.append((strips[0], counts[0]))
        rw2 = entries.get(_RW2_JPEG)
        if rw2 is not None and rw2[0] == 7 and rw2[1] > 4:
            candidates.append((struct.unpack(self.order + "I", rw2[2])[0], rw2[1]))
        for start, length in candidates:
            found = self._jpeg_at(start, length)
            if found is not None:
                self.found[start] = found

    def _jpeg_at(self, offset: int, length: int) -> EmbeddedJpeg | None:
        """The JPEG at `offset` if it lies wholly inside the file and is a picture."""
        if offset + length > self.size >= offset >= 8:
            self.cut_off = True
        if offset < 8 or length < 128 or offset + length > self.size:
            return None
        self.stream.seek(offset)
        size = _picture_size(self.stream.read(min(length, _HEADER_PEEK)))
        if size is None:
            return None
        return EmbeddedJpeg(offset, length, *size)


def _picture_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from a baseline or progressive JPEG's SOF; None for anything else."""
    if not head.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 4 <= len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack_from(">H", head, at + 2)
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if marker not in _PICTURE_SOF or at + 9 > len(head):
                return None
            height, width = struct.unpack_from(">HH", head, at + 5)
            return (width, height) if width and height else None
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            return None
        at += 2 + length
    return None
