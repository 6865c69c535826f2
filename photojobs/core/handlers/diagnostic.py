"""Diagnostic jobs: measure the engine itself (benchmarks) and prove recovery (crash tests)."""

from __future__ import annotations

import time

from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.model import JobRecord
from photojobs.core.jobs.registry import HandlerRegistry


def noop(ctx: JobContext, job: JobRecord) -> None:
    """Does nothing: what is left is the engine's own cost."""


def wait(ctx: JobContext, job: JobRecord) -> None:
    """Works through its items, `seconds` each, resuming after a crash where it stopped."""
    per_item = float(job.payload.get("seconds", 0.1))
    items = ctx.pending_items()
    total = job.progress_total or len(items)
    done = total - len(items)
    for key, photo_id in items:
        ctx.check_cancelled()
        ctx.item(key, "running", photo_id=photo_id)
        time.sleep(per_item)
        ctx.item(key, "done", photo_id=photo_id)
        done += 1
        ctx.progress(done, total)
    if not items and per_item:
        time.sleep(per_item)


def register(registry: HandlerRegistry) -> None:
    registry.register("diagnostic_noop", noop)
    registry.register("diagnostic_wait", wait)
