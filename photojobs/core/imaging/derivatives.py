"""Thumbnails and previews: decode a photo once, write every requested size atomically."""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image

from photojobs.core.formats import hidden_temp_name

from .color import resizable, to_srgb
from .decoded import DecodedImage
from .orientation import upright
from .sources import PhotoSources, decode_best

DEFAULT_PIXEL_LIMIT = 200_000_000

# Measured on 24 MP JPEGs (benchmarks/bench_levers.py, CPU ms per photo). The first
# downscale is ~1.1x from a 3/8 decode (2250 -> 2048 px): BOX is area averaging there
# (OpenCV's INTER_AREA), looks the same as LANCZOS side by side and costs 30 ms against
# 41 (BILINEAR) and 77 (LANCZOS). Later steps (preview -> thumbnail, ~2.5x) box-reduce by
# the integer factor first, then BILINEAR: 11 ms instead of 20 with LANCZOS (16 BICUBIC);
# at 800 px, and shown smaller still in the grid, the difference does not show.
_FIRST_FILTER = Image.Resampling.BOX
_FIRST_REDUCING_GAP = 2.0
_NEXT_FILTER = Image.Resampling.BILINEAR
_NEXT_REDUCING_GAP = 1.0
# Freed image blocks (16 MB each) Pillow keeps for the next image; see _reuse_pillow_memory.
_PILLOW_BLOCKS = 4


@dataclass(frozen=True)
class DerivativeSpec:
    """One size of derivative to make."""

    kind: str  # "thumbnail" or "preview"
    max_dim: int  # long edge in pixels; a smaller source is never enlarged
    quality: int  # JPEG quality


@dataclass(frozen=True)
class DerivativeResult:
    """What was written for one spec."""

    kind: str
    path: Path
    width: int
    height: int
    source_kind: str  # "jpg" | "raw_embedded" | "raw_half" | "raw_full" | "other"
    decoded_size: tuple[int, int] | None = None  # pixels actually decoded (DCT scaling shows)


def render_derivatives(
    sources: PhotoSources,
    jobs: Sequence[tuple[DerivativeSpec, Path]],
    pixel_limit: int = DEFAULT_PIXEL_LIMIT,
) -> list[DerivativeResult]:
    """Write one JPEG per (spec, path), in the order given; raise ImageError on bad input.

    The source is decoded once for the largest spec; each smaller output is scaled down
    from the previous one. Source files are only ever read.
    """
    if not jobs:
        return []
    _reuse_pillow_memory()
    _refuse_overwriting_sources(sources, [path for _, path in jobs])
    largest_first = sorted(range(len(jobs)), key=lambda i: jobs[i][0].max_dim, reverse=True)
    decoded = decode_best(sources, jobs[largest_first[0]][0].max_dim, pixel_limit)
    results: dict[int, DerivativeResult] = {}
    image: Image.Image | None = None
    for index in largest_first:
        spec, path = jobs[index]
        image = _first_output(decoded, spec.max_dim) if image is None else _shrink(image, spec)
        write_jpeg_atomically(image, path, spec.quality)
        results[index] = DerivativeResult(
            spec.kind, path, image.width, image.height, decoded.source_kind, decoded.image.size
        )
    return [results[index] for index in range(len(jobs))]


@cache
def _reuse_pillow_memory() -> None:
    """Let Pillow reuse freed blocks instead of page-faulting ~50 MB of fresh memory per photo.

    Measured on 24 MP JPEGs: 20% less CPU (sys time 22 -> 4 ms per photo) for ~70 MB more
    resident memory. A larger limit set by the application (PILLOW_BLOCKS_MAX) is kept.
    """
    if Image.core.get_blocks_max() < _PILLOW_BLOCKS:
        Image.core.set_blocks_max(_PILLOW_BLOCKS)


def _refuse_overwriting_sources(sources: PhotoSources, outputs: list[Path]) -> None:
    originals = {os.path.abspath(p) for p in (sources.jpg, sources.raw, sources.other) if p}
    for path in outputs:
        if os.path.abspath(path) in originals:
            raise ValueError(f"refusing to write a derivative over its source: {path}")


def target_size(size: tuple[int, int], max_dim: int) -> tuple[int, int]:
    """`size` scaled so its long edge is `max_dim`, or unchanged if already smaller."""
    width, height = size
    long_edge = max(width, height)
    if long_edge <= max_dim:
        return size
    scale = max_dim / long_edge
    return max(1, round(width * scale)), max(1, round(height * scale))


def _first_output(decoded: DecodedImage, max_dim: int) -> Image.Image:
    """Resize in stored orientation, then fix colour and turn upright on the small image."""
    image = resizable(decoded.image)
    size = target_size(decoded.source_size, max_dim)
    if image.size != size:
        image = image.resize(size, _FIRST_FILTER, reducing_gap=_FIRST_REDUCING_GAP)
    image = to_srgb(image, decoded.icc_profile)
    return upright(image, decoded.orientation)


def _shrink(image: Image.Image, spec: DerivativeSpec) -> Image.Image:
    size = target_size(image.size, spec.max_dim)
    if size == image.size:
        return image
    return image.resize(size, _NEXT_FILTER, reducing_gap=_NEXT_REDUCING_GAP)


def write_jpeg_atomically(image: Image.Image, path: Path, quality: int) -> None:
    """Write through a temporary file in the same folder, so readers never see half a JPEG.

    No fsync: a derivative lost in a power cut is simply made again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(hidden_temp_name(path.name, f".{secrets.token_hex(4)}.tmp"))
    try:
        with open(temp, "xb") as f:  # "x": never clobber; default mode honours the umask
            image.save(f, "JPEG", quality=quality)
        os.replace(temp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise
