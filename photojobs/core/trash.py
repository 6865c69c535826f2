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

from sqlalchemy import delete, select, update
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


class TrashNames:
    """The names in a project's `.trash/`, listed once for a whole commit instead of one
    `lexists` per file: only this library's entries (whose ids never repeat a name in
    use) add to it while the job runs, so the listing stays true."""

    def __init__(self, trash: Path):
        self.trash = trash
        self.taken = set(os.listdir(trash))

    def free(self, entry_id: int, name: str) -> str:
        """A trash name for the entry, free on disk, now counted as taken."""
        found = free_trash_name(self.trash, entry_id, name, self.taken)
        self.taken.add(found)
        return found


_JOURNAL_INSERT = (
    "INSERT INTO trash_entries (id, project_id, photo_id, photo_base, original_name,"
    " trash_name, size, status, trashed_at, task_id, photo_json)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def journal_moves(
    db: Database,
    project_id: str,
    project_dir: Path,
    moves: list[TrashMove],
    task_id: str | None,
    names: TrashNames | None = None,
) -> list[JournaledMove]:
    """Pending entries for a batch of moves, in one transaction, each with a trash name
    free on disk. Nothing has moved yet: `settle_pending` drops any entry whose file is
    still in its place. `names`: the trash as listed at the start of the job."""
    if not moves:
        return []
    trash = project_subdir(project_dir, TRASH_DIR, create=True)
    names = names if names is not None and names.trash == trash else TrashNames(trash)
    now = time.time()
    # One executemany of plain tuples: the ORM's bulk insert with RETURNING, and a second
    # pass for the names, cost more than the moves themselves. The ids are chosen under
    # the write lock (BEGIN IMMEDIATE), so no other writer can take them meanwhile, and
    # each trash name is known before the row is written.
    with db.write() as s:
        conn = s.connection()
        last = conn.exec_driver_sql("SELECT MAX(id) FROM trash_entries").scalar()
        first = int(last or 0) + 1
        journaled = [
            JournaledMove(
                first + i,
                move,
                move.source or child(project_dir, move.name),
                trash / names.free(first + i, move.name),
            )
            for i, move in enumerate(moves)
        ]
        conn.exec_driver_sql(
            _JOURNAL_INSERT,
            [
                (
                    j.entry_id,
                    project_id,
                    j.move.photo_id,
                    j.move.photo_base,
                    j.move.name,
                    j.target.name,
                    j.move.size,
                    PENDING,
                    now,
                    task_id,
                    j.move.photo_json,
                )
                for j in journaled
            ],
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


def free_trash_name(trash: Path, entry_id: int, name: str, taken: set[str] | None = None) -> str:
    """`0000042_IMG_1.JPG`; another suffix when that name is taken on disk (a trash kept
    from before the database was replaced), since `os.replace` would overwrite it.
    `taken`: the trash's names, listed by the caller, instead of a look at the disk."""
    n = 1
    while True:
        prefix = f"{entry_id:07d}{'' if n == 1 else f'-{n}'}_"
        candidate = prefix + _clip(name, NAME_MAX_BYTES - len(prefix))
        in_use = candidate in taken if taken is not None else os.path.lexists(trash / candidate)
        if not in_use:
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
