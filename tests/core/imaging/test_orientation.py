"""Derivatives land upright whatever the Orientation tag or LibRaw flip says: checked on pixels."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from photojobs.core.imaging import DerivativeSpec, PhotoSources, render_derivatives

# Orientation tag -> the transpose that turns an upright picture into what the camera stores.
_STORE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
_QUADRANTS = {"top_left": (220, 30, 30), "top_right": (30, 200, 30), "bottom_left": (30, 30, 220)}
_WHITE = (240, 240, 240)


def _render_one(sources: PhotoSources, out: Path, max_dim: int) -> Image.Image:
    (result,) = render_derivatives(sources, [(DerivativeSpec("preview", max_dim, 92), out)])
    image = Image.open(result.path)
    assert image.size == (result.width, result.height)
    return image.convert("RGB")


def _correlation(a: Image.Image, b: Image.Image) -> float:
    """Similarity of two pictures' structure (1 = same), insensitive to colour rendering."""
    x = np.asarray(a.convert("L"), dtype=float).ravel()
    y = np.asarray(b.convert("L"), dtype=float).ravel()
    return float(np.corrcoef(x, y)[0, 1])


def _quadrant_picture(width: int, height: int) -> Image.Image:
    picture = Image.new("RGB", (width, height), _WHITE)
    half_w, half_h = width // 2, height // 2
    picture.paste(_QUADRANTS["top_left"], (0, 0, half_w, half_h))
    picture.paste(_QUADRANTS["top_right"], (half_w, 0, width, half_h))
    picture.paste(_QUADRANTS["bottom_left"], (0, half_h, half_w, height))
    return picture


def _assert_quadrants_upright(image: Image.Image) -> None:
    w, h = image.size
    probes = {
        "top_left": (w // 4, h // 4),
        "top_right": (3 * w // 4, h // 4),
        "bottom_left": (w // 4, 3 * h // 4),
    }
    for name, xy in probes.items():
        found = np.array(image.getpixel(xy))
        assert np.abs(found - _QUADRANTS[name]).max() < 60, (name, tuple(found))
    assert np.abs(np.array(image.getpixel((3 * w // 4, 3 * h // 4))) - _WHITE).max() < 60


@pytest.mark.parametrize(
    ("name", "orientation"),
    [("IMG_0001.JPG", 1), ("IMG_0002.JPG", 6), ("IMG_0005.JPG", 8), ("IMG_0008.JPG", 3)],
)
def test_sample_jpegs_match_a_reference_transpose(
    sample_copy: Callable[..., Path], tmp_path: Path, name: str, orientation: int
) -> None:
    source = sample_copy(name)
    made = _render_one(PhotoSources(source, None, None), tmp_path / "out.jpg", 300)
    stored = Image.open(source).convert("RGB")
    reference = ImageOps.exif_transpose(Image.open(source)).convert("RGB").resize(made.size)
    assert made.size == ((200, 300) if orientation in (6, 8) else (300, 200))
    assert _correlation(made, reference) > 0.95
    if orientation == 3:  # same size either way: the pixels must show it was turned
        assert _correlation(made, stored.resize(made.size)) < 0.8


@pytest.mark.parametrize("name", [f"IMG_000{i}.JPG" for i in range(1, 9)])
def test_sample_jpegs_have_the_sky_on_top(
    sample_copy: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    made = np.asarray(
        _render_one(PhotoSources(sample_copy(name), None, None), tmp_path / "o.jpg", 240)
    )
    blueness = made[..., 2].astype(float) - made[..., 0]
    rows = made.shape[0]
    assert blueness[: rows // 6].mean() > blueness[-rows // 6 :].mean() + 20


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(32, 400),
    height=st.integers(32, 400),
    orientation=st.integers(1, 8),
    max_dim=st.integers(24, 500),
)
def test_generated_jpegs_land_upright_with_oriented_size(
    save_jpeg: Callable[..., Path], width: int, height: int, orientation: int, max_dim: int
) -> None:
    scale = min(1.0, max_dim / max(width, height))
    assume(min(width, height) * scale >= 16)  # room for four recognisable quadrants
    upright = _quadrant_picture(width, height)
    store = _STORE[orientation]
    stored = upright if store is None else upright.transpose(store)
    with tempfile.TemporaryDirectory() as folder:
        source = save_jpeg(stored, Path(folder) / "photo.jpg", orientation=orientation)
        made = _render_one(PhotoSources(source, None, None), Path(folder) / "d.jpg", max_dim)
    assert abs(made.width - width * scale) <= 1
    assert abs(made.height - height * scale) <= 1
    assert max(made.size) == min(max_dim, max(width, height))
    _assert_quadrants_upright(made)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_raw_preview_is_turned_like_libraw_turns_the_raw(
    tmp_path: Path, set_tiff_orientation: Callable[[bytes, int], bytes], orientation: int
) -> None:
    # RAWFULL and RAWNONE hold the same scene: the first goes through the embedded
    # preview (our flip mapping), the second through LibRaw (which applies the flip).
    made = {}
    for name in ("RAWFULL_0002.DNG", "RAWNONE_0002.DNG"):
        source = tmp_path / name
        data = (Path(__file__).parents[2] / "data" / name).read_bytes()
        source.write_bytes(set_tiff_orientation(data, orientation))
        made[name] = _render_one(PhotoSources(None, source, None), tmp_path / f"{name}.jpg", 300)
    preview, demosaiced = made["RAWFULL_0002.DNG"], made["RAWNONE_0002.DNG"]
    assert preview.size == demosaiced.size == ((200, 300) if orientation >= 5 else (300, 200))
    assert _correlation(preview, demosaiced) > 0.95


@pytest.mark.parametrize("name", ["RAWFULL_0001.DNG", "RAWSMALL_0001.DNG", "RAWNONE_0001.DNG"])
def test_raw_with_orientation_6_lands_portrait_with_sky_on_top(
    sample_copy: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    made = _render_one(PhotoSources(None, sample_copy(name), None), tmp_path / "o.jpg", 512)
    assert made.height > made.width
    pixels = np.asarray(made).astype(float)
    blueness = pixels[..., 2] - pixels[..., 0]
    assert blueness[: made.height // 6].mean() > blueness[-made.height // 6 :].mean() + 20
