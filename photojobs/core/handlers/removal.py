"""`file_removal`: the heart of a commit. Moves what the photographer did not keep into
`.trash/`, journaled, then brings the photo rows and derivatives in line.

The work set is computed from the database and the disk when the job runs, so a retry or
a second run after a crash only does what is left."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from photojobs.core.db.models import Photo
from photojobs.core.formats import PhotoFiles, classify
from photojobs.core.handlers.project_files import project_dir, remove_derivatives
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import JobRecord, NewJob
from photojobs.core.photos import apply_files, list_folder, pending_clause
from photojobs.core.trash import move_to_trash, settle_pending


def files_to_trash(files: PhotoFiles, drop_jpg: bool, drop_raw: bool) -> list[str]:
    """Every case variant of the JPG; the RAW with its sidecars (they travel together)."""
    names = list(files.jpg) if drop_jpg else []
    if drop_raw:
        names += files.raw + files.sidecar
    return names


def file_removal(ctx: JobContext, job: JobRecord) -> None:
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    settle_pending(ctx.db, project_id, folder)
    listing = list_folder(folder)
    only = job.payload.get("photo_ids")
    with ctx.db.read() as s:
        query = select(Photo.id, Photo.base, Photo.keep_jpg, Photo.keep_raw).where(
            Photo.project_id == project_id, pending_clause()
        )
        if only:
            query = query.where(Photo.id.in_(only))
        work = s.execute(query.order_by(Photo.base)).all()
    total = len(work)
    changed: list[int] = []
    for done, (photo_id, base, keep_jpg, keep_raw) in enumerate(work, 1):
        ctx.check_cancelled()
        on_disk = listing.photos.get(base, PhotoFiles(base))
        names = files_to_trash(on_disk, not keep_jpg, not keep_raw)
        failures = []
        for name in names:
            try:
                move_to_trash(ctx.db, project_id, folder, name, base, photo_id, job.task_id)
            except FileNotFoundError:
                failures.append(f"{name}: vanished before the commit")
            except OSError as e:
                failures.append(f"{name}: could not be moved to the trash ({e.strerror or e})")
        left = _files_left(folder, on_disk)
        stays = _update_photo(ctx, photo_id, left, folder, base)
        changed.append(photo_id)
        status = "failed" if failures else "done"
        message = "; ".join(failures) or f"{len(names)} file(s) to trash"
        ctx.item(base, status, message, photo_id if stays else None)
        ctx.progress(done, total)
    remake = _awaiting_derivatives(ctx, project_id)
    if remake:
        ctx.enqueue_followup(
            NewJob(
                "generate_derivatives",
                {"bases": remake, "force": True},
                priority=60,
                source=job.source,
                scope="photos",
            )
        )
    ctx.emit(PhotosChanged(project_id, tuple(changed)))


def _files_left(folder: Path, before: PhotoFiles) -> PhotoFiles:
    left = PhotoFiles(before.base)
    for name in before.files:
        if (folder / name).exists():
            cls = classify(name)
            if cls is not None:
                left.add(name, cls)
    return left


def _update_photo(
    ctx: JobContext, photo_id: int, left: PhotoFiles, folder: Path, base: str
) -> bool:
    """False when nothing is left and the photo leaves the grid. When the JPG went but a
    RAW stays, the derivatives are removed and marked pending, to be made from the RAW."""
    with ctx.db.write() as s:
        row = s.get(Photo, photo_id)
        if row is None:
            return False
        had_jpg = row.jpg_available
        if not left.has_image:
            s.delete(row)
            remove_derivatives(folder, base)
            return False
        apply_files(row, left, time.time())
        if had_jpg and not row.jpg_available:
            remove_derivatives(folder, base)
            row.thumbnail_status = row.preview_status = "pending"
            row.source_fingerprint = None
        return True


def _awaiting_derivatives(ctx: JobContext, project_id: str) -> list[str]:
    """Photos whose derivatives a removal took away, read from the database so that a
    retry after a crash still asks for them."""
    with ctx.db.read() as s:
        return list(
            s.scalars(
                select(Photo.base).where(
                    Photo.project_id == project_id,
                    Photo.thumbnail_status == "pending",
                    ~Photo.jpg_available,
                    Photo.raw_available | Photo.other_available,
                )
            )
        )
