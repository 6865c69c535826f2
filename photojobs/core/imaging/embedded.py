"""The small picture a camera stores inside the file, as a stand-in thumbnail.

A camera JPEG carries a 160x120 JPEG in its EXIF (IFD1); TIFF-based RAWs a small bitmap in
IFD0 (DNG, NEF, ARW, PEF) or small JPEGs in their IFDs (CR2's 160x120, NEF's and ARW's
previews), found by the same IFD walk the derivative step uses. Reading one costs a
millisecond or a few (no decode of the photo itself), so the grid can show every freshly
imported photo at once, before the derivative job has decoded anything; the real
thumbnail replaces it.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import ExifTags, Image

from .color import to_srgb
from .derivatives import target_size, write_jpeg_atomically
from .errors import ImageError
from .orientation import ORIENTATION_TAG, upright, valid_orientation
from .pillow_io import JPEG_FORMATS, decode_at_least, image_errors, open_image
from .raw_jpegs import find_raw_jpegs, read_jpeg

# Anything larger is not a thumbnail (a RAW whose IFD0 holds the sensor data or a preview).
_MAX_EDGE = 1024
_MAX_BYTES = 256 * 1024
# A RAW's smallest embedded JPEG is decoded at 1/2..1/8 scale; a larger one (a full-size
# preview only) would cost tens of milliseconds, too slow for a stand-in.
_MAX_RAW_JPEG_BYTES = 1024 * 1024
# Stand-ins are scaled up to about a grid cell, so they fill it like the real one will.
STAND_IN_EDGE = 320
_NO_LIMIT = 2**62  # headers only, and the thumbnail itself is checked against _MAX_EDGE
_JPEG_THUMBNAIL = (0x0201, 0x0202)  # JPEGInterchangeFormat, ...Length
_RAW_THUMBNAIL_FORMATS = ("TIFF",)


def embedded_thumbnail(path: Path, raw: bool) -> Image.Image | None:
    """The file's own thumbnail, upright, sRGB, letterbox bars cut off; None if it has none
    usable (or the file cannot be read: the derivative job reports that properly)."""
    try:
        return _from_raw(path) if raw else _from_jpeg(path)
    except (ImageError, OSError):
        return None


def write_stand_in(picture: Image.Image, target: Path) -> None:
    """Scale the stand-in to about a grid cell and write it where the thumbnail goes."""
    long_edge = max(picture.size)
    if long_edge < STAND_IN_EDGE:
        size = target_size((picture.width * 8, picture.height * 8), STAND_IN_EDGE)
        picture = picture.resize(size, Image.Resampling.BICUBIC)
    write_jpeg_atomically(picture, target, 80)


def _from_jpeg(path: Path) -> Image.Image | None:
    with open_image(path, JPEG_FORMATS, _NO_LIMIT) as opened:
        exif = opened.getexif()
        orientation = valid_orientation(exif.get(ORIENTATION_TAG))
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
        block = opened.info.get("exif", b"")
        stored_size = opened.size
    offset, length = (ifd1.get(tag) for tag in _JPEG_THUMBNAIL)
    if not isinstance(offset, int) or not isinstance(length, int) or length > _MAX_BYTES:
        return None
    start = 6 + offset  # offsets count from the TIFF header, after b"Exif\0\0"
    data = bytes(block[start : start + length])
    if len(data) != length or not data.startswith(b"\xff\xd8"):
        return None
    with image_errors(path, _NO_LIMIT), Image.open(io.BytesIO(data), formats=["JPEG"]) as thumb:
        if max(thumb.size) > _MAX_EDGE:
            return None
        thumb.load()
        picture = to_srgb(thumb, None)
    return upright(_trim_letterbox(picture, stored_size), orientation)


def _from_raw(path: Path) -> Image.Image | None:
    try:
        picture = _from_raw_bitmap(path)
    except ImageError:
        picture = None  # not a TIFF Pillow reads (CR2's IFD0 is old-style JPEG): try ours
    return picture if picture is not None else _from_raw_jpeg(path)


def _from_raw_bitmap(path: Path) -> Image.Image | None:
    with open_image(path, _RAW_THUMBNAIL_FORMATS, _NO_LIMIT) as opened:
        if max(opened.size) > _MAX_EDGE or opened.mode not in ("RGB", "L"):
            return None
        opened.load()
        # Pillow may already have turned a TIFF upright (and then dropped the tag).
        orientation = valid_orientation(opened.getexif().get(ORIENTATION_TAG))
        picture = to_srgb(opened, None)
    return upright(picture, orientation)


def _from_raw_jpeg(path: Path) -> Image.Image | None:
    """The RAW's smallest embedded JPEG (CR2's 160x120, NEF's 640 px...), upright."""
    found = find_raw_jpegs(path)
    jpeg, largest = found.smallest, found.largest
    if jpeg is None or largest is None or jpeg.length > _MAX_RAW_JPEG_BYTES:
        return None
    data = read_jpeg(path, jpeg)
    with open_image(path, JPEG_FORMATS, _NO_LIMIT, data=data) as opened:
        thumb = decode_at_least(opened, STAND_IN_EDGE)
        picture = to_srgb(thumb, None)
    if max(picture.size) > _MAX_EDGE:
        picture = picture.resize(target_size(picture.size, _MAX_EDGE), Image.Resampling.BOX)
    photo_size = (largest.width, largest.height)
    return upright(_trim_letterbox(picture, photo_size), found.orientation)


def _trim_letterbox(thumb: Image.Image, photo_size: tuple[int, int]) -> Image.Image:
    """Cameras fit a 3:2 photo into a 4:3 thumbnail with black bars: keep the picture."""
    width, height = thumb.size
    aspect = photo_size[0] / photo_size[1]
    if abs(width / height - aspect) < 0.02:
        return thumb
    if width / height > aspect:  # bars left and right
        inner = round(height * aspect)
        left = (width - inner) // 2 + 1
        return thumb.crop((left, 0, left + inner - 2, height))
    inner = round(width / aspect)
    top = (height - inner) // 2 + 1  # one more row: JPEG blurs the edge of the bar
    return thumb.crop((0, top, width, top + inner - 2))
