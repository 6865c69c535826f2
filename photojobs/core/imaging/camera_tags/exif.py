"""EXIF through ExifRead (BSD-3): a TIFF stream, or a file ExifRead opens by itself (TIFF and
TIFF-based RAW, JPEG, PNG, WebP, HEIC), turned into plain values keyed by tag number."""

from __future__ import annotations

import logging
from fractions import Fraction
from typing import Any, BinaryIO

import exifread

# ExifRead logs every oddity of a damaged file as a warning; a bad file is an answer here.
logging.getLogger("exifread").setLevel(logging.CRITICAL)

Tags = dict[int, Any]

_MAIN_IFDS = ("Image", "EXIF")  # IFD0 and the Exif sub-IFD; "Thumbnail" is IFD1
_GPS_IFD = "GPS"


def exif_tags(stream: BinaryIO) -> tuple[Tags, Tags]:
    """(IFD0 + Exif IFD, GPS IFD) of a stream; empty when nothing can be read from it."""
    try:
        found = exifread.process_file(stream, details=False, extract_thumbnail=False)
    except Exception:
        return {}, {}
    tags: Tags = {}
    gps: Tags = {}
    for key, tag in found.items():
        ifd, _, _name = key.partition(" ")
        target = tags if ifd in _MAIN_IFDS else gps if ifd == _GPS_IFD else None
        number = getattr(tag, "tag", None)
        if target is None or not isinstance(number, int) or number in target:
            continue
        target[number] = _value(tag.values)
    return tags, gps


def _value(values: Any) -> Any:
    """ASCII stays a string; one number is a number; several are a tuple (GPS degrees)."""
    if isinstance(values, str | bytes):
        return values
    if isinstance(values, list):
        items = tuple(_number(v) for v in values)
        return items[0] if len(items) == 1 else items
    return _number(values)


def _number(value: Any) -> Any:
    if isinstance(value, Fraction):  # ExifRead's Ratio
        return value if value.denominator else None
    return value
