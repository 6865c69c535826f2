"""Bad files fail with a clear message, leave the source untouched and no debris behind."""

from __future__ import annotations

import os
import pickle
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from photojobs.core.imaging import (
    DerivativeSpec,
    ImageError,
    PhotoSources,
    read_metadata,
    render_derivatives,
)
from photojobs.core.imaging.errors import os_error_reason

THUMB = DerivativeSpec("thumbnail", 256, 85)
PREVIEW = DerivativeSpec("preview", 2048, 85)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb's calling card."""
    chunks = [(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))]
    chunks.append((b"IDAT", zlib.compress(b"\x00" * 64)))
    chunks.append((b"IEND", b""))
    body = b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )
    return b"\x89PNG\r\n\x1a\n" + body


def _render(sources: PhotoSources, out: Path, pixel_limit: int = 200_000_000) -> None:
    jobs = [(THUMB, out / "t.jpg"), (PREVIEW, out / "p.jpg")]
    render_derivatives(sources, jobs, pixel_limit=pixel_limit)


def _expect_failure(source: Path, sources: PhotoSources, tmp_path: Path, message: str) -> None:
    """The render fails with `message`, the source is byte-identical, the output folder empty."""
    before = source.read_bytes() if source.is_file() else None
    out = tmp_path / "derivatives"
    out.mkdir(exist_ok=True)
    with pytest.raises(ImageError) as caught:
        _render(sources, out)
    assert str(caught.value) == f"{source.name}: {message}"
    assert caught.value.path == source
    if before is not None:
        assert source.read_bytes() == before
    assert list(out.iterdir()) == []


def test_zero_byte_jpeg(tmp_path: Path) -> None:
    source = tmp_path / "IMG_1.JPG"
    source.write_bytes(b"")
    _expect_failure(source, PhotoSources(source, None, None), tmp_path, "file is empty")


def test_text_file_named_jpg(tmp_path: Path) -> None:
    source = tmp_path / "IMG_2.jpg"
    source.write_text("This is not a photo, it is a shopping list.\nMilk\nBread\n")
    message = "not a JPEG image (it looks like text)"
    _expect_failure(source, PhotoSources(source, None, None), tmp_path, message)


def test_png_named_jpg_says_what_it_is(tmp_path: Path) -> None:
    source = tmp_path / "IMG_3.jpg"
    Image.new("RGB", (10, 10)).save(source, "PNG")
    message = "not a JPEG image (it looks like a PNG image)"
    _expect_failure(source, PhotoSources(source, None, None), tmp_path, message)


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_jpeg(sample_copy: Callable[..., Path], tmp_path: Path, keep: float) -> None:
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    source = sample_copy("IMG_0001.JPG", "IMG_4.JPG")
    data = source.read_bytes()
    source.write_bytes(data[: int(len(data) * keep)])
    message = "image is truncated or corrupt"
    _expect_failure(source, PhotoSources(source, None, None), tmp_path, message)


def test_image_above_the_pixel_limit_is_refused_before_decoding(
    sample_copy: Callable[..., Path], tmp_path: Path
) -> None:
    source = sample_copy("IMG_0001.JPG")  # 600 x 400 = 0.24 megapixels
    with pytest.raises(ImageError, match=r"too large \(0.2 megapixels, limit 0.1\)"):
        _render(PhotoSources(source, None, None), tmp_path / "out", pixel_limit=100_000)
    assert not (tmp_path / "out").exists()


def test_decompression_bomb_png(tmp_path: Path) -> None:
    source = tmp_path / "bomb.png"
    source.write_bytes(_png_declaring(20_000, 20_000))
    message = "image is too large (400 megapixels, limit 200)"
    _expect_failure(source, PhotoSources(None, None, source), tmp_path, message)


def test_bomb_below_pillows_own_ceiling_is_caught_by_ours(tmp_path: Path) -> None:
    source = tmp_path / "bomb.png"
    source.write_bytes(_png_declaring(10_000, 5_000))
    with pytest.raises(ImageError, match=r"too large \(50 megapixels, limit 10\)"):
        _render(PhotoSources(None, None, source), tmp_path, pixel_limit=10_000_000)


def test_text_file_named_dng(tmp_path: Path) -> None:
    source = tmp_path / "RAW_1.DNG"
    source.write_text("not a raw file\n" * 20)
    message = "RAW file could not be decoded: Unsupported file format or not RAW file"
    _expect_failure(source, PhotoSources(None, source, None), tmp_path, message)


def test_truncated_dng_that_must_be_demosaiced(
    sample_copy: Callable[..., Path], tmp_path: Path
) -> None:
    source = sample_copy("RAWNONE_0002.DNG", "RAW_2.DNG")
    data = source.read_bytes()
    source.write_bytes(data[: len(data) // 2])
    message = "RAW file could not be decoded: Input/output error"
    _expect_failure(source, PhotoSources(None, source, None), tmp_path, message)


def test_missing_file(tmp_path: Path) -> None:
    source = tmp_path / "IMG_9.JPG"
    _expect_failure(source, PhotoSources(source, None, None), tmp_path, "file not found")


def test_missing_raw(tmp_path: Path) -> None:
    source = tmp_path / "IMG_9.CR2"
    _expect_failure(source, PhotoSources(None, source, None), tmp_path, "file not found")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    source = tmp_path / "IMG_5.JPG"
    source.mkdir()
    message = "this is a folder, not a file"
    _expect_failure(source, PhotoSources(source, None, None), tmp_path, message)


def test_unreadable_file(sample_copy: Callable[..., Path], tmp_path: Path) -> None:
    source = sample_copy("IMG_0001.JPG")
    source.chmod(0)
    try:
        if IS_ROOT:
            # root reads through chmod 000, so there is no permission error to see here;
            # the message mapping itself is covered by test_permission_message below.
            _render(PhotoSources(source, None, None), tmp_path / "out")
        else:
            message = "cannot read file: permission denied"
            _expect_failure(source, PhotoSources(source, None, None), tmp_path, message)
    finally:
        source.chmod(0o644)


def test_permission_message() -> None:
    denied = PermissionError(13, "Permission denied", "x.jpg")
    assert os_error_reason(denied) == "cannot read file: permission denied"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "IMG_1.JPG", "file is empty"),
        (b"hello\n" * 10, "IMG_2.JPG", "not a JPEG image (it looks like text)"),
        (b"hello\n" * 10, "RAW_1.DNG", "RAW file could not be decoded: "),
    ],
)
def test_metadata_of_bad_files(tmp_path: Path, content: bytes, name: str, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(ImageError) as caught:
        read_metadata(source)
    assert str(caught.value).startswith(f"{name}: {message}")
    assert source.read_bytes() == content


def test_metadata_of_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match=r"IMG_7\.JPG: file not found"):
        read_metadata(tmp_path / "IMG_7.JPG")


def test_failed_write_leaves_no_temporary_file(
    sample_copy: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "p.jpg").mkdir()  # os.replace cannot put a file where a folder is
    jobs = [(PREVIEW, out / "p.jpg")]
    with pytest.raises(OSError):
        render_derivatives(PhotoSources(sample_copy("IMG_0001.JPG"), None, None), jobs)
    assert [p.name for p in out.iterdir()] == ["p.jpg"]
    assert (out / "p.jpg").is_dir()


def test_error_survives_pickling_for_process_pools() -> None:
    error = ImageError(Path("/x/IMG_1.JPG"), "file is empty")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.path, copy.reason) == (str(error), error.path, error.reason)


def test_heic_without_a_decoder_says_so(tmp_path: Path) -> None:
    source = tmp_path / "IMG_6.HEIC"
    source.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100))
    with pytest.raises(ImageError, match=r"HEIF/HEIC images cannot be read|corrupt"):
        _render(PhotoSources(None, None, source), tmp_path / "out")


def test_damaged_png_header_is_corrupt_not_a_different_format(tmp_path: Path) -> None:
    source = tmp_path / "scan.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    message = "image is truncated or corrupt"
    _expect_failure(source, PhotoSources(None, None, source), tmp_path, message)
