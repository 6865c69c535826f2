"""The reconciliation jobs that keep the database in line with the disk, and the only code
that deletes originals: `trash_maintenance`, for trash older than the retention."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from sqlalchemy import select

from photojobs.core import library_trash
from photojobs.core.collector import collector_paused, whole_job_collector_paused
from photojobs.core.db.models import Job, Photo, Project, TrashEntry
from photojobs.core.db.raw import first_column, plain_rows
from photojobs.core.formats import FolderListing, PhotoFiles
from photojobs.core.handlers import shared_listing
from photojobs.core.handlers.capture_facts import apply_facts, facts_of_photo
from photojobs.core.handlers.project_files import project_dir, remove_derivatives
from photojobs.core.handlers.sidecars import report
from photojobs.core.importing import LEFTOVER_REMOVED, remove_leftovers
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import ACTIVE_STATUSES, JobRecord, NewJob
from photojobs.core.manifest import (
    Manifest,
    ManifestError,
    clip_project_name,
    project_name_problem,
    read_manifest,
    write_manifest,
)
from photojobs.core.paths import TRASH_DIR, UnsafePathError, inside, project_subdir
from photojobs.core.photos import (
    FILES_STATE_COLUMNS,
    apply_files,
    files_state,
    list_folder,
    new_photo,
)
from photojobs.core.trash import CONFIRMED, DELETED, settle_pending
from photojobs.core.xmp.queue import request_sidecar_sync
from photojobs.core.xmp.sync import pending_writes, read_sidecars

CHUNK = 200  # photos per write transaction, so a large project never holds the lock long
# Jobs that make derivatives, or whose task will: while one is active, pending is expected.
MAKES_DERIVATIVES = ("import_files", "upload_postprocess", "generate_derivatives", "file_removal")


@whole_job_collector_paused
def manifest_check(ctx: JobContext, job: JobRecord) -> None:
    """Finish half-done trash moves, repair `.project.yaml`, update known photos from disk."""
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    settled = settle_pending(ctx.db, project_id, folder)
    if settled:
        ctx.item("trash", "done", f"{settled} interrupted trash move(s) settled")
    _repair_manifest(ctx, project_id, folder)
    before = shared_listing.folder_state(folder)
    hidden: list[os.DirEntry[str]] = []
    listing = list_folder(folder, hidden)
    shared_listing.keep_for_next_step(job, folder, before, listing, hidden)
    stale, total = _out_of_step(ctx, project_id, listing)
    in_step = total - len(stale)
    ctx.progress(in_step, total)
    changed: list[int] = []
    for start in range(0, len(stale), CHUNK):
        ctx.check_cancelled()
        now = time.time()
        with ctx.db.write() as s:  # read again under the lock: a commit may have run since
            for row in s.scalars(select(Photo).where(Photo.id.in_(stale[start : start + CHUNK]))):
                files = listing.photos.get(row.base, PhotoFiles(row.base))
                if apply_files(row, files, now):
                    changed.append(row.id)
        ctx.progress(in_step + min(start + CHUNK, len(stale)), total)
    if changed:
        ctx.emit(PhotosChanged(project_id, tuple(changed)))


def _out_of_step(ctx: JobContext, project_id: str, listing: FolderListing) -> tuple[list[int], int]:
    """The photos whose files on disk differ from their row, and how many photos there
    are, from one read of plain columns: a clean pass takes no write lock, builds no ORM
    object."""
    query = select(*FILES_STATE_COLUMNS).where(Photo.project_id == project_id)
    stale, total = [], 0
    with ctx.db.read() as s, collector_paused():
        for photo_id, base, jpg, raw, other, files_json in plain_rows(s, query):
            total += 1
            on_disk = files_state(listing.photos.get(base) or PhotoFiles(base))
            if on_disk != (bool(jpg), bool(raw), bool(other), files_json):
                stale.append(photo_id)
    return stale, total


def _repair_manifest(ctx: JobContext, project_id: str, folder: Path) -> None:
    with ctx.db.read() as s:
        project = s.get_one(Project, project_id)
        name, created = project.name, project.created_at
    if project_name_problem(name) is not None:  # stored by an older version: repair it once
        name = clip_project_name(name)
        with ctx.db.write() as s:
            s.get_one(Project, project_id).name = name
        ctx.item("name", "done", f"project name shortened to {len(name)} characters")
    expected = Manifest(
        name, project_id, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(created))
    )
    try:
        found = read_manifest(folder)
        if (found.id, found.name) == (project_id, name):
            return
        expected = Manifest(name, project_id, found.created_at or expected.created_at)
        reason = "did not match the library"
    except ManifestError as e:
        reason = str(e)
        _keep_broken(folder / ".project.yaml")
    write_manifest(folder, expected)
    with ctx.db.write() as s:
        s.get_one(Project, project_id).manifest_error = None
    ctx.item(".project.yaml", "done", f"rewritten ({reason})")


def _keep_broken(bad: Path) -> None:
    """Keep every different broken version for a person to see, each once: a version
    already kept is not copied again, so repeated repairs never pile up files."""
    if not bad.is_file() or bad.is_symlink():
        return
    size = bad.stat().st_size
    kept, n = bad.with_name(bad.name + ".bad"), 1
    while kept.exists():
        same = kept.is_file() and not kept.is_symlink() and kept.stat().st_size == size
        if same and kept.read_bytes() == bad.read_bytes():
            bad.unlink()
            return
        n += 1
        kept = bad.with_name(f"{bad.name}.bad{n}")
    os.replace(bad, kept)


@whole_job_collector_paused
def folder_check(ctx: JobContext, job: JobRecord) -> None:
    """Add photos found on disk that the database lacks; derivatives for those, and for
    photos whose derivatives a crash or a cancel left pending."""
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    kept = shared_listing.take(job, folder)  # manifest_check's, if the folder is as it was
    if kept is None:
        hidden: list[os.DirEntry[str]] = []
        listing = list_folder(folder, hidden)
    else:
        listing, hidden = kept
    for name in remove_leftovers(folder, hidden):  # no import runs: this job has the project
        ctx.item(f".{name}.importing", "done", LEFTOVER_REMOVED, name=name)
    with ctx.db.read() as s, collector_paused():
        known = set(first_column(s, select(Photo.base).where(Photo.project_id == project_id)))
    new = [f for base, f in sorted(listing.photos.items()) if base not in known]
    now, added = time.time(), []
    for start in range(0, len(new), CHUNK):
        ctx.check_cancelled()
        chunk = new[start : start + CHUNK]
        facts = [facts_of_photo(folder, f) for f in chunk]  # read before taking the lock
        with ctx.db.write() as s:
            rows = [new_photo(project_id, f, now) for f in chunk]
            for row, m in zip(rows, facts, strict=True):
                if m is not None:
                    apply_facts(row, m)  # it appears with its date taken
            s.add_all(rows)
            s.flush()
            added += [(r.id, r.base) for r in rows]
        ctx.progress(min(start + CHUNK, len(new)), len(new))
    for name in listing.unknown:
        ctx.item(name, "skipped", "not a photo file; left where it is", name=name)
    _sync_sidecars(ctx, project_id, folder, listing)
    unsettled = _unsettled(ctx, project_id, {b for _, b in added})
    if added or unsettled:
        ctx.enqueue_followup(
            NewJob(
                "generate_derivatives",
                {"bases": [b for _, b in added] + unsettled},
                priority=40,
                source="maintenance",
                scope="photos",
            )
        )
    if added:
        ctx.emit(PhotosChanged(project_id, tuple(i for i, _ in added)))


def _sync_sidecars(ctx: JobContext, project_id: str, folder: Path, listing: FolderListing) -> None:
    """Marks an editor wrote to sidecars come in; marks whose write a crash lost go out."""
    report(ctx, read_sidecars(ctx.db, project_id, folder, listing=listing))
    with ctx.db.write() as s:
        if pending_writes(s, project_id):
            request_sidecar_sync(s, project_id)


def _unsettled(ctx: JobContext, project_id: str, added: set[str]) -> list[str]:
    """Photos still pending while no job is on its way to make their derivatives (a crash
    or a cancel of an older version left them so): the derivatives run makes them again."""
    with ctx.db.read() as s:
        busy = s.scalar(
            select(Job.id)
            .where(
                Job.project_id == project_id,
                Job.type.in_(MAKES_DERIVATIVES),
                Job.status.in_(ACTIVE_STATUSES),
            )
            .limit(1)
        )
        if busy is not None:
            return []
        pending = s.scalars(
            select(Photo.base)
            .where(
                Photo.project_id == project_id,
                (Photo.thumbnail_status == "pending") | (Photo.preview_status == "pending"),
            )
            .order_by(Photo.base)
        )
        return [b for b in pending if b not in added]


@whole_job_collector_paused
def manifest_cleaning(ctx: JobContext, job: JobRecord) -> None:
    """Remove rows (and derivatives) of photos with no file left in any class."""
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    with ctx.db.write() as s:
        empty = list(
            s.scalars(select(Photo).where(Photo.project_id == project_id, Photo.files_json == "[]"))
        )
        gone = [(r.id, r.base) for r in empty if not json.loads(r.files_json)]
        for row in empty:
            s.delete(row)
    for _, base in gone:
        remove_derivatives(folder, base)
        ctx.item(base, "done", "no file left: removed from the project")
    if gone:
        ctx.emit(PhotosChanged(project_id, tuple(i for i, _ in gone), removed=True))


@whole_job_collector_paused
def trash_maintenance(ctx: JobContext, job: JobRecord) -> None:
    """Delete trash older than the retention, measured from when it was trashed."""
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    days = float(ctx.config.get("maintenance.trash_retention_days"))
    cutoff = ctx.clock() - days * 86_400
    with ctx.db.read() as s:
        old = s.execute(
            select(TrashEntry.id, TrashEntry.trash_name).where(
                TrashEntry.project_id == project_id,
                TrashEntry.status == CONFIRMED,
                TrashEntry.trashed_at < cutoff,
            )
        ).all()
        known = set(
            s.scalars(select(TrashEntry.trash_name).where(TrashEntry.project_id == project_id))
        )
    trash = project_subdir(folder, TRASH_DIR)
    for done, (entry_id, trash_name) in enumerate(old, 1):
        ctx.check_cancelled()
        ctx.progress(done, len(old))
        try:
            path = inside(trash, trash_name)
        except UnsafePathError as e:
            ctx.item(trash_name, "failed", f"not deleted: the trash journal leads outside ({e})")
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        with ctx.db.write() as s:
            s.get_one(TrashEntry, entry_id).status = DELETED
        ctx.item(trash_name, "done", "deleted after the retention period")
    if trash.is_dir():
        for entry in sorted(os.scandir(trash), key=lambda e: e.name):
            if entry.name not in known:
                ctx.item(entry.name, "skipped", "in the trash without a record; kept")


def library_trash_maintenance(ctx: JobContext, job: JobRecord) -> None:
    """Empty deleted projects from `<library>/.trash/`: those the person chose (payload
    `project_ids`), or else those deleted longer ago than the retention."""
    chosen = job.payload.get("project_ids")
    ids = list(chosen) if chosen else library_trash.expired(ctx.library, ctx.clock())
    done_message = "deleted permanently" if chosen else "deleted after the retention period"
    for name, error in library_trash.purge(ctx.library, ids):
        ctx.item(name, "failed" if error else "done", error or done_message)
