"""Fixtures for imaging tests: the sample photos, and files made on the spot."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

DATA = Path(__file__).resolve().parents[2] / "data"

# Adobe RGB (1998) primaries adapted to D50, as the ICC PCS wants them.
_ADOBE_PRIMARIES = ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609), (0.1492, 0.0632, 0.7446))
_D50 = (0.9642, 1.0, 0.8249)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy a sample file from tests/data into tmp_path: a test can never harm the original."""

    def copy(name: str, new_name: str | None = None) -> Path:
        target = tmp_path / "photos" / (new_name or name)
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(DATA / name, target)
        return target

    return copy


def _save_jpeg(
    image: Image.Image,
    path: Path,
    orientation: int | None = None,
    icc_profile: bytes | None = None,
    quality: int = 95,
) -> Path:
    """Write a JPEG with an EXIF Orientation tag and/or an ICC profile."""
    options: dict[str, object] = {"quality": quality}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    if icc_profile is not None:
        options["icc_profile"] = icc_profile
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", **options)
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes, to prove nothing was changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _adobe_rgb_profile() -> bytes:
    """A minimal ICC v2 matrix/TRC profile with Adobe RGB (1998) primaries and gamma 2.2."""
    gamma = struct.pack(">4s4xIH2x", b"curv", 1, 563)  # u8Fixed8 563/256 = 2.199
    tags: list[tuple[bytes, bytes]] = [
        (b"desc", _text_description("Test Adobe RGB (1998)")),
        (b"cprt", struct.pack(">4s4x", b"text") + b"No copyright\x00"),
        (b"wtpt", _xyz(_D50)),
        (b"rXYZ", _xyz(_ADOBE_PRIMARIES[0])),
        (b"gXYZ", _xyz(_ADOBE_PRIMARIES[1])),
        (b"bXYZ", _xyz(_ADOBE_PRIMARIES[2])),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\x00" * (-len(data) % 4)
        table += struct.pack(">4sII", signature, offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = struct.pack(
        ">I4sI4s4s4s12s4s4sI4s4s8sI12s4s44s",
        size, b"lcms", 0x02100000, b"mntr", b"RGB ", b"XYZ ", bytes(12), b"acsp",
        b"\x00" * 4, 0, b"\x00" * 4, b"\x00" * 4, bytes(8), 0, _fixed3(_D50), b"\x00" * 4,
        bytes(44),
    )  # fmt: skip
    return header + struct.pack(">I", len(tags)) + table + body


def _fixed3(values: tuple[float, float, float]) -> bytes:
    return struct.pack(">3i", *(round(v * 65536) for v in values))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return struct.pack(">4s4x", b"XYZ ") + _fixed3(values)


def _text_description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\x00"
    return (
        struct.pack(">4s4xI", b"desc", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)  # no Unicode description
        + struct.pack(">HB", 0, 0)
        + bytes(67)  # no ScriptCode description
    )


def _set_tiff_orientation(data: bytes, orientation: int) -> bytes:
    """A copy of a little-endian TIFF/DNG whose IFD0 Orientation tag says `orientation`."""
    assert data[:4] == b"II*\x00"
    (ifd0,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd0)
    patched = bytearray(data)
    for index in range(count):
        entry = ifd0 + 2 + 12 * index
        tag, kind = struct.unpack_from("<HH", data, entry)
        if tag == 0x0112 and kind == 3:
            struct.pack_into("<H", patched, entry + 8, orientation)
            return bytes(patched)
    raise AssertionError("no Orientation tag in IFD0")


# Helpers are handed out as fixtures so test modules need no imports from this folder.
@pytest.fixture
def save_jpeg() -> Callable[..., Path]:
    return _save_jpeg


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, bytes]]:
    return _snapshot


@pytest.fixture
def adobe_rgb_profile() -> bytes:
    return _adobe_rgb_profile()


@pytest.fixture
def set_tiff_orientation() -> Callable[[bytes, int], bytes]:
    return _set_tiff_orientation
