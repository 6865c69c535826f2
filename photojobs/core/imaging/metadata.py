"""What the camera recorded about a photo, read from headers without decoding pixels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from .camera_tags import CameraTags, read_camera_tags
from .errors import ImageError, check_readable, os_error_reason
from .exif_values import (
    capture_time,
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
    """Metadata of a JPEG, TIFF, PNG, HEIC, ... or RAW file; ImageError when it cannot be read.

    The tags come from the file's container (`camera_tags`), never from decoding pixels, so a
    RAW that LibRaw cannot open still gives its camera and date.
    """
    check_readable(path)
    found = read_camera_tags(path)
    if is_raw(path):
        return _raw_metadata(path, found)
    try:
        with (
            image_errors(path, _NO_LIMIT),
            Image.open(path, formats=registered(OTHER_FORMATS)) as image,
        ):
            size, file_format = image.size, image.format
    except ImageError:
        if found.container != "bmff" or found.size is None:
            raise  # a JPEG or PNG Pillow cannot open is damaged, whatever its header says
        size, file_format = found.size, "HEIF"  # HEIC/HEIF: no decoder here, its boxes say
    orientation = valid_orientation(found.tags.get(ORIENTATION_TAG))
    extra: dict[str, Any] = {"format": file_format}
    return _build(path, found, oriented_size(size, orientation), orientation, extra)


def _raw_metadata(path: Path, found: CameraTags) -> PhotoMetadata:
    """Tags from the container; LibRaw, when it can open the file, for size and orientation
    (as the previews are rendered) and for what the container did not say (maker notes)."""
    try:
        with open_raw(path) as raw:
            sizes, other, lens = raw.sizes, raw.other, raw.lens
    except ImageError:
        if not found.tags:
            raise  # neither a container we know nor LibRaw: say what LibRaw said
        orientation = valid_orientation(found.tags.get(ORIENTATION_TAG))
        return _build(path, found, (0, 0), orientation, {"format": "RAW"})
    orientation = orientation_from_flip(sizes.flip)
    size = oriented_size((sizes.width, sizes.height), orientation)
    fallbacks = {
        0x8827: other.iso_speed,
        0x829A: other.shutter_speed,
        0x829D: other.aperture,
        0x920A: other.focal_length,
        0xA434: lens.model,
    }
    tags = found.tags
    for tag, value in fallbacks.items():
        if tags.get(tag) is None and value:
            tags[tag] = value
    if capture_time(tags) is None and other.timestamp and other.timestamp.year > 1970:
        tags[0x9003] = other.timestamp.strftime("%Y:%m:%d %H:%M:%S")
    extra: dict[str, Any] = {"format": "RAW", "raw_size": [sizes.raw_width, sizes.raw_height]}
    return _build(path, found, size, orientation, extra)


def _build(
    path: Path,
    found: CameraTags,
    size: tuple[int, int],
    orientation: int,
    extra: dict[str, Any],
) -> PhotoMetadata:
    tags, gps = found.tags, found.gps
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
