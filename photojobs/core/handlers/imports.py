"""`import_files`: copy the chosen files into the project, one checked copy per item."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from photojobs.core.db.models import Photo
from photojobs.core.handlers.project_files import project_dir as _project_dir
from photojobs.core.importing import ImportCopyError, copy_checked, free_name
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import JobRecord
from photojobs.core.photos import scan_project
from photojobs.core.trash import move_to_trash


def import_files(ctx: JobContext, job: JobRecord) -> None:
    """Items are source paths; payload: verdicts by source and the duplicate policy."""
    project_dir = _project_dir(ctx, job)
    policy = job.payload.get("on_duplicate", "skip")
    verdicts: dict[str, str] = job.payload.get("verdicts", {})
    items = ctx.pending_items()
    total = job.progress_total or len(items)
    done = total - len(items)
    for source, _ in items:
        ctx.check_cancelled()
        src = Path(source)
        try:
            message = _import_one(ctx, job, project_dir, src, verdicts.get(source), policy)
            ctx.item(source, "done" if message is None else "skipped", message)
        except (OSError, ImportCopyError) as e:
            ctx.item(source, "failed", f"{src.name}: {getattr(e, 'strerror', None) or e}")
        done += 1
        ctx.progress(done, total)
    with ctx.db.write() as s:
        found = scan_project(s, job.project_id or "", project_dir)
        ids = list(s.scalars(select(Photo.id).where(Photo.project_id == job.project_id)))
    # Photos the scan met for the first time (dropped in by hand) get derivatives too.
    wanted = {Path(p).name.rpartition(".")[0] for p in verdicts}
    wanted |= set(found.added) | set(found.updated)
    ctx.next_payload = {"bases": sorted(wanted)}
    ctx.emit(PhotosChanged(job.project_id or "", tuple(ids)))


def _import_one(
    ctx: JobContext,
    job: JobRecord,
    project_dir: Path,
    src: Path,
    _verdict: str | None,
    policy: str,
) -> str | None:
    name = src.name
    existing = next(
        (p for p in project_dir.iterdir() if p.name.casefold() == name.casefold()), None
    )
    if existing is not None and existing.is_file():
        if _same_file(src, existing):
            return f"{name}: already in the project"
        if policy == "skip":
            return f"{name}: a different file with this name is in the project (skipped)"
        if policy == "overwrite":
            move_to_trash(
                ctx.db,
                job.project_id or "",
                project_dir,
                existing.name,
                existing.name.rpartition(".")[0],
                None,
                job.task_id,
            )
        else:
            name = free_name(project_dir, name)
    copy_checked(src, project_dir, name)
    return None


def _same_file(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True
