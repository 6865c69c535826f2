"""EXIF orientation: how a stored image must be turned to be seen upright."""

from __future__ import annotations

from PIL import Image

ORIENTATION_TAG = 0x0112

_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,  # Pillow rotates counter-clockwise: 270 CCW = 90 CW
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# LibRaw's `sizes.flip` bits (1 mirror x, 2 mirror y, 4 swap axes) as EXIF orientations;
# LibRaw reads EXIF 1..8 into flip as "50132467"[orientation & 7].
_FLIP_TO_ORIENTATION = {0: 1, 1: 2, 2: 4, 3: 3, 4: 5, 5: 8, 6: 6, 7: 7}


def valid_orientation(value: object) -> int:
    """The orientation 1..8 from a raw tag value; anything odd counts as upright (1)."""
    if isinstance(value, tuple | list) and value:
        value = value[0]
    if isinstance(value, int) and 1 <= value <= 8:
        return value
    return 1


def orientation_from_flip(flip: int) -> int:
    """Translate LibRaw's flip code into the equivalent EXIF orientation."""
    return _FLIP_TO_ORIENTATION.get(flip & 7, 1)


def swaps_axes(orientation: int) -> bool:
    """True when showing the image upright exchanges its width and height."""
    return orientation in (5, 6, 7, 8)


def oriented_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """(width, height) as the photographer sees the picture."""
    return (size[1], size[0]) if swaps_axes(orientation) else size


def upright(image: Image.Image, orientation: int) -> Image.Image:
    """Turn a stored image so it shows upright; done on the small output, so it is cheap."""
    method = _TRANSPOSE.get(orientation)
    return image if method is None else image.transpose(method)
