"""Deleted projects: their folders wait in `<library>/.trash/`, outside `.photojobs/`, so
losing the app's data loses history, never photos. They are listed, restored, and
emptied only on an explicit request or after `maintenance.trash_retention_days`, counted
from `projects.deleted_at` (recorded when the project was deleted), never from mtimes.

A deleted project keeps its row with `folder = ".trash/<name>"`. Folders found in the
library trash without a row (moved from `.photojobs/trash/` by an older PhotoJobs, or
kept while `.photojobs/` was lost) are recorded when the library opens.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from photojobs.core.crash_points import crash_point
from photojobs.core.db.models import Photo, Project
from photojobs.core.library import STAMP, Library, LibraryError, ProjectInfo
from photojobs.core.manifest import (
    Manifest,
    ManifestError,
    manifest_path,
    read_manifest,
    write_manifest,
)
from photojobs.core.paths import (
    TRASH_DIR,
    UnsafePathError,
    inside,
    safe_folder_name,
    unique_folder_name,
)
from photojobs.core.photos import scan_project

log = logging.getLogger(__name__)

LEGACY_TRASH = "trash"  # `.photojobs/trash/`, where PhotoJobs 0.1 put deleted projects
PREFIX = f"{TRASH_DIR}/"  # `projects.folder` of a deleted project
DOOMED = ".deleting-"  # a folder being emptied; a crash leaves it for the next run
DAY = 86_400.0
# `<folder> YYYYmmdd-HHMMSS`, perhaps numbered ` (2)`: the name a deleted folder is given.
STAMPED = re.compile(r"^(?P<folder>.+) (?P<stamp>\d{8}-\d{6})(?: \(\d+\))?$")


@dataclass(frozen=True)
class DeletedProject:
    id: str
    name: str
    folder: str  # its name in `<library>/.trash/`
    path: Path
    deleted_at: float
    photo_count: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "folder": self.folder,
            "path": str(self.path),
            "deleted_at": self.deleted_at,
            "photo_count": self.photo_count,
        }


def deleted_projects(lib: Library) -> list[DeletedProject]:
    """What the library trash holds, most recently deleted first."""
    with lib.db.read() as s:
        rows = s.scalars(
            select(Project)
            .where(Project.deleted_at.is_not(None))
            .order_by(Project.deleted_at.desc(), Project.name)
        ).all()
        counts = dict(
            s.execute(select(Photo.project_id, func.count()).group_by(Photo.project_id)).all()
        )
        return [_deleted(lib, r, counts.get(r.id, 0)) for r in rows]


def find_deleted(lib: Library, ref: str) -> DeletedProject:
    """A deleted project by id, folder name in the trash, or display name."""
    found = [p for p in deleted_projects(lib) if ref in (p.id, p.folder)]
    if not found:
        found = [p for p in deleted_projects(lib) if p.name.casefold() == ref.casefold()]
    if len(found) > 1:
        folders = ", ".join(f"'{p.folder}'" for p in found)
        raise LibraryError(f"several deleted projects are named '{ref}': use one of {folders}")
    if not found:
        raise LibraryError(f"no deleted project '{ref}' in {lib.root / TRASH_DIR}")
    return found[0]


def restore_project(lib: Library, ref: str, scan: bool = True) -> ProjectInfo:
    """Move a deleted project's folder back into the library, under its own name or a
    free one; its photos and decisions come back with it. `scan` reads the folder at once
    (else maintenance will)."""
    deleted = find_deleted(lib, ref)
    trash = lib.trash_dir()
    with lib.db.write() as s:
        row = s.get(Project, deleted.id)
        if row is None or row.deleted_at is None:
            raise LibraryError(f"'{deleted.name}' is no longer in the library trash")
        source = _checked(trash, deleted.folder)
        if not os.path.lexists(source):
            raise LibraryError(f"{source}: no longer in the library trash")
        taken = set(s.scalars(select(Project.folder)))
        folder = unique_folder_name(lib.root, safe_folder_name(row.name), taken)
        os.rename(source, lib.root / folder)  # same filesystem: one atomic step
        row.folder, row.deleted_at, row.manifest_error = folder, None, None
        created = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(row.created_at))
        expected = Manifest(row.name, row.id, created)
    path = lib.checked_path(lib.find_project(deleted.id))
    _settle_manifest(path, expected)
    if scan:
        with lib.db.write() as s:  # files added or removed by hand while it was away
            scan_project(s, deleted.id, path)
    return lib.find_project(deleted.id)


def expired(lib: Library, now: float | None = None) -> list[str]:
    """Deleted projects older than the retention, by when they were deleted."""
    days = float(lib.config.get("maintenance.trash_retention_days"))
    cutoff = (time.time() if now is None else now) - days * DAY
    with lib.db.read() as s:
        return list(
            s.scalars(
                select(Project.id).where(
                    Project.deleted_at.is_not(None), Project.deleted_at < cutoff
                )
            )
        )


def purge(lib: Library, project_ids: list[str]) -> list[tuple[str, str | None]]:
    """Delete deleted projects for ever: the only deletion of a whole folder of originals.
    Each is first renamed to `.deleting-<id>` with its row removed in one transaction, so a
    crash never leaves a half-deleted project listed. Returns (name, error or None)."""
    trash = lib.trash_dir()
    results: list[tuple[str, str | None]] = []
    for project_id in project_ids:
        with lib.db.write() as s:
            row = s.get(Project, project_id)
            if row is None or row.deleted_at is None:
                continue
            try:
                source = inside(trash, row.folder.removeprefix(PREFIX))
            except UnsafePathError as e:
                results.append((row.name, f"not deleted: {e}"))
                continue
            if os.path.lexists(source):
                os.rename(source, inside(trash, f"{DOOMED}{row.id}"))
            s.delete(row)
            results.append((row.name, None))
    crash_point("purge:renamed")  # the next maintenance finishes the deletion
    finish_purges(lib)
    return results


def finish_purges(lib: Library) -> None:
    """Remove the `.deleting-*` folders of the library trash (a purge cut short)."""
    trash = lib.root / TRASH_DIR
    if not trash.is_dir() or trash.is_symlink():
        return
    for entry in os.scandir(trash):
        if entry.name.startswith(DOOMED):
            path = inside(trash, entry.name)
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)  # never follows a link inside (unlinks the link)
            else:
                path.unlink()


def pending_work(lib: Library) -> bool:
    """Whether library maintenance has anything to look at: deleted projects, or a purge
    cut short."""
    with lib.db.read() as s:
        found = s.scalar(select(Project.id).where(Project.deleted_at.is_not(None)).limit(1))
    trash = lib.root / TRASH_DIR
    if found is not None or not trash.is_dir() or trash.is_symlink():
        return found is not None
    try:
        return any(e.name.startswith(DOOMED) for e in os.scandir(trash))
    except OSError:
        return False


# -- when the library opens -------------------------------------------------------------------


def settle(lib: Library, now: float | None = None) -> None:
    """Move deleted projects from `.photojobs/trash/` to `<library>/.trash/`, record folders
    of the library trash that have no row, and forget rows whose folder is gone."""
    try:
        trash = lib.root / TRASH_DIR
        legacy = lib.data_dir / LEGACY_TRASH
        if not (legacy.is_dir() or trash.is_dir()):
            return
        now = time.time() if now is None else now
        with lib.db.write() as s:
            moved = _migrate(lib, legacy) if legacy.is_dir() and not legacy.is_symlink() else []
            if trash.is_dir():
                _record(lib, s, now)
        for name in moved:
            log.info("deleted project %s moved from %s to %s", name, legacy, trash)
    except (LibraryError, UnsafePathError, OSError) as e:  # never a reason not to open
        log.warning("the library trash could not be settled: %s", e)


def _migrate(lib: Library, legacy: Path) -> list[str]:
    """os.rename within the library (one filesystem, atomic) under a name free in the new
    trash: never a copy, never an overwrite. Left in place when that is not possible."""
    trash, moved = lib.trash_dir(create=True), []
    for entry in sorted(os.scandir(legacy), key=lambda e: e.name):
        if not entry.is_dir(follow_symlinks=False) or entry.name.startswith("."):
            continue
        target = trash / unique_folder_name(trash, entry.name)
        try:
            os.rename(entry.path, target)
        except OSError as e:
            log.warning("%s stays in %s: %s", entry.name, legacy, e.strerror or e)
            continue
        moved.append(target.name)
    with contextlib.suppress(OSError):
        legacy.rmdir()  # only when empty
    return moved


def _record(lib: Library, s: Session, now: float) -> None:
    trash = lib.root / TRASH_DIR
    rows = list(s.scalars(select(Project)))
    by_id = {r.id: r for r in rows}

    def present(row: Project) -> bool:
        return os.path.lexists(trash / row.folder.removeprefix(PREFIX))

    recorded = {r.folder.removeprefix(PREFIX) for r in rows if r.deleted_at and present(r)}
    for entry in sorted(os.scandir(trash), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name in recorded:
            continue
        if entry.is_dir(follow_symlinks=False):
            _record_one(lib, s, Path(entry.path), by_id, now)
    for row in rows:
        if row.deleted_at is not None and not present(row):
            log.info("deleted project %s is no longer in %s", row.name, trash)
            s.delete(row)  # emptied by hand, or a purge cut short: nothing to restore


def _record_one(
    lib: Library, s: Session, path: Path, by_id: dict[str, Project], now: float
) -> None:
    """A folder in the library trash without a row becomes a deleted project, or is the
    folder of a known one (renamed in the trash, or a delete cut short by a crash)."""
    try:
        manifest: Manifest | None = read_manifest(path)
        error = None
    except ManifestError as e:
        manifest, error = None, str(e)
    deleted_at = min(_stamp_of(path.name) or now, now)
    known = by_id.get(manifest.id) if manifest else None
    if known is not None and not os.path.lexists(lib.root / known.folder):
        known.folder = PREFIX + path.name
        known.deleted_at = known.deleted_at or deleted_at
        return
    row = Project(
        id=manifest.id if manifest and known is None else str(uuid.uuid4()),
        name=manifest.name if manifest else _without_stamp(path.name),
        folder=PREFIX + path.name,
        created_at=now,
        manifest_error=error,
        deleted_at=deleted_at,
    )
    s.add(row)
    by_id[row.id] = row


def _stamp_of(name: str) -> float | None:
    """When a project was deleted, from the `<folder> YYYYmmdd-HHMMSS` name PhotoJobs gave
    its folder (local time); None for a folder named otherwise."""
    m = STAMPED.match(name)
    try:
        return datetime.strptime(m["stamp"], STAMP).timestamp() if m else None
    except ValueError:
        return None


def _without_stamp(name: str) -> str:
    m = STAMPED.match(name)
    return m["folder"] if m and _stamp_of(name) is not None else name


def _settle_manifest(path: Path, expected: Manifest) -> None:
    """A restored folder says which project it is (a recorded folder may carry another id)."""
    try:
        found = read_manifest(path)
    except ManifestError:
        if os.path.lexists(manifest_path(path)):
            return  # unreadable: maintenance keeps a copy of it before writing a new one
    else:
        if (found.id, found.name) == (expected.id, expected.name):
            return
        expected = Manifest(expected.name, expected.id, found.created_at or expected.created_at)
    write_manifest(path, expected)


def _checked(trash: Path, name: str) -> Path:
    try:
        return inside(trash, name)
    except UnsafePathError as e:
        raise LibraryError(str(e)) from e


def _deleted(lib: Library, row: Project, photos: int) -> DeletedProject:
    name = row.folder.removeprefix(PREFIX)
    return DeletedProject(
        row.id, row.name, name, lib.root / TRASH_DIR / name, row.deleted_at or 0.0, photos
    )
