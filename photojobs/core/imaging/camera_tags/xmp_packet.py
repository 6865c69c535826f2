"""Capture facts from the XMP packet embedded in a JPEG (APP1), for files whose EXIF lacks
them: edited exports, scans, files written by phones' editors.
Parsed by defusedxml, as the sidecars are: an embedded packet is as foreign as a sidecar."""

from __future__ import annotations

import re
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

_EXIF = "{http://ns.adobe.com/exif/1.0/}"
_XMP = "{http://ns.adobe.com/xap/1.0/}"
_TIFF = "{http://ns.adobe.com/tiff/1.0/}"
# XMP property -> (EXIF date tag, its sub-seconds tag, its UTC offset tag)
_DATES = {
    _EXIF + "DateTimeOriginal": (0x9003, 0x9291, 0x9011),
    _XMP + "CreateDate": (0x9004, 0x9292, 0x9012),
    _XMP + "ModifyDate": (0x0132, 0x9290, 0x9010),
}
_TEXTS = {_TIFF + "Make": 0x010F, _TIFF + "Model": 0x0110}
_ORIENTATION = _TIFF + "Orientation"
_DATE = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(Z|[+-]\d\d:\d\d)?$"
)
_MAX_PACKET = 1 << 20


def xmp_tags(packet: bytes) -> dict[int, Any]:
    """EXIF-numbered tags from an XMP packet; empty when it cannot be parsed."""
    try:
        root = fromstring(packet[:_MAX_PACKET].strip(b"\x00 \r\n\t"))
    except (ParseError, DefusedXmlException, ValueError):
        return {}
    properties: dict[str, str] = {}
    for element in root.iter():
        for name, value in element.attrib.items():
            properties.setdefault(name, value)
        if element.text and element.text.strip() and not len(element):
            properties.setdefault(element.tag, element.text.strip())
    tags: dict[int, Any] = {}
    for name, numbers in _DATES.items():
        tags.update(_date_tags(properties.get(name), numbers))
    for name, number in _TEXTS.items():
        if properties.get(name):
            tags[number] = properties[name]
    if properties.get(_ORIENTATION, "").isdigit():
        tags[0x0112] = int(properties[_ORIENTATION])
    return tags


def _date_tags(value: str | None, numbers: tuple[int, int, int]) -> dict[int, Any]:
    match = _DATE.match(value or "")
    if not match:
        return {}
    year, month, day, hh, mm, ss, fraction, zone = match.groups()
    date_tag, subsec_tag, offset_tag = numbers
    tags: dict[int, Any] = {date_tag: f"{year}:{month}:{day} {hh}:{mm}:{ss or '00'}"}
    if fraction:
        tags[subsec_tag] = fraction
    if zone:
        tags[offset_tag] = "+00:00" if zone == "Z" else zone
    return tags
