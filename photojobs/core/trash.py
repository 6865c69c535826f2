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
from photojobs.core.paths import TRASH_DIR

PENDING, CONFIRMED, RESTORED, DELETED = "pending", "confirmed", "restored", "deleted"


def move_to_trash(
    db: Database,
    project_id: str,
    project_dir: Path,
    name: str,
    photo_base: str,
    photo_id: int | None,
    task_id: str | None,
) -> int:
    """Move one original into `.trash/` under a name that never collides; returns the entry."""
    source = project_dir / name
    size = source.stat().st_size  # raises FileNotFoundError for a vanished file
    (project_dir / TRASH_DIR).mkdir(exist_ok=True)
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
        )
        s.add(entry)
        s.flush()
        entry.trash_name = f"{entry.id:07d}_{name}"
        entry_id, trash_name = entry.id, entry.trash_name
    os.replace(source, project_dir / TRASH_DIR / trash_name)
    with db.write() as s:
        s.get_one(TrashEntry, entry_id).status = CONFIRMED
    return entry_id


def settle_pending(db: Database, project_id: str, project_dir: Path) -> int:
    """Finish or undo trash moves a crash interrupted; returns how many were settled."""
    settled = 0
    with db.write() as s:
        for entry in s.scalars(
            select(TrashEntry).where(
                TrashEntry.project_id == project_id, TrashEntry.status == PENDING
            )
        ):
            in_trash = (project_dir / TRASH_DIR / entry.trash_name).exists()
            in_place = (project_dir / entry.original_name).exists()
            if in_trash and not in_place:
                entry.status = CONFIRMED
            elif in_place and not in_trash:
                s.delete(entry)  # the move never happened
            else:
                continue
            settled += 1
    return settled
