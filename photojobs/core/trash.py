"""The project's `.trash/`: every move journaled so a crash leaves each file in one place.

An entry is written (pending) before the move into the trash and confirmed after it (a
commit journals a batch of moves in one transaction, moves them, and confirms the batch in
one more); a restore marks it restoring before the move back and restored after. `settle_pending`
finishes or undoes whatever a crash cut in half. Names in the journal are checked with
`paths.inside` before any file is touched: a library can come from someone else.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from photojobs.core.crash_points import crash_point
from photojobs.core.db import Database
from photojobs.core.db.models import TrashEntry
from photojobs.core.paths import TRASH_DIR, UnsafePathError, child, inside, project_subdir

PENDING, CONFIRMED, DELETED = "pending", "confirmed", "deleted"
RESTORING, RESTORED = "restoring", "restored"
NAME_MAX_BYTES = 255  # what Linux, macOS and Windows filesystems allow for one name


def move_to_trash(
    db: Database,
    project_id: str,
    project_dir: Path,
    name: str,
    photo_base: str,
    photo_id: int | None,
    task_id: str | None,
    photo_json: str | None = None,
) -> int:
    """Move one original into `.trash/` under a name that never collides; returns the entry.
    `photo_json` is the photo as it was (see `photos.snapshot_of`), for a restore."""
    source = inside(project_dir, name)
    size = source.stat().st_size  # raises FileNotFoundError for a vanished file
    trash = project_subdir(project_dir, TRASH_DIR, create=True)
    with db.write() as s:
        entry = TrashEntry(
            project_id=project_id,
            photo_id=photo_id,
            photo_base=photo_base,
            original_name=name,
            trash_name="",
            size=size,
            status=PENDING,
            trashed_at=time.time(),
            task_id=task_id,
            photo_json=photo_json,
        )
        s.add(entry)
        s.flush()
        entry.trash_name = free_trash_name(trash, entry.id, name)
        entry_id, trash_name = entry.id, entry.trash_name
    try:
        os.replace(source, inside(trash, trash_name))
    except OSError:
        with db.write() as s:  # nothing moved: the journal must not say otherwise
            s.delete(s.get_one(TrashEntry, entry_id))
        raise
    crash_point("trash:moved")
    with db.write() as s:
        s.get_one(TrashEntry, entry_id).status = CONFIRMED
    return entry_id


FIRST_BATCH, LARGEST_BATCH = 128, 512


def journal_batches(total: int) -> list[tuple[int, int]]:
    """(start, end) of the batches a commit or restore journals: 128, then doubling up to
    512, so a small commit still shows progress soon and a big one pays for few
    transactions (each holds the write lock a fraction of a second at most)."""
    batches, start, size = [], 0, FIRST_BATCH
    while start < total:
        batches.append((start, min(start + size, total)))
        start, size = start + size, min(size * 2, LARGEST_BATCH)
    return batches


@dataclass(frozen=True)
class TrashMove:
    """One original to move into `.trash/`, as a commit plans it."""

    name: str
    photo_base: str
    photo_id: int | None
    size: int
    photo_json: str | None = None
    source: Path | None = None  # `child(project_dir, name)` when the caller checked it already


@dataclass(frozen=True)
class JournaledMove:
    entry_id: int
    move: TrashMove
    source: Path
    target: Path


def journal_moves(
    db: Database, project_id: str, project_dir: Path, moves: list[TrashMove], task_id: str | None
) -> list[JournaledMove]:
    """Pending entries for a batch of moves, in one transaction, each with a trash name
    free on disk. Nothing has moved yet: `settle_pending` drops any entry whose file is
    still in its place."""
    if not moves:
        return []
    trash = project_subdir(project_dir, TRASH_DIR, create=True)
    now = time.time()
    rows = [
        {
            "project_id": project_id,
            "photo_id": m.photo_id,
            "photo_base": m.photo_base,
            "original_name": m.name,
            "trash_name": "",
            "size": m.size,
            "status": PENDING,
            "trashed_at": now,
            "task_id": task_id,
            "photo_json": m.photo_json,
        }
        for m in moves
    ]
    with db.write() as s:  # bulk statements: the ORM's unit of work cost more than the moves
        ids = s.scalars(
            insert(TrashEntry).returning(TrashEntry.id, sort_by_parameter_order=True), rows
        ).all()
        journaled = [
            JournaledMove(
                entry_id,
                move,
                move.source or child(project_dir, move.name),
                # a plain name (the source's, prefixed) that free_trash_name found unused
                trash / free_trash_name(trash, entry_id, move.name),
            )
            for entry_id, move in zip(ids, moves, strict=True)
        ]
        s.execute(
            update(TrashEntry),
            [{"id": j.entry_id, "trash_name": j.target.name} for j in journaled],
        )
    crash_point("trash:journaled")
    return journaled


def settle_moves(s: Session, moved: list[int], not_moved: list[int]) -> None:
    """Confirm the entries whose file reached the trash and drop the others, in the
    caller's transaction (which also updates the photos, so both change together)."""
    if moved:
        s.execute(update(TrashEntry).where(TrashEntry.id.in_(moved)).values(status=CONFIRMED))
    if not_moved:
        s.execute(delete(TrashEntry).where(TrashEntry.id.in_(not_moved)))


def free_trash_name(trash: Path, entry_id: int, name: str) -> str:
    """`0000042_IMG_1.JPG`; another suffix when that name is taken on disk (a trash kept
    from before the database was replaced), since `os.replace` would overwrite it."""
    n = 1
    while True:
        prefix = f"{entry_id:07d}{'' if n == 1 else f'-{n}'}_"
        candidate = prefix + _clip(name, NAME_MAX_BYTES - len(prefix))
        if not os.path.lexists(trash / candidate):
            return candidate
        n += 1


def _clip(name: str, limit: int) -> str:
    """The name shortened to `limit` bytes, keeping its extension (the journal keeps the
    original name; this one is only for people looking into `.trash`)."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    tail = dot + ext if stem else ""
    stem = stem or name
    while stem and len((stem + tail).encode("utf-8")) > limit:
        stem = stem[:-1]
    return stem + tail


def settle_pending(db: Database, project_id: str, project_dir: Path) -> int:
    """Finish or undo trash moves and restores a crash interrupted; returns how many were
    settled. An entry whose names would leave the project is left for a person to see."""
    settled = 0
    with db.write() as s:
        for entry in s.scalars(
            select(TrashEntry).where(
                TrashEntry.project_id == project_id, TrashEntry.status.in_((PENDING, RESTORING))
            )
        ):
            try:
                in_trash = inside(project_dir, TRASH_DIR, entry.trash_name)
                original = inside(project_dir, entry.original_name)
            except UnsafePathError:
                continue
            if entry.status == RESTORING:
                status = settle_restore(in_trash, original)
                if status is None:
                    continue
                entry.status = status
            # The trash name was free when the entry was written, so a file there is the
            # moved original, even if a new file has since taken the original name.
            elif os.path.lexists(in_trash):
                entry.status = CONFIRMED
            elif os.path.lexists(original):
                s.delete(entry)  # the move never happened
            else:
                continue  # in neither place: nothing to settle, left for a person to see
            settled += 1
    return settled


def settle_restore(in_trash: Path, original: Path) -> str | None:
    """Where a restore cut short left its file: RESTORED when it is back (a hard link
    still in the trash is dropped), CONFIRMED when it never left the trash, None when it
    is in neither place. The name was free when the restore began, so a file there is it."""
    here, there = os.path.lexists(original), os.path.lexists(in_trash)
    if here and there:
        if not os.path.samefile(original, in_trash):
            return CONFIRMED  # another file took the name; ours is still in the trash
        os.unlink(in_trash)  # linked back, not yet unlinked from the trash
        return RESTORED
    if there:
        return CONFIRMED
    return RESTORED if here else None
