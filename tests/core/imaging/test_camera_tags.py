"""Camera, date and orientation from every container, without LibRaw and without pixels."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from photojobs.core.imaging import ImageError, read_metadata
from photojobs.core.imaging.camera_tags import read_camera_tags
from tests.core.imaging import container_kit as kit

DATA = Path(__file__).resolve().parents[2] / "data"


def _sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_cr3_camera_and_date_come_from_canons_uuid_box(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0042.CR3"
    path.write_bytes(kit.cr3("Canon", "Canon EOS R5", "2024:05:06 07:08:09", orientation=6))
    meta = read_metadata(path)  # LibRaw cannot open this file: the container is enough
    assert (meta.camera_make, meta.camera_model) == ("Canon", "Canon EOS R5")
    assert (meta.date_taken, meta.date_source) == ("2024-05-06T07:08:09", "exif")
    assert meta.orientation == 6
    assert (meta.width, meta.height) == (None, None)


def test_a_heic_states_its_size_in_its_boxes_without_a_decoder(tmp_path: Path) -> None:
    ispe = kit.box(b"ispe", bytes(4) + struct.pack(">II", 4032, 3024))
    thumb = kit.box(b"ispe", bytes(4) + struct.pack(">II", 320, 240))
    meta = kit.box(b"meta", bytes(4) + kit.box(b"iprp", kit.box(b"ipco", thumb + ispe)))
    path = tmp_path / "IMG_4001.HEIC"
    path.write_bytes(kit.box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + meta)
    found = read_metadata(path)
    assert (found.width, found.height, found.extra["format"]) == (4032, 3024, "HEIF")
    jpeg = tmp_path / "damaged.jpg"  # a JPEG Pillow refuses stays refused, SOF or not
    jpeg.write_bytes(_sample("IMG_0001.JPG")[:2] + b"\xff\xc0\x00\x11\x08\x01\x00\x01\x00")
    with pytest.raises(ImageError):
        read_metadata(jpeg)


def test_raf_reads_the_embedded_jpegs_exif(tmp_path: Path) -> None:
    path = tmp_path / "DSCF0001.RAF"
    path.write_bytes(kit.raf(_sample("IMG_0003.JPG")))
    meta = read_metadata(path)
    assert (meta.camera_make, meta.camera_model) == ("FUJIFILM", "X-T2")
    assert meta.date_taken == "2023-06-15T08:03:14.14+02:00"
    assert meta.width is None  # the preview's size is not the photo's


def test_x3f_of_an_old_sigma_reads_its_properties(tmp_path: Path) -> None:
    path = tmp_path / "SDIM0001.X3F"
    props = {"CAMMANUF": "SIGMA", "CAMMODEL": "SIGMA SD10", "TIME": "978309395"}
    path.write_bytes(kit.x3f(props))
    meta = read_metadata(path)
    assert (meta.camera_make, meta.camera_model) == ("SIGMA", "SIGMA SD10")
    assert meta.date_taken == "2001-01-01T00:36:35"


def test_x3f_of_a_dp_camera_reads_its_jpeg_preview(tmp_path: Path) -> None:
    path = tmp_path / "SDIM0002.X3F"
    path.write_bytes(kit.x3f({"CAMMODEL": "SIGMA DP2"}, jpeg=_sample("IMG_0002.JPG")))
    meta = read_camera_tags(path)
    assert meta.tags[0x0110] == "SIGMA DP2"  # Sigma's own record wins over the copy in EXIF
    assert meta.tags[0x010F] == "SONY"  # what only the preview's EXIF says is kept
    assert meta.tags[0x0112] == 6


def test_an_agencys_iptc_date_dates_a_jpeg_without_exif(tmp_path: Path) -> None:
    bare = kit.without_exif(_sample("IMG_0001.JPG"))
    path = tmp_path / "AP_0001.JPG"
    path.write_bytes(kit.with_segment(bare, 0xED, kit.iptc_block("20061029", "062751-0500")))
    meta = read_metadata(path)
    assert (meta.date_taken, meta.date_source) == ("2006-10-29T06:27:51-05:00", "exif")


def test_an_iptc_day_without_a_time_is_no_moment(tmp_path: Path) -> None:
    bare = kit.without_exif(_sample("IMG_0001.JPG"))
    payload = kit.iptc_block("20061029", "")
    path = tmp_path / "AP_0002.JPG"
    path.write_bytes(kit.with_segment(bare, 0xED, payload))
    assert read_metadata(path).date_source == "file_time"


def test_embedded_xmp_fills_what_exif_lacks_and_never_overrides_it(tmp_path: Path) -> None:
    xmp = kit.xmp_block(
        'exif:DateTimeOriginal="2013-07-05T03:18:27.5Z" tiff:Make="XMPMAKER" '
        'tiff:Model="Scanner 9" tiff:Orientation="8"'
    )
    only_xmp = tmp_path / "scan.jpg"
    only_xmp.write_bytes(kit.with_segment(kit.without_exif(_sample("IMG_0001.JPG")), 0xE1, xmp))
    meta = read_metadata(only_xmp)
    assert meta.date_taken == "2013-07-05T03:18:27.5+00:00"
    assert (meta.camera_make, meta.camera_model, meta.orientation) == ("XMPMAKER", "Scanner 9", 8)

    both = tmp_path / "IMG_0001.JPG"  # XMP before the camera's EXIF: the EXIF still wins
    both.write_bytes(kit.with_segment(_sample("IMG_0001.JPG"), 0xE1, xmp))
    meta = read_metadata(both)
    assert (meta.camera_make, meta.date_taken) == ("Canon", "2023-06-15T08:00:00.00+02:00")


def test_a_truncated_raw_still_names_its_camera(
    sample_copy: Callable[..., Path], tmp_path: Path
) -> None:
    whole = sample_copy("RAWFULL_0001.DNG").read_bytes()
    path = tmp_path / "RAWFULL_0001.DNG"
    path.write_bytes(whole[:65536])  # the IFDs survive, the pixels do not
    full = read_metadata(sample_copy("RAWFULL_0001.DNG"))
    meta = read_metadata(path)
    assert (meta.camera_make, meta.camera_model) == (full.camera_make, full.camera_model)
    assert meta.camera_make
    assert meta.date_taken == full.date_taken


containers = st.sampled_from(
    [
        kit.cr3("Canon", "Canon EOS R5", "2024:05:06 07:08:09"),
        kit.raf(_sample("IMG_0003.JPG")[:4096]),
        kit.x3f({"CAMMANUF": "SIGMA", "TIME": "978309395"}, jpeg=_sample("IMG_0002.JPG")[:4096]),
        kit.with_segment(_sample("IMG_0004.JPG")[:4096], 0xED, kit.iptc_block("20061029", "0627")),
        _sample("RAWSMALL_0001.DNG")[:8192],
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    original=containers,
    at=st.integers(min_value=0, max_value=8191),
    junk=st.binary(min_size=1, max_size=16),
)
def test_a_damaged_container_gives_what_it_can_and_never_an_error(
    tmp_path: Path, original: bytes, at: int, junk: bytes
) -> None:
    at %= len(original)
    path = tmp_path / "damaged.bin"
    path.write_bytes(original[:at] + junk + original[at + len(junk) :])
    found = read_camera_tags(path)  # no exception, no endless walk
    assert isinstance(found.tags, dict)


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="ExifTool is not installed here")
def test_exiftool_reads_the_same_camera_and_date_from_our_containers(tmp_path: Path) -> None:
    files = {
        "IMG_0042.CR3": kit.cr3("Canon", "Canon EOS R5", "2024:05:06 07:08:09"),
        "DSCF0001.RAF": kit.raf(_sample("IMG_0003.JPG")),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out = subprocess.run(
            ["exiftool", "-s3", "-Make", "-Model", "-DateTimeOriginal", str(tmp_path / name)],
            capture_output=True, text=True, check=True,
        ).stdout.split("\n")  # fmt: skip
        meta = read_metadata(tmp_path / name)
        assert out[:2] == [meta.camera_make, meta.camera_model]
        assert out[2].replace(":", "-", 2).replace(" ", "T") == (meta.date_taken or "")[:19]
