"""What the camera recorded about a photo, read from headers without decoding pixels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from .errors import ImageError, check_readable, os_error_reason
from .exif_values import (
    capture_time,
    collect_tags,
    exposure_text,
    gps_position,
    number,
    plain,
    positive_int,
    text,
)
from .orientation import ORIENTATION_TAG, orientation_from_flip, oriented_size, valid_orientation
from .pillow_io import OTHER_FORMATS, image_errors, registered
from .raw import is_raw, open_raw

_NO_LIMIT = 2**62  # metadata never decodes pixels, so image size is no danger here

# Tags kept in `extra` under readable names.
_EXTRA_TAGS = {
    0x0131: "software",
    0x013B: "artist",
    0x8298: "copyright",
    0x8822: "exposure_program",
    0x9204: "exposure_bias",
    0x9207: "metering_mode",
    0x9209: "flash",
    0xA001: "color_space",
    0xA403: "white_balance",
    0xA405: "focal_length_35mm",
    0xA431: "body_serial",
    0xA433: "lens_make",
}


@dataclass(frozen=True)
class PhotoMetadata:
    """Capture facts for the viewer's info panel and for sorting a shoot by time."""

    date_taken: str | None  # ISO 8601, with sub-seconds and UTC offset when recorded
    date_source: str  # "exif" | "file_time"
    camera_make: str | None
    camera_model: str | None
    lens: str | None
    width: int | None  # oriented: portrait shots are taller than wide
    height: int | None
    orientation: int | None
    iso: int | None
    exposure_time: str | None  # "1/250"
    aperture: float | None
    focal_length: float | None
    extra: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable


def read_metadata(path: Path) -> PhotoMetadata:
    """Metadata of a JPEG, TIFF, PNG, ... or RAW file; ImageError when it cannot be read."""
    check_readable(path)
    if is_raw(path):
        return _raw_metadata(path)
    with (
        image_errors(path, _NO_LIMIT),
        Image.open(path, formats=registered(OTHER_FORMATS)) as image,
    ):
        tags, gps = collect_tags(_header_exif(image))
        size = image.size
        file_format = image.format
    orientation = valid_orientation(tags.get(ORIENTATION_TAG))
    extra: dict[str, Any] = {"format": file_format}
    return _build(path, tags, gps, oriented_size(size, orientation), orientation, extra)


def _header_exif(image: Image.Image) -> Image.Exif:
    # PNG's getexif() decodes the whole image to look for an eXIf chunk after the pixels.
    if image.format != "PNG":
        return image.getexif()
    exif = Image.Exif()
    if "exif" in image.info:
        exif.load(image.info["exif"])
    return exif


def _raw_metadata(path: Path) -> PhotoMetadata:
    """LibRaw for size and orientation; the TIFF container (DNG, NEF, ARW, CR2) for tags."""
    with open_raw(path) as raw:
        sizes, other, lens = raw.sizes, raw.other, raw.lens
    tags, gps = _tiff_tags(path)
    orientation = orientation_from_flip(sizes.flip)
    size = oriented_size((sizes.width, sizes.height), orientation)
    # Fill what the container did not say from what LibRaw parsed (maker notes, CR3, ...).
    fallbacks = {
        0x8827: other.iso_speed,
        0x829A: other.shutter_speed,
        0x829D: other.aperture,
        0x920A: other.focal_length,
        0xA434: lens.model,
    }
    for tag, value in fallbacks.items():
        if tags.get(tag) is None and value:
            tags[tag] = value
    if capture_time(tags) is None and other.timestamp and other.timestamp.year > 1970:
        tags[0x9003] = other.timestamp.strftime("%Y:%m:%d %H:%M:%S")
    extra: dict[str, Any] = {"format": "RAW", "raw_size": [sizes.raw_width, sizes.raw_height]}
    return _build(path, tags, gps, size, orientation, extra)


def _tiff_tags(path: Path) -> tuple[dict[int, Any], dict[int, Any]]:
    """EXIF of a TIFF-based RAW through Pillow; empty when Pillow cannot open the container."""
    try:
        with Image.open(path, formats=("TIFF",)) as image:
            return collect_tags(image.getexif())
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return {}, {}


def _build(
    path: Path,
    tags: dict[int, Any],
    gps: dict[int, Any],
    size: tuple[int, int],
    orientation: int,
    extra: dict[str, Any],
) -> PhotoMetadata:
    date_taken, date_source = capture_time(tags), "exif"
    if date_taken is None:
        date_taken, date_source = _file_time(path), "file_time"
    extra.update(_extra_values(tags, gps))
    return PhotoMetadata(
        date_taken=date_taken,
        date_source=date_source,
        camera_make=text(tags.get(0x010F)),
        camera_model=text(tags.get(0x0110)),
        lens=text(tags.get(0xA434)),
        width=size[0] or None,
        height=size[1] or None,
        orientation=orientation,
        iso=positive_int(tags.get(0x8827)),
        exposure_time=exposure_text(number(tags.get(0x829A))),
        aperture=_aperture(tags),
        focal_length=_rounded(number(tags.get(0x920A))),
        extra=extra,
    )


def _aperture(tags: dict[int, Any]) -> float | None:
    f_number = number(tags.get(0x829D))
    if f_number is None:
        apex = number(tags.get(0x9202))  # ApertureValue: f-number = 2 ** (APEX / 2)
        f_number = 2 ** (apex / 2) if apex is not None else None
    return _rounded(f_number) if f_number else None


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _extra_values(tags: dict[int, Any], gps: dict[int, Any]) -> dict[str, Any]:
    values = {name: plain(tags.get(tag)) for tag, name in _EXTRA_TAGS.items()}
    extra: dict[str, Any] = {name: value for name, value in values.items() if value is not None}
    position = gps_position(gps)
    if position:
        extra["gps"] = position
    return extra


def _file_time(path: Path) -> str:
    """The file's modification time in local time with its UTC offset."""
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise ImageError(path, os_error_reason(exc)) from exc
    return datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")
