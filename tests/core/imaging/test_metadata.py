"""Metadata from the sample_copy JPEGs and DNGs, and the file-time fallback."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from photojobs.core.imaging import read_metadata


@pytest.mark.parametrize(
    ("name", "make", "model", "date", "orientation", "size"),
    [
        ("IMG_0001.JPG", "Canon", "Canon EOS 80D", "2023-06-15T08:00:00.00+02:00", 1, (600, 400)),
        ("IMG_0002.JPG", "SONY", "ILCE-7M3", "2023-06-15T08:01:37.07+02:00", 6, (400, 600)),
        ("IMG_0003.JPG", "FUJIFILM", "X-T2", "2023-06-15T08:03:14.14+02:00", 1, (600, 400)),
        ("IMG_0005.JPG", "SONY", "ILCE-7M3", "2023-06-15T08:36:28.28+02:00", 8, (400, 600)),
        ("IMG_0008.JPG", "SONY", "ILCE-7M3", "2023-06-15T08:41:19.49+02:00", 3, (600, 400)),
    ],
)
def test_sample_jpegs(
    sample_copy: Callable[..., Path],
    name: str,
    make: str,
    model: str,
    date: str,
    orientation: int,
    size: tuple[int, int],
) -> None:
    meta = read_metadata(sample_copy(name))
    assert (meta.camera_make, meta.camera_model) == (make, model)
    assert (meta.date_taken, meta.date_source) == (date, "exif")
    assert meta.orientation == orientation
    assert (meta.width, meta.height) == size
    assert datetime.fromisoformat(meta.date_taken).utcoffset() is not None
    json.dumps(meta.extra)


def test_exposure_values(sample_copy: Callable[..., Path]) -> None:
    meta = read_metadata(sample_copy("IMG_0001.JPG"))
    assert meta.lens == "EF-S18-135mm f/3.5-5.6 IS USM"
    assert (meta.iso, meta.exposure_time, meta.aperture, meta.focal_length) == (
        100,
        "1/60",
        2.8,
        18.0,
    )
    assert meta.extra["gps"] == pytest.approx({"latitude": 47.3769, "longitude": 8.5417})


@pytest.mark.parametrize(
    ("name", "orientation", "size", "date"),
    [
        ("RAWFULL_0001.DNG", 6, (400, 600), "2023-08-17T15:26:40.00+02:00"),
        ("RAWFULL_0002.DNG", 1, (600, 400), "2023-08-17T15:28:17.07+02:00"),
        ("RAWSMALL_0001.DNG", 6, (400, 600), "2023-08-17T15:26:40.00+02:00"),
        ("RAWNONE_0001.DNG", 6, (400, 600), "2023-08-17T15:26:40.00+02:00"),
        ("RAWNONE_0002.DNG", 1, (600, 400), "2023-08-17T15:28:17.07+02:00"),
    ],
)
def test_sample_dngs(
    sample_copy: Callable[..., Path],
    name: str,
    orientation: int,
    size: tuple[int, int],
    date: str,
) -> None:
    meta = read_metadata(sample_copy(name))
    assert (meta.camera_make, meta.camera_model) == ("BenchCam", "SynthRaw 24")
    assert (meta.date_taken, meta.date_source) == (date, "exif")
    assert meta.orientation == orientation
    assert (meta.width, meta.height) == size
    assert meta.iso == 100 and meta.exposure_time is not None and meta.aperture
    json.dumps(meta.extra)


def test_file_without_exif_falls_back_to_file_time(tmp_path: Path) -> None:
    source = tmp_path / "scan.jpg"
    Image.new("RGB", (30, 20), (90, 90, 90)).save(source)
    stamp = datetime(2021, 3, 4, 5, 6, 7).timestamp()
    os.utime(source, (stamp, stamp))
    meta = read_metadata(source)
    assert meta.date_source == "file_time"
    assert meta.date_taken is not None
    assert datetime.fromisoformat(meta.date_taken).timestamp() == stamp
    assert (meta.camera_make, meta.orientation, meta.width, meta.height) == (None, 1, 30, 20)


def test_camera_without_a_clock_falls_back_to_file_time(tmp_path: Path) -> None:
    source = tmp_path / "old.jpg"
    exif = Image.Exif()
    exif[0x0110] = "Old Cam"
    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"
    Image.new("RGB", (30, 20)).save(source, exif=exif.tobytes())
    meta = read_metadata(source)
    assert (meta.camera_model, meta.date_source) == ("Old Cam", "file_time")


def test_png_metadata_does_not_decode_pixels(tmp_path: Path) -> None:
    source = tmp_path / "big.png"
    Image.new("L", (4000, 3000)).save(source)
    data = source.read_bytes()
    source.write_bytes(data[: len(data) // 2])  # cut the pixel data: a decode would fail
    meta = read_metadata(source)
    assert (meta.width, meta.height, meta.date_source) == (4000, 3000, "file_time")
