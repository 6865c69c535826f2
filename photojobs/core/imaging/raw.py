"""RAW files through LibRaw (rawpy): embedded preview when big enough, else demosaic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import rawpy
from PIL import Image

from .decoded import DecodedImage
from .errors import ImageError, check_readable
from .orientation import orientation_from_flip
from .pillow_io import JPEG_FORMATS, check_pixel_limit, open_image
from .turbo import decode_jpeg_at_least

RAW_SUFFIXES = frozenset(
    {".arw", ".cr2", ".cr3", ".nef", ".nrw", ".dng", ".raf", ".orf", ".rw2", ".pef", ".srw",
     ".raw", ".3fr", ".iiq", ".rwl", ".x3f", ".erf", ".kdc", ".mrw", ".sr2", ".srf"}
)  # fmt: skip


def is_raw(path: Path) -> bool:
    """True for the file name extensions of camera RAW formats."""
    return path.suffix.lower() in RAW_SUFFIXES


@contextmanager
def open_raw(path: Path) -> Iterator[rawpy.RawPy]:
    """Open a RAW file (headers only), turning LibRaw failures into an ImageError."""
    check_readable(path)  # LibRaw reports a missing or unreadable file as "I/O error"
    try:
        with rawpy.imread(str(path)) as raw:
            yield raw
    except rawpy.LibRawError as exc:
        raise ImageError(path, f"RAW file could not be decoded: {libraw_message(exc)}") from exc


def libraw_message(exc: Exception) -> str:
    """LibRaw messages arrive as the repr of bytes (b'...'); show the plain text."""
    text = str(exc)
    if text[:2] in ("b'", 'b"') and text[-1:] == text[1]:
        text = text[2:-1]
    return text or type(exc).__name__


def decode_raw(path: Path, long_edge: int, pixel_limit: int) -> DecodedImage:
    """Decode a RAW no larger than needed for an output of `long_edge` pixels."""
    with open_raw(path) as raw:
        sizes = raw.sizes
        check_pixel_limit(path, (sizes.raw_width, sizes.raw_height), pixel_limit)
        need = min(long_edge, max(sizes.width, sizes.height))
        preview = _embedded_preview(raw, path, need, pixel_limit)
        if preview is not None:
            return preview
        half = max(sizes.width, sizes.height) // 2 >= need
        pixels = raw.postprocess(half_size=half, use_camera_wb=True, output_bps=8)
    image = Image.fromarray(pixels, "RGB")
    # LibRaw has already applied the flip, so the result is upright.
    return DecodedImage(image, image.size, 1, None, "raw_half" if half else "raw_full")


def _embedded_preview(
    raw: rawpy.RawPy, path: Path, need: int, pixel_limit: int
) -> DecodedImage | None:
    """The camera's JPEG preview if it is at least `need` pixels on its long edge.

    Small bitmap thumbnails (often letterboxed) are not used: demosaicing looks better.
    """
    try:
        thumb = raw.extract_thumb()
    except rawpy.LibRawError:
        return None  # no preview, or one LibRaw cannot read: demosaic instead
    if thumb.format != rawpy.ThumbFormat.JPEG:
        return None
    data = bytes(thumb.data)
    try:
        with open_image(path, JPEG_FORMATS, pixel_limit, data=data) as preview:
            if max(preview.size) < need:
                return None
            size = preview.size
            icc = preview.info.get("icc_profile")
            image = decode_jpeg_at_least(preview, data, need)
    except ImageError:
        return None  # a damaged preview inside a sound RAW: demosaic instead
    # The preview is stored like the sensor data and the RAW's flip says how to show it;
    # the preview's own EXIF orientation, if any, is ignored (cameras often leave it at 1).
    orientation = orientation_from_flip(raw.sizes.flip)
    return DecodedImage(image, size, orientation, icc, "raw_embedded")
