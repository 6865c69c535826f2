"""`file_removal`: the heart of a commit. Moves what the photographer did not keep into
`.trash/`, journaled, then brings the photo rows and derivatives in line.

It moves what the person confirmed (the task's `confirmed` workset) and is still not kept
when the job runs; decisions made after the confirmation wait for the next commit. Which
files are left to move is read from the database and the disk, so a retry or a second run
after a crash only does what is left."""

from __future__ import annotations

import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from photojobs.core.collector import whole_job_collector_paused
from photojobs.core.commits import Workset
from photojobs.core.crash_points import crash_point
from photojobs.core.db.models import Photo, TrashEntry
from photojobs.core.formats import FileClass, FolderListing, PhotoFiles, classify, split_name
from photojobs.core.handlers.project_files import project_dir, remove_derivatives
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import ItemReport, JobRecord, NewJob
from photojobs.core.marks.tags import tags_of
from photojobs.core.paths import TRASH_DIR, child_status, project_subdir
from photojobs.core.photos import (
    SNAPSHOT_COLUMNS,
    FilesState,
    files_change,
    list_folder,
    pending_clause,
    update_photos,
)
from photojobs.core.trash import (
    CONFIRMED,
    JournaledMove,
    TrashMove,
    TrashNames,
    journal_batches,
    journal_moves,
    settle_moves,
    settle_pending,
)


def files_to_trash(files: PhotoFiles, drop_jpg: bool, drop_raw: bool) -> list[str]:
    """Every case variant of the dropped formats, each with the sidecars named after it
    (`IMG_1.NEF.xmp` travels with `IMG_1.NEF`, `IMG_1.JPG.xmp` with `IMG_1.JPG`); the base
    sidecar (`IMG_1.xmp`) only when no image of the photo stays. Sidecars go first: a run
    cut short never leaves a sidecar without its image."""
    images = (files.raw if drop_raw else []) + (files.jpg if drop_jpg else [])
    keeps_an_image = len(images) < len(files.jpg + files.raw + files.other)
    dropped = {name.casefold() for name in images}
    sidecars = []
    for name in files.sidecar:
        owner = split_name(name)[0]
        if owner == files.base:
            if not keeps_an_image:
                sidecars.append(name)
        elif owner.casefold() in dropped or _owner_class_dropped(owner, drop_jpg, drop_raw):
            sidecars.append(name)
    return sidecars + images


def _owner_class_dropped(owner: str, drop_jpg: bool, drop_raw: bool) -> bool:
    """A file sidecar whose own file is already gone follows the decision on its format."""
    cls = classify(owner)
    return (cls is FileClass.JPG and drop_jpg) or (cls is FileClass.RAW and drop_raw)


@dataclass
class PhotoPlan:
    """What a commit does to one photo: the files it moves, and why others stay."""

    photo_id: int
    base: str
    on_disk: PhotoFiles
    names: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)
    lost: str = ""  # "JPG" or "RAW": a kept format is gone, nothing of this photo moves
    moved: list[str] = field(default_factory=list)


@whole_job_collector_paused
def file_removal(ctx: JobContext, job: JobRecord) -> None:
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    settle_pending(ctx.db, project_id, folder)
    listing = list_folder(folder)
    work = _workset(ctx, job)
    trashed = _trashed(ctx, job)
    total = len(work)
    # The trash listed once for the whole commit (a name free for each move, no look per file)
    trash_names = TrashNames(project_subdir(folder, TRASH_DIR, create=True)) if work else None
    changed: list[int] = []
    try:
        for start, end in journal_batches(total):  # three transactions a batch, not per file
            ctx.check_cancelled()
            plans = [_plan(listing, trashed, job, w) for w in work[start:end]]
            handled = _move_batch(ctx, job, folder, plans, trash_names)
            changed += [p.photo_id for p in handled if not p.lost]
            ctx.progress(end, total)
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


def _plan(
    listing: FolderListing,
    trashed: dict[tuple[str, str], list[tuple[str, float]]],
    job: JobRecord,
    work: Work,
) -> PhotoPlan:
    photo_id, base, drop_jpg, drop_raw, files_json, updated = work
    known_files = _as_files(base, json.loads(files_json))
    plan = PhotoPlan(photo_id, base, _on_disk(listing, base, known_files))
    plan.lost = _kept_but_gone(known_files, plan.on_disk, not drop_jpg, not drop_raw)
    if plan.lost:  # what the photographer kept is gone: trashing the rest could leave nothing
        return plan
    plan.names = files_to_trash(plan.on_disk, drop_jpg, drop_raw)
    plan.failures = [
        (name, "vanished before the commit (no longer in the project folder)")
        for name in files_to_trash(known_files, drop_jpg, drop_raw)
        if name not in plan.names and not _moved(trashed.get((base, name), []), job, updated)
    ]
    return plan


def _move_batch(
    ctx: JobContext,
    job: JobRecord,
    folder: Path,
    plans: list[PhotoPlan],
    trash_names: TrashNames | None,
) -> list[PhotoPlan]:
    """Journal the batch's moves (one transaction), move the files, then confirm the moves
    and update the photos (one transaction): a kill at any instant leaves each file in its
    place or in the trash, and `settle_pending` finishes or undoes the half batch. Returns
    the photos handled (all, unless a cancel came between two of them)."""
    project_id = job.project_id or ""
    snapshots = photo_snapshots(ctx, [p.photo_id for p in plans if p.names])
    moves: list[tuple[PhotoPlan, TrashMove]] = []
    for plan in plans:
        for name in plan.names:
            source, status = child_status(folder, name)
            if status is None:
                plan.failures.append((name, "vanished before the commit"))
                continue
            snapshot = snapshots.get(plan.photo_id)
            move = TrashMove(name, plan.base, plan.photo_id, status.st_size, snapshot, source)
            moves.append((plan, move))
    journal = journal_moves(
        ctx.db, project_id, folder, [m for _, m in moves], job.task_id, trash_names
    )
    queue = deque((plan, entry) for (plan, _), entry in zip(moves, journal, strict=True))
    moved: list[int] = []
    not_moved: list[int] = []
    handled: list[PhotoPlan] = []
    for plan in plans:
        if ctx.cancelled():  # checked between photos; what moved is still confirmed below
            break
        handled.append(plan)
        while queue and queue[0][0] is plan:
            entry = queue.popleft()[1]
            (moved if _move(plan, entry) else not_moved).append(entry.entry_id)
    not_moved += [entry.entry_id for _, entry in queue]
    stays = _confirm_batch(ctx, folder, handled, moved, not_moved)
    crash_point("trash:confirmed")
    ctx.report_items([_item(p, stays.get(p.photo_id, False)) for p in handled])
    return handled


def _move(plan: PhotoPlan, entry: JournaledMove) -> bool:
    try:
        os.replace(entry.source, entry.target)
    except FileNotFoundError:
        plan.failures.append((entry.move.name, "vanished before the commit"))
        return False
    except OSError as e:
        reason = e.strerror or e
        plan.failures.append((entry.move.name, f"could not be moved to the trash ({reason})"))
        return False
    crash_point("trash:moved")
    plan.moved.append(entry.move.name)
    return True


def _confirm_batch(
    ctx: JobContext, folder: Path, plans: list[PhotoPlan], moved: list[int], not_moved: list[int]
) -> dict[int, bool]:
    """One transaction: the batch's entries confirmed (or dropped), its photos brought in
    line with what is left. Returns photo id -> whether the photo stays in the grid."""
    now, stays = time.time(), {}
    with ctx.db.write() as s:
        settle_moves(s, moved, not_moved)
        ids = [p.photo_id for p in plans if not p.lost]
        query = select(
            Photo.id, Photo.jpg_available, Photo.raw_available, Photo.other_available,
            Photo.files_json,
        ).where(Photo.id.in_(ids))  # fmt: skip
        rows = {i: (bool(j), bool(r), bool(o), f) for i, j, r, o, f in s.execute(query)}
        changes: list[dict[str, Any]] = []
        gone: list[int] = []
        for plan in plans:
            was = rows.get(plan.photo_id)
            if was is not None and not plan.lost:
                stays[plan.photo_id] = _update_photo(plan, was, folder, now, changes, gone)
        if gone:
            s.execute(delete(Photo).where(Photo.id.in_(gone)))
        update_photos(s, changes)
    return stays


def _item(plan: PhotoPlan, stays: bool) -> ItemReport:
    """The photo's item: named by the one file that failed, else by the photo."""
    base = plan.base
    if plan.lost:
        reason = (
            f"the {plan.lost} you kept is no longer in the project folder; "
            "nothing was moved (check the folder, then commit again)"
        )
        return ItemReport(base, "failed", reason, base, plan.photo_id)
    photo_id = plan.photo_id if stays else None
    if len(plan.failures) == 1:
        ((name, reason),) = plan.failures
        return ItemReport(base, "failed", reason, name, photo_id)
    if plan.failures:
        reason = "; ".join(f"{name}: {why}" for name, why in plan.failures)
        return ItemReport(base, "failed", reason, base, photo_id)
    return ItemReport(base, "done", f"{len(plan.names)} file(s) to trash", base, photo_id)


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


def photo_snapshots(ctx: JobContext, photo_ids: list[int]) -> dict[int, str]:
    """The photos as they were before the commit (id, decisions, capture facts), kept with
    their trash entries so that a restore brings back the same photo. Read as plain rows
    (the ORM's row processing was half the cost of a batch's snapshots); the same JSON as
    `snapshot_of` makes of a row."""
    rows: list[Any] = []
    with ctx.db.read() as s:
        for start in range(0, len(photo_ids), SNAPSHOTS_PER_QUERY):
            chunk = tuple(photo_ids[start : start + SNAPSHOTS_PER_QUERY])
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM photos WHERE id IN ({marks})"
            rows += s.connection().exec_driver_sql(sql, chunk).fetchall()
        tags = tags_of(s, [r[0] for r in rows])
    snapshots = {}
    for row in rows:
        snapshot = dict(zip(SNAPSHOT_COLUMNS, row, strict=True))
        for column in SNAPSHOT_BOOLEANS:
            snapshot[column] = bool(snapshot[column])
        snapshot["tags"] = sorted(tags.get(row[0], ()))
        snapshots[row[0]] = _SNAPSHOT_JSON(snapshot)
    return snapshots


SNAPSHOTS_PER_QUERY = 500  # ids bound in one IN (...): under any SQLite's variable limit
SNAPSHOT_BOOLEANS = ("keep_jpg", "keep_raw")  # stored 0/1, kept in the snapshot as true/false
_SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False).encode


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


def _files_left(plan: PhotoPlan) -> PhotoFiles:
    """The photo's files on disk less those this batch moved."""
    left = PhotoFiles(plan.base)
    gone = set(plan.moved)
    for name in plan.on_disk.files:
        cls = classify(name)
        if cls is not None and name not in gone:
            left.add(name, cls)
    return left


def _update_photo(
    plan: PhotoPlan,
    was: FilesState,
    folder: Path,
    now: float,
    changes: list[dict[str, Any]],
    gone: list[int],
) -> bool:
    """False when nothing is left and the photo leaves the grid (its id joins `gone`).
    When the JPG went but a RAW stays, the derivatives are removed and marked pending, to
    be made from the RAW. The row's new columns join `changes`."""
    left = _files_left(plan)
    if not left.has_image:
        gone.append(plan.photo_id)
        remove_derivatives(folder, plan.base)
        return False
    change = files_change(plan.photo_id, was, left, now)
    if change is None:
        return True
    if was[0] and not change["jpg_available"]:
        remove_derivatives(folder, plan.base)
        change |= {"thumbnail_status": "pending", "preview_status": "pending"}
        change["source_fingerprint"] = None
    changes.append(change)
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
