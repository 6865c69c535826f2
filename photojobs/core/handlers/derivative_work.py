"""One photo's image work, run on the imaging threads: which files, metadata, rendering."""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photojobs.core.crash_points import crash_point
from photojobs.core.formats import FileClass, classify
from photojobs.core.handlers.project_files import derivative_target
from photojobs.core.imaging import (
    DerivativeSpec,
    ImageError,
    PhotoSources,
    UnsupportedFormat,
    read_metadata,
    render_derivatives,
    source_fingerprint,
)
from photojobs.core.paths import UnsafePathError, inside
from photojobs.core.storage_errors import DiskFullError, is_disk_full

FAILED_STATUSES = ("failed", "missing", "not_supported")


@dataclass(frozen=True)
class Work:
    photo_id: int
    base: str
    sources: PhotoSources
    fingerprint: str | None
    # Every derivative was written from this very source (its fingerprint is stored only
    # once they all were), so files that exist need not be made again.
    unchanged: bool = False


@dataclass(frozen=True)
class Outcome:
    """What happened to the kinds asked for one photo (one status for all of them)."""

    photo_id: int
    base: str
    kinds: tuple[str, ...]
    status: str  # generated | failed | missing | unchanged
    reason: str | None = None  # why it failed
    name: str | None = None  # the file the reason is about; None: the photo itself
    metadata: dict[str, Any] | None = field(default=None, compare=False)
    fingerprint: str | None = None  # of the source the files were made from

    @property
    def error(self) -> str | None:
        """The photo's `*_error` column: "TRUNC.JPG: image is truncated or corrupt"."""
        return f"{self.name}: {self.reason}" if self.name and self.reason else self.reason


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


def fingerprint_of(sources: PhotoSources) -> str | None:
    """The fingerprint of the file the derivatives are made from (the JPG, else the RAW,
    else another format: `decode_best`'s order). None for a file that is gone or cannot be
    read: rendering then fails that photo alone, with the reason, instead of the whole job."""
    main = sources.jpg or sources.raw or sources.other
    if main is None:
        return None
    try:
        return source_fingerprint(main)
    except ImageError:
        return None


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

    def outcome(status: str, reason: str | None = None, name: str | None = None) -> Outcome:
        return Outcome(w.photo_id, w.base, kinds, status, reason, name, metadata, w.fingerprint)

    try:
        targets = [(s, derivative_target(project_dir, s.kind, w.base)) for s in specs]
    except UnsafePathError as e:
        return outcome("failed", str(e))
    if not (w.sources.jpg or w.sources.raw or w.sources.other):
        return outcome("missing", "no image file left")
    if not force and w.unchanged and all(t.exists() for _, t in targets):
        return outcome("unchanged")
    crash_point("derivatives.before_write")
    try:
        render_derivatives(w.sources, targets, pixel_limit=limit)
    except UnsupportedFormat as e:
        return outcome("not_supported", e.reason, e.path.name)
    except ImageError as e:
        return outcome("failed", e.reason, e.path.name)
    except OSError as e:  # writing failed; a full disk stops the job, not just this photo
        if is_disk_full(e):
            raise DiskFullError(f"{w.base}: thumbnail and preview not written") from e
        return outcome("failed", f"its thumbnail could not be written ({e.strerror or e})", w.base)
    crash_point("derivatives.after_write")
    return outcome("generated")


def read_photo_metadata(w: Work) -> dict[str, Any] | None:
    for path in (w.sources.jpg, w.sources.raw, w.sources.other):
        if path is not None:
            try:
                return asdict(read_metadata(path))
            except ImageError as e:
                return {"error": str(e)}
    return None
