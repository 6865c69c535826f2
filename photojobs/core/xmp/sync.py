"""Keeping marks and sidecars in step. The database is the truth for what PhotoJobs
decided; a sidecar another program changed since we last saw it is read back in.

The rule when both changed (docs/xmp.md): the newer one wins. A mark's time is when it
was set here (`marked_at`); a sidecar's time is its mtime. A sidecar is "changed" when its
mtime differs from the one recorded when we last wrote or read it (`sidecar_mtime_ns`).
A photo has a write pending while `marked_at` is later than `sidecar_synced_at`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from photojobs.core.collector import collector_paused
from photojobs.core.db import Database
from photojobs.core.db.models import Photo
from photojobs.core.db.raw import plain_rows
from photojobs.core.formats import FolderListing, PhotoFiles
from photojobs.core.marks.marking import marks_of_row, write_marks
from photojobs.core.marks.model import Marks
from photojobs.core.marks.tags import tags_of
from photojobs.core.photos import list_folder
from photojobs.core.xmp.document import SidecarError, SidecarMarks, new_document
from photojobs.core.xmp.files import read_document, sidecar_name, sidecar_to_read, write_document

CHUNK = 200  # photos per write transaction
READ = "read"  # the reason of a sidecar taken in: the grid hears of that photo


@dataclass(frozen=True)
class SidecarOutcome:
    """One photo's result, reported as a job item: the file (or photo) it is about, and
    what happened to it."""

    base: str
    photo_id: int
    status: str  # done | failed | skipped
    name: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.name}: {self.reason}"


def write_pending() -> ColumnElement[bool]:
    """SQL for 'this photo's marks changed after its sidecar was last in step'."""
    return Photo.marked_at.is_not(None) & (
        Photo.sidecar_synced_at.is_(None) | (Photo.marked_at > Photo.sidecar_synced_at)
    )


def pending_writes(session: Session, project_id: str) -> list[int]:
    query = select(Photo.id).where(Photo.project_id == project_id, write_pending())
    return list(session.scalars(query.order_by(Photo.base)))


def _changed_since_seen(row: Photo, st: os.stat_result) -> bool:
    return row.sidecar_mtime_ns != st.st_mtime_ns


def _sidecar_is_newer(row: Photo, st: os.stat_result) -> bool:
    """The conflict rule: a sidecar changed elsewhere wins unless our marks are newer."""
    local = row.marked_at is not None and (
        row.sidecar_synced_at is None or row.marked_at > row.sidecar_synced_at
    )
    return not local or st.st_mtime > (row.marked_at or 0.0)


# -- reading ----------------------------------------------------------------------------------


def read_sidecars(
    db: Database,
    project_id: str,
    folder: Path,
    bases: set[str] | None = None,
    listing: FolderListing | None = None,
) -> list[SidecarOutcome]:
    """Take in what editors wrote to sidecars changed since we last saw them (import, scan,
    folder_check). Files are parsed before the write lock is taken; a bad sidecar is a
    failed outcome and is left untouched. `listing`: the folder as the caller just read it."""
    if listing is None:
        listing = list_folder(folder)
    # Only photos with a sidecar on disk: most of a 100k project has none, and a folder
    # with none needs no read of the project's rows at all.
    with_sidecar = {
        base: files
        for base, files in listing.photos.items()
        if files.sidecar and (bases is None or base in bases)
    }
    if not with_sidecar:
        return []
    with db.read() as s, collector_paused():
        query = select(Photo.id, Photo.base, Photo.sidecar_mtime_ns).where(
            Photo.project_id == project_id
        )
        rows = []
        for photo_id, base, seen_ns in plain_rows(s, query):
            files = with_sidecar.get(base)
            if files is not None:
                rows.append((photo_id, base, seen_ns, files))
    found: list[tuple[int, str, str, os.stat_result, SidecarMarks]] = []
    outcomes = []
    for photo_id, base, seen_ns, files in rows:
        sidecar = sidecar_to_read(folder, files)
        if sidecar is None or sidecar[1].st_mtime_ns == seen_ns:
            continue
        name, st = sidecar
        try:
            found.append((photo_id, base, name, st, read_document(folder / name).marks()))
        except SidecarError as e:
            outcomes.append(SidecarOutcome(base, photo_id, "failed", e.name or name, e.reason))
    for start in range(0, len(found), CHUNK):
        with db.write() as s:
            outcomes += [_take_in(s, *f) for f in found[start : start + CHUNK]]
    return outcomes


def _take_in(
    s: Session, photo_id: int, base: str, name: str, st: os.stat_result, marks: SidecarMarks
) -> SidecarOutcome:
    row = s.get(Photo, photo_id)
    if row is None:
        return SidecarOutcome(base, photo_id, "skipped", base, "no longer in the project")
    if not _sidecar_is_newer(row, st):
        return SidecarOutcome(base, photo_id, "skipped", name, "our marks are newer; kept")
    old = marks_of_row(row, tags_of(s, [row.id]).get(row.id, frozenset()))
    new = marks.applied_to(old)
    if new != old:
        write_marks(s, row, old, new, time.time())
    row.sidecar_synced_at = row.marked_at  # database and sidecar agree now
    row.sidecar_mtime_ns = st.st_mtime_ns
    return SidecarOutcome(base, photo_id, "done", name, READ)


# -- writing ----------------------------------------------------------------------------------


def write_sidecars(
    db: Database, project_id: str, folder: Path, naming: str, photo_ids: list[int]
) -> list[SidecarOutcome]:
    """Write the marks of these photos to their sidecars, one atomic write each."""
    listing = list_folder(folder)
    outcomes = []
    for photo_id in photo_ids:
        with db.read() as s:
            row = s.get(Photo, photo_id)
            if row is None:
                continue
            base, marked_at = row.base, row.marked_at
            marks = marks_of_row(row, tags_of(s, [photo_id]).get(photo_id, frozenset()))
            files = listing.photos.get(base, PhotoFiles(base))
            name = sidecar_name(files, naming)
            path = folder / name
            st = os.stat(path, follow_symlinks=False) if path.exists() else None
            newer = st is not None and _changed_since_seen(row, st) and _sidecar_is_newer(row, st)
        if not files.has_image:
            outcomes.append(SidecarOutcome(base, photo_id, "skipped", base, "no image left"))
            continue
        if newer:  # an editor changed it after our marks: read it instead of overwriting
            outcomes += read_sidecars(db, project_id, folder, {base})
            continue
        try:
            written = _write_one(path, marks, exists=st is not None)
        except SidecarError as e:
            outcomes.append(SidecarOutcome(base, photo_id, "failed", e.name or name, e.reason))
            continue
        except OSError as e:
            reason = str(e.strerror or e)
            outcomes.append(SidecarOutcome(base, photo_id, "failed", name, reason))
            continue
        with db.write() as s:
            _record_write(s, photo_id, name, marked_at, written)
        outcomes.append(SidecarOutcome(base, photo_id, "done", name, "written"))
    return outcomes


def _write_one(path: Path, marks: Marks, exists: bool) -> os.stat_result:
    doc = read_document(path) if exists else new_document()
    doc.put(marks)
    return write_document(path, doc)


def _record_write(
    s: Session, photo_id: int, name: str, marked_at: float | None, st: os.stat_result
) -> None:
    """The sidecar holds the marks as of `marked_at`; a mark set meanwhile stays pending."""
    row = s.get(Photo, photo_id)
    if row is None:
        return
    row.sidecar_synced_at, row.sidecar_mtime_ns = marked_at, st.st_mtime_ns
    files = json.loads(row.files_json)
    if name not in files:  # a new sidecar is one of the photo's files from now on
        row.files_json = json.dumps(sorted([*files, name]), ensure_ascii=False)
