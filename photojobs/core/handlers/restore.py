"""`restore_files`: the Undo of a commit. Puts trashed files back under their original
names when those are free (a clear conflict otherwise, never an overwrite).

Each move back is journaled (restoring, then restored, with the restoring task; a batch of
entries per transaction), so a restore killed at any instant is settled like a commit and a
retry reports each file once.
A name asked for that is not in the trash is a failed item, never a silent success."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from photojobs.core.collector import whole_job_collector_paused
from photojobs.core.crash_points import crash_point
from photojobs.core.db.models import Photo, TrashEntry
from photojobs.core.formats import FileClass, PhotoFiles, classify
from photojobs.core.handlers.capture_facts import apply_facts, facts_of_photo
from photojobs.core.handlers.project_files import project_dir
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import ItemReport, JobRecord, NewJob
from photojobs.core.jobs.runner import PermanentJobError
from photojobs.core.marks.tags import replace_tags
from photojobs.core.paths import TRASH_DIR, UnsafePathError, child_status, project_subdir
from photojobs.core.photos import (
    FILES_STATE_COLUMNS,
    files_change,
    list_folder,
    photo_from_snapshot,
    snapshot_tags,
    update_photos,
)
from photojobs.core.trash import (
    CONFIRMED,
    RESTORED,
    RESTORING,
    journal_batches,
    settle_pending,
    settle_restore,
)

Entry = tuple[int, str, str, str, str]  # id, original name, trash name, base, status
NAME_TAKEN = "a file with this name is already in the project (not overwritten)"


@whole_job_collector_paused
def restore_files(ctx: JobContext, job: JobRecord) -> None:
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    settle_pending(ctx.db, project_id, folder)
    entries = _entries(ctx, job)
    # The project's names, read once (casefolded: a name differing only in case is a
    # conflict on some filesystems) and kept up to date as files come back.
    taken = {name.casefold() for name in os.listdir(folder)}
    restored: dict[str, set[FileClass]] = {}
    for start, end in journal_batches(len(entries)):  # three transactions a batch
        ctx.check_cancelled()
        try:  # .trash checked again for each batch: a link there could lead anywhere
            trash = project_subdir(folder, TRASH_DIR)
        except UnsafePathError as e:
            raise PermanentJobError(str(e)) from e
        results = _restore_batch(ctx, job, folder, trash, entries[start:end], taken)
        for (_, original, _, base, _), reason in results:
            if reason is None:
                cls = classify(original)
                restored.setdefault(base, set()).add(cls or FileClass.SIDECAR)
        ctx.report_items(  # each item named by its file's original name, its key
            [ItemReport(e[1], "failed" if why else "done", why, e[1]) for e, why in results]
        )
        ctx.progress(start + len(results), len(entries))
    ctx.report_items(_not_found(ctx, job, {e[1] for e in entries}))
    ids, remake = _refresh_photos(ctx, project_id, folder, restored)
    if remake:
        ctx.enqueue_followup(
            NewJob(
                "generate_derivatives",
                {"bases": sorted(remake), "force": True},
                priority=60,
                source=job.source,
                scope="photos",
            )
        )
    ctx.emit(PhotosChanged(project_id, tuple(ids)))


def _restore_batch(
    ctx: JobContext,
    job: JobRecord,
    folder: Path,
    trash: Path,
    batch: list[Entry],
    taken: set[str],
) -> list[tuple[Entry, str | None]]:
    """Journal the batch as restoring (one transaction), move the files back, then mark
    each restored or back in the trash (one transaction). Returns each entry handled with
    None when its file is back, or why not (the reason, without the name); a cancel stops
    between files."""
    results: dict[int, str | None] = {}
    ready: list[tuple[Entry, Path, Path]] = []
    for entry in batch:
        checked = _check(ctx, job, folder, trash, entry, taken)
        if isinstance(checked, tuple):
            ready.append((entry, *checked))
            taken.add(entry[1].casefold())  # two entries of one name: the second conflicts
        else:
            results[entry[0]] = checked
    _mark_many(ctx, [e[0] for e, _, _ in ready], RESTORING, job.task_id)
    back: list[int] = []
    left: list[int] = []
    for entry, source, target in ready:
        if ctx.cancelled():
            left.append(entry[0])
            taken.discard(entry[1].casefold())
            continue
        reason = _move_back_reported(source, target)
        results[entry[0]] = reason
        (left if reason else back).append(entry[0])
        if reason:
            taken.discard(entry[1].casefold())
    with ctx.db.write() as s:
        _set_status(s, back, RESTORED)
        _set_status(s, left, CONFIRMED)
    return [(e, results[e[0]]) for e in batch if e[0] in results]


def _move_back_reported(source: Path, target: Path) -> str | None:
    try:
        _move_back(source, target)
    except FileExistsError:
        return NAME_TAKEN
    except OSError as e:
        return f"could not be restored ({e.strerror or e})"
    crash_point("restore:moved")
    return None


def _entries(ctx: JobContext, job: JobRecord) -> list[Entry]:
    """The entries asked for that are in the trash, or that this task already brought back
    (a retry after a crash reports them again as done)."""
    p = job.payload
    wanted = TrashEntry.status.in_((CONFIRMED, RESTORING)) | (
        (TrashEntry.status == RESTORED) & (TrashEntry.restore_task_id == job.task_id)
    )
    mine = (TrashEntry.project_id == job.project_id) & wanted
    query = select(
        TrashEntry.id,
        TrashEntry.original_name,
        TrashEntry.trash_name,
        TrashEntry.photo_base,
        TrashEntry.status,
    ).where(mine)
    if p.get("commit_task_id"):
        query = query.where(TrashEntry.task_id == p["commit_task_id"])
    elif p.get("entry_ids"):
        query = query.where(TrashEntry.id.in_(p["entry_ids"]))
    elif p.get("names"):
        # A name trashed by several commits: the latest one, as an Undo would bring back.
        latest = (
            select(func.max(TrashEntry.id))
            .where(mine, TrashEntry.original_name.in_(p["names"]))
            .group_by(TrashEntry.original_name)
        )
        query = query.where(TrashEntry.id.in_(latest))
    elif not p.get("all"):
        return []
    with ctx.db.read() as s:
        return [tuple(r) for r in s.execute(query.order_by(TrashEntry.id))]  # type: ignore[misc]


def _not_found(ctx: JobContext, job: JobRecord, found: set[str]) -> list[ItemReport]:
    """A failed item for each name, or the commit, asked for and not in the trash."""
    p = job.payload
    if p.get("commit_task_id") and not found:
        task = str(p["commit_task_id"])
        none = "none of its files is in the trash of this project"
        return [ItemReport(task, "failed", none, f"commit {task}")]
    if not p.get("names") or p.get("commit_task_id"):
        return []
    with ctx.db.read() as s:
        rows = s.execute(
            select(TrashEntry.original_name, TrashEntry.status).where(
                TrashEntry.project_id == job.project_id
            )
        ).all()
    in_trash = sorted({n for n, st in rows if st == CONFIRMED})
    back = {n for n, st in rows if st == RESTORED}
    missing: list[ItemReport] = []
    for name in dict.fromkeys(p["names"]):
        if name in found:
            continue
        like = [n for n in in_trash if n.casefold() == name.casefold()]
        hint = (
            f" (did you mean {like[0]}?)"
            if like
            else " (it was restored already)"
            if name in back
            else ""
        )
        missing.append(ItemReport(name, "failed", f"not in the trash of this project{hint}", name))
    return missing


def _check(
    ctx: JobContext, job: JobRecord, folder: Path, trash: Path, entry: Entry, taken: set[str]
) -> str | tuple[Path, Path] | None:
    """(trash path, original path) when the entry's file can move back now; otherwise
    None when it is back already (a restore cut short, settled here), or why not."""
    entry_id, original, trash_name, _, status = entry
    try:  # the project was checked when the job began, its .trash for this batch
        source, in_trash = child_status(trash, trash_name)
        target, in_place = child_status(folder, original)
    except UnsafePathError as e:
        return f"not restored, the trash journal leads outside the project ({e})"
    if status != CONFIRMED:  # a restore of this task cut short, or already done
        settled = RESTORED if status == RESTORED else settle_restore(source, target)
        if settled is not None:
            _mark(ctx, entry_id, settled)
        if settled == RESTORED:
            return None
        in_trash, in_place = _lstat(source), _lstat(target)  # settling may have moved them
    if in_trash is None:
        return "no longer in the trash"
    if in_place is not None and _same_file(in_trash, in_place):
        os.unlink(source)  # cut short between link and unlink before journaling existed
        _mark(ctx, entry_id, RESTORED, job.task_id)
        return None
    if original.casefold() in taken or in_place is not None:
        return NAME_TAKEN
    return source, target


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _move_back(source: Path, target: Path) -> None:
    """`os.link` refuses to overwrite, even a name that appeared just now; filesystems
    without hard links fall back to a rename of a name checked free."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(target):
            raise FileExistsError(str(target)) from None
        os.rename(source, target)
        return
    crash_point("restore:linked")
    os.unlink(source)


def _mark_many(ctx: JobContext, entry_ids: list[int], status: str, task_id: str | None) -> None:
    if entry_ids:
        with ctx.db.write() as s:
            s.execute(
                update(TrashEntry)
                .where(TrashEntry.id.in_(entry_ids))
                .values(status=status, restore_task_id=task_id)
            )


def _set_status(s: Session, entry_ids: list[int], status: str) -> None:
    if entry_ids:
        s.execute(update(TrashEntry).where(TrashEntry.id.in_(entry_ids)).values(status=status))


def _mark(ctx: JobContext, entry_id: int, status: str, task_id: str | None = None) -> None:
    with ctx.db.write() as s:
        entry = s.get_one(TrashEntry, entry_id)
        entry.status = status
        if task_id is not None:
            entry.restore_task_id = task_id


def _refresh_photos(
    ctx: JobContext, project_id: str, folder: Path, restored: dict[str, set[FileClass]]
) -> tuple[list[int], list[str]]:
    """The same photo comes back: a surviving row keeps its id and its other decisions; a
    removed one is made again from the snapshot its trash entries kept (or, trashed before
    snapshots were kept, with its capture facts read again). Restored formats come back
    kept: the photographer asked for them back. Returns the photo ids, and the bases whose
    derivatives must be made again: those whose best source came back (a RAW back beside
    a JPG that never left changes nothing a thumbnail is made from)."""
    listing = list_folder(folder)
    now, ids, remake = time.time(), [], []
    bases = [b for b in restored if b in listing.photos]
    with ctx.db.write() as s:
        for start in range(0, len(bases), 500):  # rows read 500 at a time, not one by one
            chunk = bases[start : start + 500]
            # Surviving rows as plain tuples, updated by one executemany (update_photos):
            # a restore of 50k files built and flushed 50k ORM objects before.
            query = select(*FILES_STATE_COLUMNS).where(
                Photo.project_id == project_id, Photo.base.in_(chunk)
            )
            found = {
                base: (i, (bool(j), bool(r), bool(o), f))
                for i, base, j, r, o, f in s.execute(query)
            }
            changes: list[dict[str, Any]] = []
            for base in chunk:
                files, classes = listing.photos[base], restored[base]
                if base not in found or _best_source(files) in classes:
                    remake.append(base)
                if base not in found:
                    ids.append(_photo_again(s, ctx, project_id, folder, files, classes, now))
                    continue
                photo_id, was = found[base]
                change = files_change(photo_id, was, files, now) or {"id": photo_id}
                if FileClass.JPG in classes:
                    change["keep_jpg"] = True
                if FileClass.RAW in classes:
                    change["keep_raw"] = True
                if len(change) > 1:
                    changes.append(change)
                ids.append(photo_id)
            update_photos(s, changes)
    return ids, remake


def _photo_again(
    s: Session,
    ctx: JobContext,
    project_id: str,
    folder: Path,
    files: PhotoFiles,
    classes: set[FileClass],
    now: float,
) -> int:
    """A row a commit removed, made again from the snapshot its trash entries kept (or,
    trashed before snapshots were kept, with its capture facts read again)."""
    snapshot = _snapshot(s, project_id, files.base)
    row = photo_from_snapshot(s, project_id, files, snapshot, now)
    if not snapshot and (facts := facts_of_photo(folder, files)) is not None:
        apply_facts(row, facts)
    s.add(row)
    s.flush()  # its id, before the next snapshot picks one
    replace_tags(s, row.id, frozenset(), snapshot_tags(snapshot))
    if FileClass.JPG in classes:
        row.keep_jpg = True
    if FileClass.RAW in classes:
        row.keep_raw = True
    return row.id


def _best_source(files: PhotoFiles) -> FileClass | None:
    """The class derivatives are made from (core/imaging/sources.py: JPG, RAW, other)."""
    if files.jpg:
        return FileClass.JPG
    if files.raw:
        return FileClass.RAW
    return FileClass.OTHER if files.other else None


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
