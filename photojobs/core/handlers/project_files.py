"""Shared by the handlers that move originals: the project of a job, its photos on disk,
and removing derivatives (which are ours to delete, unlike originals)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.runner import PermanentJobError
from photojobs.core.library import LibraryError
from photojobs.core.paths import (
    UnsafePathError,
    check_project_dirs,
    derivative_parts,
    inside,
)


def project_dir(ctx: JobContext, job: JobRecord) -> Path:
    """The job's project folder; a permanent failure when the project or folder is gone, or
    when the folder (or its .trash, .thumb, .preview) is a link that could lead elsewhere."""
    try:
        p = ctx.library.find_project(job.project_id or "", counted=False)
    except LibraryError:
        raise PermanentJobError("the project of this job no longer exists") from None
    try:
        path = ctx.library.checked_path(p)
        check_project_dirs(path)
    except (LibraryError, UnsafePathError) as e:
        raise PermanentJobError(str(e)) from e
    return path


def derivative_target(folder: Path, kind: str, base: str) -> Path:
    """Where a derivative is written or removed; UnsafePathError for a base name (from
    the database) that would lead out of the project."""
    return inside(folder, *derivative_parts(kind, base))


def remove_derivatives(folder: Path, base: str) -> None:
    for kind in ("thumbnail", "preview"):
        with contextlib.suppress(FileNotFoundError, UnsafePathError):
            derivative_target(folder, kind, base).unlink()
