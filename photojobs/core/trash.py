"""The project's `.trash/`: every move journaled so a crash leaves each file in one place.

An entry is written (pending) before the move and confirmed after it; `settle_pending`
finishes or undoes whatever a crash cut in half.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select

from photojobs.core.db import Database
from photojobs.core.db.models import TrashEntry
from photojobs.core.paths import TRASH_DIR, project_subdir

PENDING, CONFIRMED, RESTORED, DELETED = "pending", "confirmed", "restored", "deleted"
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
    source = project_dir / name
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
        os.replace(source, trash / trash_name)
    except OSError:
        with db.write() as s:  # nothing moved: the journal must not say otherwise
            s.delete(s.get_one(TrashEntry, entry_id))
        raise
    with db.write() as s:
        s.get_one(TrashEntry, entry_id).status = CONFIRMED
    return entry_id


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
    """Finish or undo trash moves a crash interrupted; returns how many were settled."""
    settled = 0
    with db.write() as s:
        for entry in s.scalars(
            select(TrashEntry).where(
                TrashEntry.project_id == project_id, TrashEntry.status == PENDING
            )
        ):
            # The trash name was free when the entry was written, so a file there is the
            # moved original, even if a new file has since taken the original name.
            if os.path.lexists(project_dir / TRASH_DIR / entry.trash_name):
                entry.status = CONFIRMED
            elif os.path.lexists(project_dir / entry.original_name):
                s.delete(entry)  # the move never happened
            else:
                continue  # in neither place: nothing to settle, left for a person to see
            settled += 1
    return settled
