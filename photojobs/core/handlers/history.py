"""`history_cleaning`: finished tasks past their retention leave the database (see
`core/jobs/history.py`); files are never touched."""

from __future__ import annotations

from photojobs.core.collector import whole_job_collector_paused
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.history import clean_history
from photojobs.core.jobs.model import JobRecord


@whole_job_collector_paused
def history_cleaning(ctx: JobContext, job: JobRecord) -> None:
    removed = clean_history(ctx.db, ctx.config, now=ctx.clock())
    if removed:
        ctx.item("history", "done", f"{removed} finished task(s) past their retention deleted")
