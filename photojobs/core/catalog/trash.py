"""What a commit put in a project's trash, counted for the word that follows it."""

from __future__ import annotations

from sqlalchemy import func, select

from photojobs.core.db import Database
from photojobs.core.db.models import TrashEntry
from photojobs.core.trash import CONFIRMED


def files_trashed_by(db: Database, task_id: str) -> int:
    """Files the task really moved to the trash (confirmed entries, not half steps)."""
    with db.read() as s:
        query = select(func.count()).where(
            TrashEntry.task_id == task_id, TrashEntry.status == CONFIRMED
        )
        return int(s.scalar(query) or 0)
