"""Stand-in thumbnails from RAWs whose IFD0 is no bitmap Pillow reads (CR2, and NEF or ARW
laid out that way): the smallest embedded JPEG, upright, without the camera's black bars."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
from PIL import Image

from photojobs.core.imaging.embedded import embedded_thumbnail
from photojobs.core.imaging.raw_jpegs import find_raw_jpegs

SHORT, LONG = 3, 4


def _scene(width: int, height: int) -> Image.Image:
    """Left half red, right half blue: which way up it is shows in every copy."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (width // 2, 0, width, height))
    return image


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _letterboxed(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A 3:2 picture fitted into a 4:3 thumbnail with black bars, as Canon does."""
    canvas = Image.new("RGB", size)
    fitted = image.resize((size[0], round(size[0] * image.height / image.width)))
    canvas.paste(fitted, (0, (size[1] - fitted.height) // 2))
    return canvas


def _cr2_like(orientation: int) -> bytes:
    """IFD0: a full-size old-style JPEG (compression 6) and the Orientation; IFD1: the
    160x120 thumbnail by JPEGInterchangeFormat; IFD2: lossless-JPEG sensor data (SOF3)."""
    full = _jpeg(_scene(1200, 800))
    thumb = _jpeg(_letterboxed(_scene(1200, 800), (160, 120)))
    sensor = b"\xff\xd8\xff\xc3\x00\x0b\x0e\x03\x20\x04\xb0\x01\x01\x11\x00" + bytes(2000)
    blobs = [full, thumb, sensor]
    ifd_tags = [
        [(0x0100, LONG, 1200), (0x0101, LONG, 800), (0x0103, SHORT, 6), (0x0111, LONG, "0"),
         (0x0112, SHORT, orientation), (0x0117, LONG, len(full))],
        [(0x0103, SHORT, 6), (0x0201, LONG, "1"), (0x0202, LONG, len(thumb))],
        [(0x00FE, LONG, 0), (0x0100, LONG, 1200), (0x0101, LONG, 800), (0x0103, SHORT, 6),
         (0x0111, LONG, "2"), (0x0117, LONG, len(sensor))],
    ]  # fmt: skip
    ifd_size = [2 + 12 * len(tags) + 4 for tags in ifd_tags]
    at = 8 + sum(ifd_size)
    blob_at = []
    for blob in blobs:
        blob_at.append(at)
        at += len(blob)
    out = b"II*\x00" + struct.pack("<I", 8)
    ifd_at = 8
    for index, tags in enumerate(ifd_tags):
        entries = b""
        for tag, kind, value in sorted(tags):
            number = blob_at[int(value)] if isinstance(value, str) else value
            packed = struct.pack("<H2x", number) if kind == SHORT else struct.pack("<I", number)
            entries += struct.pack("<HHI", tag, kind, 1) + packed
        ifd_at += ifd_size[index]
        following = ifd_at if index + 1 < len(ifd_tags) else 0
        out += struct.pack("<H", len(tags)) + entries + struct.pack("<I", following)
    return out + b"".join(blobs)


def test_the_walk_finds_both_pictures_and_not_the_sensor_data(tmp_path: Path) -> None:
    source = tmp_path / "IMG_0001.CR2"
    source.write_bytes(_cr2_like(1))
    found = find_raw_jpegs(source)
    assert [(j.width, j.height) for j in found.jpegs] == [(1200, 800), (160, 120)]
    assert found.sensor_long_edge == 1200


def test_a_cr2_gets_its_small_jpeg_without_black_bars(tmp_path: Path) -> None:
    source = tmp_path / "IMG_0001.CR2"
    source.write_bytes(_cr2_like(1))
    picture = embedded_thumbnail(source, raw=True)
    assert picture is not None
    assert picture.width < 160 or picture.height < 120  # the bars are cut off
    assert abs(picture.width / picture.height - 1.5) < 0.05
    pixels = np.asarray(picture.convert("RGB")).astype(int)
    middle = picture.height // 2
    assert pixels[middle, 10, 0] > 150 and pixels[middle, -10, 2] > 150  # red left, blue right
    assert pixels[1, picture.width // 4].sum() > 150  # first row is picture, not black bar


def test_a_cr2_stand_in_is_turned_upright(tmp_path: Path) -> None:
    source = tmp_path / "IMG_0002.CR2"
    source.write_bytes(_cr2_like(6))  # stored landscape, shown turned 90 degrees clockwise
    picture = embedded_thumbnail(source, raw=True)
    assert picture is not None
    assert picture.height > picture.width
    pixels = np.asarray(picture.convert("RGB")).astype(int)
    centre = picture.width // 2
    assert pixels[5, centre, 0] > 150  # the stored left (red) is now on top
    assert pixels[-5, centre, 2] > 150


def test_a_damaged_small_jpeg_gives_no_stand_in_and_no_error(tmp_path: Path) -> None:
    data = bytearray(_cr2_like(1))
    source = tmp_path / "IMG_0003.CR2"
    source.write_bytes(bytes(data))
    thumb = find_raw_jpegs(source).smallest
    assert thumb is not None
    start = thumb.offset + thumb.length // 2
    data[start : thumb.offset + thumb.length] = bytes(thumb.offset + thumb.length - start)
    source.write_bytes(bytes(data))
    assert embedded_thumbnail(source, raw=True) is None
