"""One photo's image work, run on the imaging threads: which files, metadata, rendering."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photojobs.core.formats import FileClass, classify
from photojobs.core.handlers.project_files import derivative_target
from photojobs.core.imaging import (
    DerivativeSpec,
    ImageError,
    PhotoSources,
    UnsupportedFormat,
    read_metadata,
    render_derivatives,
)
from photojobs.core.paths import UnsafePathError, inside

FAILED_STATUSES = ("failed", "missing", "not_supported")


@dataclass(frozen=True)
class Work:
    photo_id: int
    base: str
    sources: PhotoSources
    fingerprint: str | None
    unchanged: bool = False  # the source is what the derivatives were made from


@dataclass(frozen=True)
class Outcome:
    """What happened to the kinds asked for one photo (one status for all of them)."""

    photo_id: int
    base: str
    kinds: tuple[str, ...]
    status: str  # generated | failed | missing | unchanged
    error: str | None = None
    metadata: dict[str, Any] | None = field(default=None, compare=False)


def sources_of(project_dir: Path, files: list[str]) -> PhotoSources:
    by_class: dict[FileClass, Path] = {}
    for name in files:
        cls = classify(name)
        if cls is not None and cls not in by_class:
            with contextlib.suppress(UnsafePathError):  # a name that would leave the project
                by_class[cls] = inside(project_dir, name)
    return PhotoSources(
        by_class.get(FileClass.JPG), by_class.get(FileClass.RAW), by_class.get(FileClass.OTHER)
    )


def render(
    w: Work,
    specs: list[DerivativeSpec],
    project_dir: Path,
    limit: int,
    with_metadata: bool,
    force: bool,
) -> Outcome:
    """Every spec from one decode of the best source; ImageError becomes a failed outcome."""
    kinds = tuple(s.kind for s in specs)
    metadata = read_photo_metadata(w) if with_metadata else None
    try:
        targets = [(s, derivative_target(project_dir, s.kind, w.base)) for s in specs]
    except UnsafePathError as e:
        return Outcome(w.photo_id, w.base, kinds, "failed", str(e), metadata)
    if not (w.sources.jpg or w.sources.raw or w.sources.other):
        return Outcome(w.photo_id, w.base, kinds, "missing", "no image file left", metadata)
    if not force and w.unchanged and all(t.exists() for _, t in targets):
        return Outcome(w.photo_id, w.base, kinds, "unchanged", None, metadata)
    try:
        render_derivatives(w.sources, targets, pixel_limit=limit)
    except UnsupportedFormat as e:
        return Outcome(w.photo_id, w.base, kinds, "not_supported", str(e), metadata)
    except ImageError as e:
        return Outcome(w.photo_id, w.base, kinds, "failed", str(e), metadata)
    return Outcome(w.photo_id, w.base, kinds, "generated", None, metadata)


def read_photo_metadata(w: Work) -> dict[str, Any] | None:
    for path in (w.sources.jpg, w.sources.raw, w.sources.other):
        if path is not None:
            try:
                return asdict(read_metadata(path))
            except ImageError as e:
                return {"error": str(e)}
    return None
