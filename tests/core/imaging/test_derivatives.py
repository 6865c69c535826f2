"""Which source is decoded, at what scale, and what the written derivatives look like."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import simplejpeg
from PIL import Image, ImageCms

from photojobs.core.imaging import (
    DerivativeSpec,
    PhotoSources,
    render_derivatives,
    source_fingerprint,
)

THUMB = DerivativeSpec("thumbnail", 256, 85)
PREVIEW = DerivativeSpec("preview", 2048, 85)


def _photo(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """A noisy gradient: detailed enough that resampling mistakes would show."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 255, size[0])[None, :, None]
    y = np.linspace(0, 255, size[1])[:, None, None]
    base = np.concatenate([x + 0 * y, y + 0 * x, (x + y) / 2], axis=2)
    noisy = base + rng.normal(0, 12, base.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


@pytest.mark.parametrize(
    ("name", "max_dim", "kind", "size"),
    [
        ("RAWFULL_0001.DNG", 512, "raw_embedded", (341, 512)),
        ("RAWFULL_0002.DNG", 256, "raw_embedded", (256, 171)),
        ("RAWSMALL_0002.DNG", 256, "raw_embedded", (256, 171)),  # its 300 px preview suffices
        ("RAWSMALL_0001.DNG", 512, "raw_full", (341, 512)),  # preview and half size are 300 px
        ("RAWNONE_0002.DNG", 280, "raw_half", (280, 187)),
        ("RAWNONE_0001.DNG", 280, "raw_half", (187, 280)),
        ("RAWNONE_0002.DNG", 512, "raw_full", (512, 341)),
    ],
)
def test_raw_sources_use_the_cheapest_path_that_is_big_enough(
    sample_copy: Callable[..., Path],
    tmp_path: Path,
    name: str,
    max_dim: int,
    kind: str,
    size: tuple[int, int],
) -> None:
    spec = DerivativeSpec("preview", max_dim, 85)
    (result,) = render_derivatives(
        PhotoSources(None, sample_copy(name), None), [(spec, tmp_path / "p.jpg")]
    )
    assert result.source_kind == kind
    assert (result.width, result.height) == size
    assert Image.open(result.path).size == size


def test_raw_half_size_decode_is_really_half_size(
    sample_copy: Callable[..., Path], tmp_path: Path
) -> None:
    spec = DerivativeSpec("preview", 200, 85)
    source = PhotoSources(None, sample_copy("RAWNONE_0002.DNG"), None)
    (result,) = render_derivatives(source, [(spec, tmp_path / "p.jpg")])
    assert (result.source_kind, result.decoded_size) == ("raw_half", (300, 200))


def test_jpg_is_preferred_over_raw_and_other(
    sample_copy: Callable[..., Path], tmp_path: Path
) -> None:
    sources = PhotoSources(
        sample_copy("IMG_0002.JPG"),
        sample_copy("RAWFULL_0002.DNG"),
        sample_copy("IMG_0001.JPG", "x.png"),
    )
    (result,) = render_derivatives(sources, [(THUMB, tmp_path / "t.jpg")])
    assert result.source_kind == "jpg"
    assert (result.width, result.height) == (171, 256)  # IMG_0002 is a portrait


def test_other_formats_go_through_pillow(tmp_path: Path) -> None:
    source = tmp_path / "scan.png"
    _photo((900, 600)).save(source)
    (result,) = render_derivatives(PhotoSources(None, None, source), [(THUMB, tmp_path / "t.jpg")])
    assert (result.source_kind, result.width, result.height) == ("other", 256, 171)


def test_outputs_come_back_in_request_order_smaller_made_from_larger(
    save_jpeg: Callable[..., Path], tmp_path: Path
) -> None:
    source = save_jpeg(_photo((3000, 2000)), tmp_path / "big.jpg")
    jobs = [(THUMB, tmp_path / "d" / "t.jpg"), (PREVIEW, tmp_path / "d" / "p.jpg")]
    thumb, preview = render_derivatives(PhotoSources(source, None, None), jobs)
    assert (thumb.kind, thumb.width, thumb.height) == ("thumbnail", 256, 171)
    assert (preview.kind, preview.width, preview.height) == ("preview", 2048, 1365)
    assert thumb.decoded_size == preview.decoded_size  # one decode for both


def test_jpeg_draft_decodes_below_full_size(save_jpeg: Callable[..., Path], tmp_path: Path) -> None:
    source = save_jpeg(_photo((2000, 1500)), tmp_path / "big.jpg")
    (result,) = render_derivatives(PhotoSources(source, None, None), [(THUMB, tmp_path / "t.jpg")])
    assert result.decoded_size == (500, 375)  # libjpeg scaled by 1/4, still >= 256 px
    assert (result.width, result.height) == (256, 192)


def test_jpeg_draft_of_a_portrait_stays_above_the_request(
    save_jpeg: Callable[..., Path], tmp_path: Path
) -> None:
    stored = _photo((2000, 1200))  # stored landscape, shown portrait
    source = save_jpeg(stored, tmp_path / "portrait.jpg", orientation=6)
    spec = DerivativeSpec("preview", 900, 85)
    (result,) = render_derivatives(PhotoSources(source, None, None), [(spec, tmp_path / "p.jpg")])
    assert result.decoded_size == (1000, 600)
    assert (result.width, result.height) == (540, 900)


def test_jpeg_decodes_at_any_eighth_not_only_powers_of_two(
    save_jpeg: Callable[..., Path], tmp_path: Path
) -> None:
    source = save_jpeg(_photo((1600, 1200)), tmp_path / "big.jpg")
    spec = DerivativeSpec("preview", 600, 85)
    (result,) = render_derivatives(PhotoSources(source, None, None), [(spec, tmp_path / "p.jpg")])
    assert result.decoded_size == (600, 450)  # 3/8: Pillow's draft would stop at 800 x 600
    assert (result.width, result.height) == (600, 450)


def test_cmyk_jpeg_goes_through_pillow_and_keeps_its_colours(tmp_path: Path) -> None:
    source = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (1600, 1200), (0, 255, 255, 0)).save(source, quality=95)  # pure red
    spec = DerivativeSpec("preview", 600, 85)
    (result,) = render_derivatives(PhotoSources(source, None, None), [(spec, tmp_path / "p.jpg")])
    assert result.decoded_size == (800, 600)  # Pillow's 1/2: CMYK is not libjpeg-turbo's
    red, green, blue = Image.open(tmp_path / "p.jpg").getpixel((300, 225))
    assert red > 200 and green < 60 and blue < 60


def test_jpeg_with_stray_bytes_still_makes_derivatives(
    save_jpeg: Callable[..., Path], tmp_path: Path
) -> None:
    """libjpeg only warns about junk before a marker: such a file decodes, as with Pillow."""
    source = save_jpeg(_photo((800, 600)), tmp_path / "odd.jpg")
    data = source.read_bytes()
    after_app0 = 4 + int.from_bytes(data[4:6], "big")
    assert data[2:4] == b"\xff\xe0" and data[after_app0] == 0xFF
    source.write_bytes(data[:after_app0] + b"\x00\x01\x02" + data[after_app0:])
    with pytest.raises(ValueError, match="extraneous"):
        simplejpeg.decode_jpeg(source.read_bytes(), strict=True)
    (result,) = render_derivatives(PhotoSources(source, None, None), [(THUMB, tmp_path / "t.jpg")])
    assert (result.width, result.height) == (256, 192)
    assert 40 < np.asarray(Image.open(tmp_path / "t.jpg")).mean() < 215


def test_small_sources_are_never_enlarged(save_jpeg: Callable[..., Path], tmp_path: Path) -> None:
    source = save_jpeg(_photo((120, 80)), tmp_path / "small.jpg")
    jobs = [(PREVIEW, tmp_path / "p.jpg"), (THUMB, tmp_path / "t.jpg")]
    results = render_derivatives(PhotoSources(source, None, None), jobs)
    assert [(r.width, r.height) for r in results] == [(120, 80), (120, 80)]
    assert Image.open(tmp_path / "p.jpg").size == (120, 80)


def test_downscaled_pixels_resemble_the_source(
    save_jpeg: Callable[..., Path], tmp_path: Path
) -> None:
    original = _photo((1600, 1200))
    source = save_jpeg(original, tmp_path / "a.jpg", quality=98)
    spec = DerivativeSpec("preview", 400, 95)
    render_derivatives(PhotoSources(source, None, None), [(spec, tmp_path / "p.jpg")])
    made = np.asarray(Image.open(tmp_path / "p.jpg"), dtype=float)
    expected = np.asarray(original.resize((400, 300), Image.Resampling.LANCZOS), dtype=float)
    assert np.abs(made - expected).mean() < 4


def test_adobe_rgb_jpeg_is_converted_to_srgb(
    save_jpeg: Callable[..., Path], tmp_path: Path, adobe_rgb_profile: bytes
) -> None:
    colour = (100, 150, 200)
    picture = Image.new("RGB", (64, 64), colour)
    tagged = save_jpeg(picture, tmp_path / "adobe.jpg", icc_profile=adobe_rgb_profile)
    untagged = save_jpeg(picture, tmp_path / "plain.jpg")
    made = {}
    for source in (tagged, untagged):
        spec = DerivativeSpec("thumbnail", 32, 95)
        out = tmp_path / f"out-{source.name}"
        render_derivatives(PhotoSources(source, None, None), [(spec, out)])
        made[source.name] = np.asarray(Image.open(out), dtype=float).reshape(-1, 3).mean(axis=0)
    converted, naive = made["adobe.jpg"], made["plain.jpg"]
    # Adobe RGB is wider: the same numbers mean a more saturated colour, which in sRGB
    # needs less red for this blue-green; green and blue barely move.
    assert converted[0] < naive[0] - 20
    assert abs(converted[1] - naive[1]) < 8
    reference = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour),
        ImageCms.ImageCmsProfile(io.BytesIO(adobe_rgb_profile)),
        ImageCms.createProfile("sRGB"),
    )
    assert reference is not None
    assert np.abs(converted - np.array(reference.getpixel((0, 0)))).max() < 6
    assert Image.open(tmp_path / "out-adobe.jpg").info.get("icc_profile") is None


@pytest.mark.parametrize("mode", ["CMYK", "L", "P", "RGBA", "LA", "1", "I;16"])
def test_every_mode_ends_as_rgb(tmp_path: Path, mode: str) -> None:
    picture = _photo((300, 200)).convert(mode if mode != "I;16" else "L")
    suffix = "jpg" if mode in ("CMYK", "L") else "png"
    if mode == "I;16":
        picture = Image.fromarray(np.asarray(picture).astype(np.uint16) * 257)
    source = tmp_path / f"source.{suffix}"
    picture.save(source)
    sources = (
        PhotoSources(source, None, None) if suffix == "jpg" else PhotoSources(None, None, source)
    )
    render_derivatives(sources, [(THUMB, tmp_path / "t.jpg")])
    made = Image.open(tmp_path / "t.jpg")
    assert (made.mode, made.size) == ("RGB", (256, 171))
    assert 40 < np.asarray(made).mean() < 215  # not blown out to white or crushed to black


def test_transparent_png_is_flattened_on_white(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    Image.new("RGBA", (100, 100), (255, 0, 0, 0)).save(source)
    render_derivatives(PhotoSources(None, None, source), [(THUMB, tmp_path / "t.jpg")])
    assert min(Image.open(tmp_path / "t.jpg").getpixel((50, 50))) > 245


def test_no_temporary_files_are_left_after_success(
    sample_copy: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "cache" / "deep"
    jobs = [(THUMB, out / "t.jpg"), (PREVIEW, out / "p.jpg")]
    render_derivatives(PhotoSources(sample_copy("IMG_0001.JPG"), None, None), jobs)
    assert sorted(p.name for p in out.iterdir()) == ["p.jpg", "t.jpg"]


def test_existing_derivative_is_replaced(sample_copy: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "t.jpg"
    out.write_bytes(b"old")
    render_derivatives(PhotoSources(sample_copy("IMG_0001.JPG"), None, None), [(THUMB, out)])
    assert Image.open(out).size == (256, 171)


def test_refuses_to_write_over_a_source(sample_copy: Callable[..., Path]) -> None:
    source = sample_copy("IMG_0001.JPG")
    before = source.read_bytes()
    with pytest.raises(ValueError, match="over its source"):
        render_derivatives(PhotoSources(source, None, None), [(THUMB, source)])
    assert source.read_bytes() == before


def test_fingerprint_changes_with_content_and_not_otherwise(
    sample_copy: Callable[..., Path],
) -> None:
    source = sample_copy("IMG_0001.JPG")
    first = source_fingerprint(source)
    assert source_fingerprint(source) == first
    stat = source.stat()
    data = bytearray(source.read_bytes())
    data[-10] ^= 0xFF  # same size, same mtime after utime: only the hash can tell
    source.write_bytes(bytes(data))
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source_fingerprint(source) != first
