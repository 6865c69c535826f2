"""`restore_files`: the Undo of a commit. Puts trashed files back under their original
names when those are free (a clear conflict otherwise, never an overwrite)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from photojobs.core.db.models import Photo, TrashEntry
from photojobs.core.formats import FileClass, classify
from photojobs.core.handlers.capture_facts import apply_facts, facts_of_photo
from photojobs.core.handlers.project_files import project_dir
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import JobRecord, NewJob
from photojobs.core.paths import TRASH_DIR, project_subdir
from photojobs.core.photos import apply_files, list_folder, photo_from_snapshot
from photojobs.core.trash import CONFIRMED, RESTORED, settle_pending


def restore_files(ctx: JobContext, job: JobRecord) -> None:
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    settle_pending(ctx.db, project_id, folder)
    entries = _entries(ctx, job)
    restored: dict[str, set[FileClass]] = {}
    for done, (entry_id, original, trash_name, base) in enumerate(entries, 1):
        ctx.check_cancelled()
        message = _restore_one(ctx, folder, entry_id, original, trash_name)
        if message is None:
            cls = classify(original)
            restored.setdefault(base, set()).add(cls or FileClass.SIDECAR)
        ctx.item(original, "failed" if message else "done", message)
        ctx.progress(done, len(entries))
    ids = _refresh_photos(ctx, project_id, folder, restored)
    if restored:
        ctx.enqueue_followup(
            NewJob(
                "generate_derivatives",
                {"bases": sorted(restored), "force": True},
                priority=60,
                source=job.source,
                scope="photos",
            )
        )
    ctx.emit(PhotosChanged(project_id, tuple(ids)))


def _entries(ctx: JobContext, job: JobRecord) -> list[tuple[int, str, str, str]]:
    p = job.payload
    query = select(
        TrashEntry.id, TrashEntry.original_name, TrashEntry.trash_name, TrashEntry.photo_base
    ).where(TrashEntry.project_id == job.project_id, TrashEntry.status == CONFIRMED)
    if p.get("commit_task_id"):
        query = query.where(TrashEntry.task_id == p["commit_task_id"])
    elif p.get("entry_ids"):
        query = query.where(TrashEntry.id.in_(p["entry_ids"]))
    elif p.get("names"):
        # A name trashed by several commits: the latest one, as an Undo would bring back.
        latest = (
            select(func.max(TrashEntry.id))
            .where(
                TrashEntry.project_id == job.project_id,
                TrashEntry.status == CONFIRMED,
                TrashEntry.original_name.in_(p["names"]),
            )
            .group_by(TrashEntry.original_name)
        )
        query = query.where(TrashEntry.id.in_(latest))
    elif not p.get("all"):
        return []
    with ctx.db.read() as s:
        return [tuple(r) for r in s.execute(query.order_by(TrashEntry.id))]  # type: ignore[misc]


def _restore_one(
    ctx: JobContext, folder: Path, entry_id: int, original: str, trash_name: str
) -> str | None:
    source, target = project_subdir(folder, TRASH_DIR) / trash_name, folder / original
    if not source.exists():
        return f"{original}: no longer in the trash"
    if target.exists() and os.path.samefile(source, target):
        os.unlink(source)  # a restore cut short between link and unlink: finish it
        _mark_restored(ctx, entry_id)
        return None
    if target.exists() or any(p.name.casefold() == original.casefold() for p in folder.iterdir()):
        return f"{original}: a file with this name is already in the project (not overwritten)"
    try:
        os.link(source, target)  # refuses to overwrite, even if one appeared just now
        os.unlink(source)
    except FileExistsError:
        return f"{original}: a file with this name is already in the project (not overwritten)"
    except OSError:
        try:
            os.rename(source, target)
        except OSError as e:
            return f"{original}: could not be restored ({e.strerror or e})"
    _mark_restored(ctx, entry_id)
    return None


def _mark_restored(ctx: JobContext, entry_id: int) -> None:
    with ctx.db.write() as s:
        s.get_one(TrashEntry, entry_id).status = RESTORED


def _refresh_photos(
    ctx: JobContext, project_id: str, folder: Path, restored: dict[str, set[FileClass]]
) -> list[int]:
    """The same photo comes back: a surviving row keeps its id and its other decisions; a
    removed one is made again from the snapshot its trash entries kept (or, trashed before
    snapshots were kept, with its capture facts read again). Restored formats come back
    kept: the photographer asked for them back."""
    listing = list_folder(folder)
    now, ids = time.time(), []
    with ctx.db.write() as s:
        for base, classes in restored.items():
            files = listing.photos.get(base)
            if files is None:
                continue
            row = s.scalar(select(Photo).where(Photo.project_id == project_id, Photo.base == base))
            if row is None:
                snapshot = _snapshot(s, project_id, base)
                row = photo_from_snapshot(s, project_id, files, snapshot, now)
                if not snapshot and (facts := facts_of_photo(folder, files)) is not None:
                    apply_facts(row, facts)
                s.add(row)
            else:
                apply_files(row, files, now)
            if FileClass.JPG in classes:
                row.keep_jpg = True
            if FileClass.RAW in classes:
                row.keep_raw = True
            s.flush()
            ids.append(row.id)
    return ids


def _snapshot(s: Session, project_id: str, base: str) -> dict[str, Any]:
    """The photo as its latest commit found it, from the trash journal."""
    text = s.scalar(
        select(TrashEntry.photo_json)
        .where(
            TrashEntry.project_id == project_id,
            TrashEntry.photo_base == base,
            TrashEntry.photo_json.is_not(None),
        )
        .order_by(TrashEntry.id.desc())
        .limit(1)
    )
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
