"""`sidecar_sync`: marks to XMP sidecars, in the background, one write per photo however
many keys were pressed (core/xmp/queue.py coalesces the requests)."""

from __future__ import annotations

from photojobs.core.handlers.project_files import project_dir
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import ItemReport, JobRecord
from photojobs.core.xmp.sync import READ, SidecarOutcome, pending_writes, write_sidecars

CHUNK = 100  # photos between two progress reports and cancel checks


def sidecar_sync(ctx: JobContext, job: JobRecord) -> None:
    """Write every pending sidecar of the project (none when `xmp.write_sidecars` is off)."""
    if not ctx.config.get("xmp.write_sidecars"):
        return
    folder = project_dir(ctx, job)
    project_id = job.project_id or ""
    naming = str(ctx.config.get("xmp.sidecar_naming"))
    with ctx.db.read() as s:
        ids = pending_writes(s, project_id)
    for start in range(0, len(ids), CHUNK):
        ctx.check_cancelled()
        outcomes = write_sidecars(ctx.db, project_id, folder, naming, ids[start : start + CHUNK])
        report(ctx, outcomes)
        ctx.progress(min(start + CHUNK, len(ids)), len(ids))


def report(ctx: JobContext, outcomes: list[SidecarOutcome]) -> None:
    """Items for the job's details; the grid hears of photos whose marks a sidecar changed."""
    ctx.report_items([ItemReport(o.base, o.status, o.reason, o.name, o.photo_id) for o in outcomes])
    read = tuple(o.photo_id for o in outcomes if o.status == "done" and o.reason == READ)
    if read:
        ctx.emit(PhotosChanged(ctx.job.project_id or "", read))
