"""A job's items: the photos or files it works through, each reported as it goes, so a
job stopped half way resumes with what is left and people can read what failed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from photojobs.core.db import Database
from photojobs.core.db.models import JobItem
from photojobs.core.jobs import transitions
from photojobs.core.jobs.model import ItemRecord, ItemReport, item_parts

_INSERT_ITEM = (
    'INSERT INTO job_items (job_id, "key", photo_id, status, name, message, updated_at)'
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_ITEM = (
    "UPDATE job_items SET status = ?, name = ?, message = ?, updated_at = ?"
    ' WHERE job_id = ? AND "key" = ?'
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
        reason: str | None = None,
        photo_id: int | None = None,
        now: float | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self.set_items(job_id, [ItemReport(key, status, reason, name, photo_id)], now)

    def set_items(
        self, job_id: int, reports: Sequence[ItemReport], now: float | None = None
    ) -> None:
        """Many item reports in one write transaction. The name is stored apart from the
        reason (`shown_name`: never NULL once reported, so NULL means a row from before v9).
        Plain statements on the table: each key is found through `job_items_job_key`, so a
        report costs its transaction whatever the number of items in the job, and rows are
        written as tuples (SQLAlchemy's per-row processing cost twice SQLite's insert)."""
        now = transitions.clock(now)
        with self.db.write() as s:
            conn = s.connection()
            existing: set[str] = set()
            keys = [r.key for r in reports]
            for start in range(0, len(keys), KEYS_PER_QUERY):
                chunk = keys[start : start + KEYS_PER_QUERY]
                marks = ", ".join("?" * len(chunk))
                sql = f'SELECT "key" FROM job_items WHERE job_id = ? AND "key" IN ({marks})'
                existing.update(k for (k,) in conn.exec_driver_sql(sql, (job_id, *chunk)))
            new = [
                (job_id, r.key, r.photo_id, r.status, r.shown_name, r.reason, now)
                for r in reports
                if r.key not in existing
            ]
            if new:  # one executemany: a commit reports hundreds of photos at a time
                conn.exec_driver_sql(_INSERT_ITEM, new)
            old = [
                (r.status, r.shown_name, r.reason, now, job_id, r.key)
                for r in reports
                if r.key in existing
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

    def items(self, job_id: int) -> list[ItemRecord]:
        """Every item of the job, in order, each with its name and reason (`item_parts`)."""
        query = (
            select(JobItem.key, JobItem.photo_id, JobItem.status, JobItem.name, JobItem.message)
            .where(JobItem.job_id == job_id)
            .order_by(JobItem.id)
        )
        with self.db.read() as s:
            return [
                ItemRecord(key, photo_id, status, *item_parts(key, name, message))
                for key, photo_id, status, name, message in s.execute(query)
            ]
