"""Our own walk to a RAW's embedded JPEGs: it finds what LibRaw finds, turns the preview the
way LibRaw turns the RAW, and anything damaged goes to LibRaw, which fails it clearly."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import rawpy
from PIL import Image

from photojobs.core.handlers.derivative_work import Work, render
from photojobs.core.imaging import DerivativeSpec, PhotoSources
from photojobs.core.imaging.raw import decode_raw, decode_with_libraw
from photojobs.core.imaging.raw_jpegs import NOTHING, find_raw_jpegs, read_jpeg

LIMIT = 200_000_000


def _libraw_jpeg(path: Path) -> bytes:
    with rawpy.imread(str(path)) as raw:
        thumb = raw.extract_thumb()
        assert thumb.format == rawpy.ThumbFormat.JPEG
        return bytes(thumb.data)


def _pixels(jpeg: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(jpeg)) as image:
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize(
    ("name", "size", "orientation"),
    [
        ("RAWFULL_0001.DNG", (600, 400), 6),
        ("RAWFULL_0002.DNG", (600, 400), 1),
        ("RAWSMALL_0001.DNG", (300, 200), 6),
        ("RAWSMALL_0002.DNG", (300, 200), 1),
    ],
)
def test_finds_the_preview_libraw_finds(
    sample_copy: Callable[..., Path], name: str, size: tuple[int, int], orientation: int
) -> None:
    source = sample_copy(name)
    found = find_raw_jpegs(source)
    assert found.largest is not None
    assert (found.largest.width, found.largest.height) == size
    assert found.orientation == orientation
    assert found.sensor_long_edge == 600
    ours = read_jpeg(source, found.largest)
    assert np.array_equal(_pixels(ours), _pixels(_libraw_jpeg(source)))


def test_a_raw_without_jpeg_preview_has_none_but_its_orientation(
    sample_copy: Callable[..., Path],
) -> None:
    found = find_raw_jpegs(sample_copy("RAWNONE_0001.DNG"))
    assert found.jpegs == ()
    assert found.orientation == 6


@pytest.mark.parametrize("name", ["RAWFULL_0001.DNG", "RAWFULL_0002.DNG"])
def test_own_path_decodes_what_the_libraw_path_decodes(
    sample_copy: Callable[..., Path], name: str
) -> None:
    source = sample_copy(name)
    ours, libraws = decode_raw(source, 512, LIMIT), decode_with_libraw(source, 512, LIMIT)
    assert ours.source_kind == libraws.source_kind == "raw_embedded"
    assert (ours.source_size, ours.orientation) == (libraws.source_size, libraws.orientation)
    assert np.array_equal(np.asarray(ours.image), np.asarray(libraws.image))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_comes_from_ifd0_as_libraw_reads_it(
    tmp_path: Path, set_tiff_orientation: Callable[[bytes, int], bytes], orientation: int
) -> None:
    source = tmp_path / "RAW.DNG"
    data = (Path(__file__).parents[2] / "data" / "RAWFULL_0002.DNG").read_bytes()
    source.write_bytes(set_tiff_orientation(data, orientation))
    assert decode_raw(source, 512, LIMIT).orientation == orientation
    assert decode_with_libraw(source, 512, LIMIT).orientation == orientation


def test_a_preview_too_small_goes_to_libraw(sample_copy: Callable[..., Path]) -> None:
    decoded = decode_raw(sample_copy("RAWSMALL_0001.DNG"), 512, LIMIT)
    assert decoded.source_kind == "raw_full"  # 300 px preview, 300 px half size: demosaic


def test_a_request_above_the_sensor_size_still_uses_a_full_size_preview(
    sample_copy: Callable[..., Path],
) -> None:
    decoded = decode_raw(sample_copy("RAWFULL_0002.DNG"), 2048, LIMIT)
    assert (decoded.source_kind, decoded.image.size) == ("raw_embedded", (600, 400))


@pytest.mark.parametrize(
    "content",
    [b"", b"II*\x00", b"II*\x00\xff\xff\xff\x7f" + bytes(64), b"not a raw file\n" * 20],
)
def test_files_that_are_no_tiff_give_nothing(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "RAW.DNG"
    source.write_bytes(content)
    assert find_raw_jpegs(source) == NOTHING


def test_ifds_pointing_at_each_other_end_the_walk(sample_copy: Callable[..., Path]) -> None:
    source = sample_copy("RAWFULL_0002.DNG")
    data = bytearray(source.read_bytes())
    (ifd0,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd0)
    struct.pack_into("<I", data, ifd0 + 2 + 12 * count, ifd0)  # IFD0's next IFD is IFD0
    source.write_bytes(bytes(data))
    assert find_raw_jpegs(source).largest is not None


def test_a_preview_cut_off_by_truncation_is_not_used(sample_copy: Callable[..., Path]) -> None:
    source = sample_copy("RAWFULL_0002.DNG")
    data = source.read_bytes()
    source.write_bytes(data[:-1000])  # the preview is stored last: its end is gone
    found = find_raw_jpegs(source)
    assert found.jpegs == () and found.cut_off
    # The sensor data is intact, so LibRaw still makes a picture of it; LibRaw's own copy
    # of the cut-off preview is not trusted (past the end it holds whatever memory held).
    assert decode_raw(source, 512, LIMIT).source_kind == "raw_full"


def test_a_damaged_preview_falls_back_to_libraws_demosaic(
    sample_copy: Callable[..., Path],
) -> None:
    source = sample_copy("RAWFULL_0002.DNG")
    data = bytearray(source.read_bytes())
    found = find_raw_jpegs(source).largest
    assert found is not None
    huffman = data.index(b"\xff\xc4", found.offset)
    data[huffman + 4 : huffman + 24] = b"\xff" * 20  # a table no decoder accepts
    source.write_bytes(bytes(data))
    assert find_raw_jpegs(source).largest == found  # the header still looks right
    assert decode_raw(source, 512, LIMIT).source_kind == "raw_full"


@pytest.mark.parametrize("keep", [0.5, 0.01])
def test_a_truncated_raw_is_a_failed_item_with_a_clear_reason(
    sample_copy: Callable[..., Path], tmp_path: Path, keep: float
) -> None:
    source = sample_copy("RAWFULL_0002.DNG", "IMG_7.DNG")
    data = source.read_bytes()
    source.write_bytes(data[: int(len(data) * keep)])
    work = Work(7, "IMG_7", PhotoSources(None, source, None), None)
    specs = [DerivativeSpec("thumbnail", 256, 80), DerivativeSpec("preview", 512, 85)]
    outcome = render(work, specs, source.parent, LIMIT, with_metadata=False, force=True)
    assert outcome.status == "failed"
    assert outcome.error == "IMG_7.DNG: RAW file could not be decoded: Input/output error"
    assert not (source.parent / ".preview").exists() or not any(
        (source.parent / ".preview").iterdir()
    )
