"""Turn raw EXIF tag values into the plain values a photographer reads (and JSON stores)."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

# (date, sub-seconds, UTC offset) tag triples, the moment of capture first.
_DATE_TAGS = ((0x9003, 0x9291, 0x9011), (0x9004, 0x9292, 0x9012), (0x0132, 0x9290, 0x9010))
_OFFSET = re.compile(r"^[+-]\d\d:\d\d$")


def text(value: Any) -> str | None:
    """A clean string, or None for empty or binary values."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str):
        return None
    cleaned = value.replace("\x00", "").strip()
    return cleaned or None


def number(value: Any) -> float | None:
    """A finite float from an int, rational or one-element tuple; None otherwise."""
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    try:
        result = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return result if math.isfinite(result) else None


def positive_int(value: Any) -> int | None:
    result = number(value)
    return int(result) if result and result > 0 else None


def exposure_text(seconds: float | None) -> str | None:
    """Shutter speed as cameras show it: "1/250", "0.4", "2"."""
    if not seconds or seconds <= 0:
        return None
    if seconds < 1:
        denominator = 1 / seconds
        if abs(denominator - round(denominator)) < 0.03 * denominator:
            return f"1/{round(denominator)}"
    return f"{seconds:.2g}" if seconds < 1 else f"{seconds:g}"


def capture_time(tags: dict[int, Any]) -> str | None:
    """ISO 8601 capture time, with sub-seconds and UTC offset when the camera wrote them."""
    for date_tag, subsec_tag, offset_tag in _DATE_TAGS:
        iso = _iso_time(tags.get(date_tag), tags.get(subsec_tag), tags.get(offset_tag))
        if iso:
            return iso
    return None


def _iso_time(date: Any, subsec: Any, offset: Any) -> str | None:
    date_text = text(date)
    if not date_text:
        return None
    try:
        moment = datetime.strptime(date_text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None  # "0000:00:00 00:00:00" and blanks from cameras without a clock
    iso = moment.strftime("%Y-%m-%dT%H:%M:%S")
    digits = "".join(ch for ch in text(subsec) or "" if ch.isdigit())
    if digits:
        iso += f".{digits}"
    offset_text = text(offset)
    if offset_text and _OFFSET.match(offset_text):
        iso += offset_text
    return iso


def gps_position(gps: dict[int, Any]) -> dict[str, float] | None:
    """Latitude/longitude in signed degrees (and altitude in metres) from the GPS IFD."""
    lat, lon = _degrees(gps.get(2)), _degrees(gps.get(4))
    if lat is None or lon is None:
        return None
    position = {
        "latitude": -lat if text(gps.get(1)) == "S" else lat,
        "longitude": -lon if text(gps.get(3)) == "W" else lon,
    }
    altitude = number(gps.get(6))
    if altitude is not None:
        below_sea = gps.get(5) in (1, b"\x01")
        position["altitude"] = -altitude if below_sea else altitude
    return position


def _degrees(value: Any) -> float | None:
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    parts = [number(part) for part in value]
    if any(part is None for part in parts):
        return None
    degrees, minutes, seconds = (float(part or 0) for part in parts)
    return round(degrees + minutes / 60 + seconds / 3600, 7)


def plain(value: Any) -> str | int | float | list[Any] | None:
    """A JSON-friendly copy of a tag value; binary blobs become None."""
    if isinstance(value, bool | int | str):
        return text(value) if isinstance(value, str) else value
    if isinstance(value, tuple | list):
        items = [plain(item) for item in value]
        return items if all(item is not None for item in items) else None
    result = number(value)
    return round(result, 6) if result is not None else None
