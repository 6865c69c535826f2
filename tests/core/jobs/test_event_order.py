"""Events that may arrive out of order: the heartbeat thread flushes progress while the
worker thread finishes the job, so a progress event can land after "completed"."""

from __future__ import annotations

from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import Event, JobEvent
from photojobs.core.jobs.registry import HandlerRegistry
from photojobs.core.jobs.runner import run_job
from photojobs.core.jobs.store import JobStore
from photojobs.core.library import Library


def test_progress_flushed_after_completion_says_nothing_about_the_status(
    library: Library,
) -> None:
    store = JobStore(library.db, library.config)
    store.enqueue("counting", source="user")
    job = store.claim("w")
    assert job is not None
    sent: list[Event] = []
    ctx = JobContext(library, store, job, sent.append)
    registry = HandlerRegistry()
    registry.register("counting", lambda c, j: c.progress(10, 10))
    run_job(ctx, registry, "w")
    ctx.progress(7, 10)  # the heartbeat's flush, late: the job has completed meanwhile
    ctx.flush_progress()

    events = [e for e in sent if isinstance(e, JobEvent)]
    assert [e.status for e in events if not e.progress_only] == ["completed"]
    late = events[-1]
    assert late.progress_only and late.status == "" and late.progress_done == 7
    assert all(e.status != "running" for e in events), "no event may say running again"
