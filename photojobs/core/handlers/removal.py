"""`file_removal`: the heart of a commit. Moves what the photographer did not keep into
`.trash/`, journaled, then brings the photo rows and derivatives in line.

It moves what the person confirmed (the task's `confirmed` workset) and is still not kept
when the job runs; decisions made after the confirmation wait for the next commit. Which
files are left to move is read from the database and the disk, so a retry or a second run
after a crash only does what is left."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import select

from photojobs.core.commits import Workset
from photojobs.core.db.models import Photo, TrashEntry
from photojobs.core.formats import FolderListing, PhotoFiles, classify
from photojobs.core.handlers.project_files import project_dir, remove_derivatives
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import JobRecord, NewJob
from photojobs.core.photos import apply_files, list_folder, pending_clause, snapshot_of
from photojobs.core.trash import CONFIRMED, move_to_trash, settle_pending


def files_to_trash(files: PhotoFiles, drop_jpg: bool, drop_raw: bool) -> list[str]:
    """Every case variant of the JPG; the RAW with its sidecars (they travel together), and
    the sidecars with the JPG when it is the photo's last image. Sidecars go first: a run
    cut short never leaves a photo with only its sidecar."""
    names = files.sidecar + files.raw if drop_raw else []
    if drop_jpg:
        if not drop_raw and not files.raw and not files.other:
            names += files.sidecar
        names += files.jpg
    return names


def file_removal(ctx: JobContext, job: JobRecord) -> None:
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    settle_pending(ctx.db, project_id, folder)
    listing = list_folder(folder)
    work = _workset(ctx, job)
    trashed = _trashed(ctx, job)
    total = len(work)
    changed: list[int] = []
    try:
        for done, (photo_id, base, drop_jpg, drop_raw, files_json, updated) in enumerate(work, 1):
            ctx.check_cancelled()
            keep_jpg, keep_raw = not drop_jpg, not drop_raw
            known_files = _as_files(base, json.loads(files_json))
            on_disk = _on_disk(listing, base, known_files)
            if lost := _kept_but_gone(known_files, on_disk, keep_jpg, keep_raw):
                # What the photographer kept is gone: trashing the rest could leave nothing.
                ctx.item(
                    base,
                    "failed",
                    f"{base}: the {lost} you kept is no longer in the project "
                    "folder; nothing was moved (check the folder, then commit again)",
                    photo_id,
                )
                ctx.progress(done, total)
                continue
            names = files_to_trash(on_disk, drop_jpg, drop_raw)
            known = files_to_trash(known_files, drop_jpg, drop_raw)
            snapshot = photo_snapshot(ctx, photo_id)
            failures = [
                f"{name}: vanished before the commit (no longer in the project folder)"
                for name in known
                if name not in names and not _moved(trashed.get((base, name), []), job, updated)
            ]
            for name in names:
                try:
                    move_to_trash(
                        ctx.db, project_id, folder, name, base, photo_id, job.task_id, snapshot
                    )
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
    finally:
        # Also when canceled: photos already handled get their thumbnails back.
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


Work = tuple[int, str, bool, bool, str, float]  # id, base, drop JPG, drop RAW, files, updated


def _workset(ctx: JobContext, job: JobRecord) -> list[Work]:
    """The confirmed deletions that are still pending: a photo the person chose to keep
    after confirming is left alone; one they discarded since is not taken in."""
    confirmed = job.payload.get("confirmed")
    workset = None if confirmed is None else Workset.of_payload(confirmed)
    with ctx.db.read() as s:
        rows = s.execute(
            select(
                Photo.id,
                Photo.base,
                Photo.jpg_available & ~Photo.keep_jpg,
                Photo.raw_available & ~Photo.keep_raw,
                Photo.files_json,
                Photo.updated_at,
            )
            .where(Photo.project_id == job.project_id, pending_clause())
            .order_by(Photo.base)
        ).all()
    work: list[Work] = []
    for photo_id, base, drop_jpg, drop_raw, files_json, updated in rows:
        if workset is not None:
            confirmed_jpg, confirmed_raw = workset.drops(photo_id)
            drop_jpg, drop_raw = drop_jpg and confirmed_jpg, drop_raw and confirmed_raw
        if drop_jpg or drop_raw:
            work.append((photo_id, base, bool(drop_jpg), bool(drop_raw), files_json, updated))
    return work


def photo_snapshot(ctx: JobContext, photo_id: int) -> str | None:
    """The photo as it was before the commit (id, decisions, capture facts), kept with its
    trash entries so that a restore brings back the same photo."""
    with ctx.db.read() as s:
        row = s.get(Photo, photo_id)
        return None if row is None else json.dumps(snapshot_of(row), ensure_ascii=False)


def _kept_but_gone(known: PhotoFiles, on_disk: PhotoFiles, keep_jpg: bool, keep_raw: bool) -> str:
    """'JPG' or 'RAW' when a format the photographer keeps has vanished from the folder."""
    if keep_jpg and known.jpg and not on_disk.jpg:
        return "JPG"
    if keep_raw and known.raw and not on_disk.raw:
        return "RAW"
    return ""


def _as_files(base: str, names: list[str]) -> PhotoFiles:
    files = PhotoFiles(base)
    for name in names:
        cls = classify(name)
        if cls is not None:
            files.add(name, cls)
    return files


def _on_disk(listing: FolderListing, base: str, known: PhotoFiles) -> PhotoFiles:
    """The photo's files in the folder. A sidecar whose images are already gone is listed
    as unknown (nothing ties it to a photo any more) but is still this photo's."""
    found = listing.photos.get(base, PhotoFiles(base))
    orphans = [n for n in known.sidecar if n in listing.unknown]
    return PhotoFiles(base, found.jpg, found.raw, found.other, found.sidecar + orphans)


def _trashed(ctx: JobContext, job: JobRecord) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """(base, name) -> (task, when) of each confirmed move. A file the database still lists
    that this commit, or any move since the photo's row last changed, put in the trash did
    not vanish: a run before a crash moved it."""
    query = select(
        TrashEntry.photo_base, TrashEntry.original_name, TrashEntry.task_id, TrashEntry.trashed_at
    ).where(TrashEntry.project_id == job.project_id, TrashEntry.status == CONFIRMED)
    found: dict[tuple[str, str], list[tuple[str, float]]] = {}
    with ctx.db.read() as s:
        for base, name, task_id, at in s.execute(query):
            found.setdefault((base, name), []).append((task_id or "", at))
    return found


def _moved(moves: list[tuple[str, float]], job: JobRecord, photo_updated: float) -> bool:
    return any(task == job.task_id or at >= photo_updated for task, at in moves)


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
