"""A job's items: the photos or files it works through, each reported as it goes, so a
job stopped half way resumes with what is left and people can read what failed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from photojobs.core.db import Database
from photojobs.core.db.models import JobItem
from photojobs.core.jobs import transitions

_INSERT_ITEM = (
    'INSERT INTO job_items (job_id, "key", photo_id, status, message, updated_at)'
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_UPDATE_ITEM = (
    'UPDATE job_items SET status = ?, message = ?, updated_at = ? WHERE job_id = ? AND "key" = ?'
)
KEYS_PER_QUERY = 500  # keys in one IN (...), well under SQLite's bound-variable limit


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
        """(key, status, message, photo_id) for many items, in one write transaction.
        Plain statements on the table: each key is found through `job_items_job_key`, so a
        report costs its transaction whatever the number of items in the job, and rows are
        written as tuples (SQLAlchemy's per-row processing cost twice SQLite's insert)."""
        now = transitions.clock(now)
        with self.db.write() as s:
            conn = s.connection()
            existing: set[str] = set()
            keys = [k for k, *_ in items]
            for start in range(0, len(keys), KEYS_PER_QUERY):
                chunk = keys[start : start + KEYS_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                sql = f'SELECT "key" FROM job_items WHERE job_id = ? AND "key" IN ({marks})'
                existing.update(k for (k,) in conn.exec_driver_sql(sql, (job_id, *chunk)))
            new = [
                (job_id, key, photo_id, status, message, now)
                for key, status, message, photo_id in items
                if key not in existing
            ]
            if new:  # one executemany: a commit reports hundreds of photos at a time
                conn.exec_driver_sql(_INSERT_ITEM, new)
            old = [
                (status, message, now, job_id, key)
                for key, status, message, _ in items
                if key in existing
            ]
            if old:
                conn.exec_driver_sql(_UPDATE_ITEM, old)

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
