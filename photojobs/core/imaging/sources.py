"""Which file of a photo to decode for derivatives, and decoding it once at the right scale."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .decoded import DecodedImage
from .errors import check_readable
from .orientation import ORIENTATION_TAG, valid_orientation
from .pillow_io import JPEG_FORMATS, OTHER_FORMATS, decode_at_least, image_errors, open_image
from .raw import decode_raw
from .turbo import decode_jpeg_at_least


@dataclass(frozen=True)
class PhotoSources:
    """The files of one photo on disk; any of them may be missing (None)."""

    jpg: Path | None
    raw: Path | None
    other: Path | None  # png/tif/tiff/heic/heif/webp


def decode_best(sources: PhotoSources, long_edge: int, pixel_limit: int) -> DecodedImage:
    """Decode the preferred source (JPG, then RAW, then other) for a `long_edge` output."""
    if sources.jpg is not None:
        return decode_jpeg(sources.jpg, long_edge, pixel_limit)
    if sources.raw is not None:
        return decode_raw(sources.raw, long_edge, pixel_limit)
    if sources.other is not None:
        return decode_with_pillow(sources.other, OTHER_FORMATS, long_edge, pixel_limit, "other")
    raise ValueError("PhotoSources names no file")


def decode_jpeg(path: Path, long_edge: int, pixel_limit: int) -> DecodedImage:
    """A camera JPEG: read once, header through Pillow, pixels at the smallest M/8 scale."""
    check_readable(path)
    with image_errors(path, pixel_limit):
        data = path.read_bytes()
    with open_image(path, JPEG_FORMATS, pixel_limit, data=data) as opened:
        size = opened.size
        orientation = valid_orientation(opened.getexif().get(ORIENTATION_TAG))
        icc = opened.info.get("icc_profile")
        image = decode_jpeg_at_least(opened, data, long_edge)
    return DecodedImage(image, size, orientation, icc, "jpg")


def decode_with_pillow(
    path: Path, formats: tuple[str, ...], long_edge: int, pixel_limit: int, kind: str
) -> DecodedImage:
    """Decode a JPEG (DCT-scaled) or another Pillow format, keeping orientation and profile."""
    with open_image(path, formats, pixel_limit) as opened:
        size = opened.size
        # Read before decoding: the tag and profile come from the header, not the pixels.
        orientation = valid_orientation(opened.getexif().get(ORIENTATION_TAG))
        icc = opened.info.get("icc_profile")
        image = decode_at_least(opened, long_edge)
    return DecodedImage(image, size, orientation, icc, kind)
