"""A job's items: the photos or files it works through, each reported as it goes, so a
job stopped half way resumes with what is left and people can read what failed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select

from photojobs.core.db import Database
from photojobs.core.db.models import JobItem
from photojobs.core.jobs import transitions


class JobItems:
    """The part of JobStore that records item reports."""

    db: Database

    def set_item(
        self,
        job_id: int,
        key: str,
        status: str,
        message: str | None = None,
        photo_id: int | None = None,
        now: float | None = None,
    ) -> None:
        self.set_items(job_id, [(key, status, message, photo_id)], now)

    def set_items(
        self,
        job_id: int,
        items: Sequence[tuple[str, str, str | None, int | None]],
        now: float | None = None,
    ) -> None:
        """(key, status, message, photo_id) for many items, in one write transaction."""
        now = transitions.clock(now)
        with self.db.write() as s:
            keys = [k for k, *_ in items]
            existing = {
                i.key: i
                for i in s.scalars(
                    select(JobItem).where(JobItem.job_id == job_id, JobItem.key.in_(keys))
                )
            }
            new = [
                {
                    "job_id": job_id,
                    "key": key,
                    "photo_id": photo_id,
                    "status": status,
                    "message": message,
                    "updated_at": now,
                }
                for key, status, message, photo_id in items
                if key not in existing
            ]
            if new:  # one bulk insert: a commit reports 128 photos at a time
                s.execute(insert(JobItem), new)
            for key, status, message, _ in items:
                if (item := existing.get(key)) is not None:
                    item.status, item.message, item.updated_at = status, message, now

    def pending_items(self, job_id: int) -> list[tuple[str, int | None]]:
        with self.db.read() as s:
            rows = s.execute(
                select(JobItem.key, JobItem.photo_id)
                .where(JobItem.job_id == job_id, JobItem.status.in_(("pending", "running")))
                .order_by(JobItem.id)
            ).all()
            return [(k, p) for k, p in rows]

    def items(self, job_id: int) -> list[dict[str, Any]]:
        with self.db.read() as s:
            rows = s.scalars(select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.id))
            return [
                {"key": r.key, "photo_id": r.photo_id, "status": r.status, "message": r.message}
                for r in rows
            ]
