"""Open and decode images with Pillow safely: limited formats, pixel limit, clear errors."""

from __future__ import annotations

import io
import math
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

from .errors import (
    ImageError,
    check_readable,
    not_an_image_error,
    os_error_reason,
    read_head,
    too_large_reason,
)

JPEG_FORMATS = ("JPEG", "MPO")  # camera JPEGs with an MPF preview open as MPO
OTHER_FORMATS = ("PNG", "TIFF", "WEBP", "HEIF", "AVIF", "JPEG", "MPO", "BMP", "GIF")
CORRUPT = "image is truncated or corrupt"

# Pillow raises these for malformed data; anything else is a bug and should surface.
_DECODE_ERRORS = (SyntaxError, ValueError, EOFError, IndexError, struct.error)
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@contextmanager
def image_errors(path: Path, pixel_limit: int) -> Iterator[None]:
    """Turn whatever Pillow or the OS raises while reading `path` into an ImageError."""
    try:
        yield
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        found = _BOMB_PIXELS.search(str(exc))
        pixels = int(found.group(1)) if found else pixel_limit + 1
        raise ImageError(path, too_large_reason(pixels, pixel_limit)) from exc
    except UnidentifiedImageError as exc:
        raise not_an_image_error(path, read_head(path)) from exc
    except OSError as exc:
        # Decoder failures are OSErrors without an errno ("image file is truncated").
        reason = CORRUPT if exc.errno is None else os_error_reason(exc)
        raise ImageError(path, reason) from exc
    except _DECODE_ERRORS as exc:
        raise ImageError(path, CORRUPT) from exc


@contextmanager
def open_image(
    path: Path, formats: tuple[str, ...], pixel_limit: int, data: bytes | None = None
) -> Iterator[ImageFile.ImageFile]:
    """Open lazily (header only) and refuse images above the pixel limit before decoding.

    `data` holds the bytes when they come from inside another file (a RAW's preview);
    `path` then only names the file in messages.
    """
    if data is None:
        check_readable(path)
    with image_errors(path, pixel_limit):
        source = io.BytesIO(data) if data is not None else path
        with Image.open(source, formats=registered(formats)) as image:
            check_pixel_limit(path, image.size, pixel_limit)
            yield image


def check_pixel_limit(path: Path, size: tuple[int, int], pixel_limit: int) -> None:
    """Refuse a decompression bomb: an image whose pixels would not fit in memory."""
    pixels = size[0] * size[1]
    if pixels > pixel_limit:
        raise ImageError(path, too_large_reason(pixels, pixel_limit))


def decode_at_least(image: ImageFile.ImageFile, long_edge: int) -> Image.Image:
    """Decode, letting libjpeg scale down (1/2, 1/4, 1/8) while staying >= `long_edge`.

    The box is computed in stored orientation from the stored size, so an image turned
    by its Orientation tag needs no special case: its long edge is the same either way.
    """
    width, height = image.size
    scale = long_edge / max(width, height)
    if image.format in JPEG_FORMATS and scale < 1:
        image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError(
            "ImageFile.LOAD_TRUNCATED_IMAGES must stay False: it hides corrupt files"
        )
    image.load()
    return image


def registered(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats whose plugins are installed: Image.open raises KeyError for others."""
    Image.init()
    return tuple(name for name in formats if name in Image.OPEN)
