"""`upload_postprocess` and `generate_derivatives`: metadata, then thumbnails for the whole
batch before any preview, so the grid fills first. Image work runs on every core."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from photojobs.core.config import worker_count
from photojobs.core.db.models import Photo
from photojobs.core.formats import FileClass, classify
from photojobs.core.handlers.project_files import derivative_path
from photojobs.core.handlers.project_files import project_dir as job_project_dir
from photojobs.core.imaging import (
    DerivativeSpec,
    ImageError,
    PhotoSources,
    read_metadata,
    render_derivatives,
    source_fingerprint,
)
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import JobRecord

KINDS = ("thumbnail", "preview")


@dataclass(frozen=True)
class Work:
    photo_id: int
    base: str
    sources: PhotoSources
    fingerprint: str | None


@dataclass(frozen=True)
class Outcome:
    photo_id: int
    base: str
    status: str  # generated | failed | missing | not_supported | unchanged
    error: str | None = None
    metadata: dict[str, Any] | None = None


def upload_postprocess(ctx: JobContext, job: JobRecord) -> None:
    _process(ctx, job, with_metadata=True, force=False)


def generate_derivatives(ctx: JobContext, job: JobRecord) -> None:
    _process(ctx, job, with_metadata=False, force=bool(job.payload.get("force")))


def _process(ctx: JobContext, job: JobRecord, *, with_metadata: bool, force: bool) -> None:
    project_dir = job_project_dir(ctx, job)
    works = _works(ctx, job, project_dir)
    specs = {
        k: DerivativeSpec(
            k,
            int(ctx.config.get(f"processing.{k}.max_dim")),
            int(ctx.config.get(f"processing.{k}.quality")),
        )
        for k in KINDS
    }
    limit = int(ctx.config.get("processing.max_image_pixels"))
    total, done = 2 * len(works), 0
    ctx.progress(0, total)
    with ThreadPoolExecutor(worker_count(ctx.config), thread_name_prefix="imaging") as pool:
        for kind in KINDS:

            def task(w: Work, kind: str = kind) -> Outcome:
                return _render(
                    w,
                    kind,
                    specs[kind],
                    project_dir,
                    limit,
                    with_metadata and kind == "thumbnail",
                    force,
                )

            for outcome in _ordered(pool, task, works, ctx.cancelled):
                _record(ctx, job, kind, outcome)
                done += 1
                ctx.progress(done, total)
            ctx.check_cancelled()
    ctx.emit(PhotosChanged(job.project_id or "", tuple(w.photo_id for w in works)))


def _ordered(
    pool: ThreadPoolExecutor,
    fn: Callable[[Work], Outcome],
    works: list[Work],
    cancelled: Callable[[], bool],
) -> Iterator[Outcome]:
    """Results in order with a bounded number in flight, stopping early on cancel."""
    window = max(2, pool._max_workers * 2)
    pending: list[Future[Outcome]] = []
    it = iter(works)
    for w in it:
        pending.append(pool.submit(fn, w))
        if len(pending) >= window:
            break
    while pending:
        outcome = pending.pop(0).result()
        yield outcome
        if cancelled():
            for f in pending:
                f.cancel()
            return
        nxt = next(it, None)
        if nxt is not None:
            pending.append(pool.submit(fn, nxt))


def _render(
    w: Work,
    kind: str,
    spec: DerivativeSpec,
    project_dir: Path,
    limit: int,
    with_metadata: bool,
    force: bool,
) -> Outcome:
    metadata = None
    if with_metadata:
        metadata = _metadata(w)
    target = derivative_path(project_dir, kind, w.base)
    if not (w.sources.jpg or w.sources.raw or w.sources.other):
        return Outcome(w.photo_id, w.base, "missing", "no image file left", metadata)
    if not force and w.fingerprint is not None and target.exists():
        return Outcome(w.photo_id, w.base, "unchanged", None, metadata)
    try:
        render_derivatives(w.sources, [(spec, target)], pixel_limit=limit)
    except ImageError as e:
        status = "not_supported" if "not supported" in e.reason else "failed"
        return Outcome(w.photo_id, w.base, status, str(e), metadata)
    return Outcome(w.photo_id, w.base, "generated", None, metadata)


def _metadata(w: Work) -> dict[str, Any] | None:
    for path in (w.sources.jpg, w.sources.raw, w.sources.other):
        if path is not None:
            try:
                return asdict(read_metadata(path))
            except ImageError as e:
                return {"error": str(e)}
    return None


def _record(ctx: JobContext, job: JobRecord, kind: str, o: Outcome) -> None:
    with ctx.db.write() as s:
        row = s.get(Photo, o.photo_id)
        if row is None:
            return
        if o.status != "unchanged":
            setattr(row, f"{kind}_status", o.status)
            setattr(row, f"{kind}_error", o.error)
        if o.metadata and "error" not in o.metadata:
            _apply_metadata(row, o.metadata)
        row.updated_at = time.time()
    failed = o.status in ("failed", "missing", "not_supported")
    ctx.item(f"{o.base}:{kind}", "failed" if failed else "done", o.error, o.photo_id)


def _apply_metadata(row: Photo, m: dict[str, Any]) -> None:
    for column in (
        "date_taken",
        "date_source",
        "camera_make",
        "camera_model",
        "lens",
        "width",
        "height",
        "iso",
        "exposure_time",
        "aperture",
        "focal_length",
    ):
        setattr(row, column, m.get(column))
    row.metadata_json = json.dumps({"orientation": m.get("orientation")} | m.get("extra", {}))


def _works(ctx: JobContext, job: JobRecord, project_dir: Path) -> list[Work]:
    bases = job.payload.get("bases")
    with ctx.db.read() as s:
        query = select(Photo).where(Photo.project_id == job.project_id).order_by(Photo.base)
        if bases:
            query = query.where(Photo.base.in_(bases))
        rows = [(r.id, r.base, json.loads(r.files_json)) for r in s.scalars(query)]
    works = []
    for photo_id, base, files in rows:
        sources = _sources(project_dir, files)
        main = sources.jpg or sources.raw or sources.other
        fingerprint = None
        if main is not None and main.exists():
            fingerprint = source_fingerprint(main)
        works.append(Work(photo_id, base, sources, fingerprint))
    _forget_changed(ctx, works)
    return works


def _forget_changed(ctx: JobContext, works: list[Work]) -> None:
    """A photo whose source changed since its derivatives were made gets them made again."""
    with ctx.db.write() as s:
        for i, w in enumerate(works):
            row = s.get(Photo, w.photo_id)
            if row is not None and row.source_fingerprint != w.fingerprint:
                row.source_fingerprint = w.fingerprint
                works[i] = Work(w.photo_id, w.base, w.sources, None)


def _sources(project_dir: Path, files: list[str]) -> PhotoSources:
    by_class: dict[FileClass, Path] = {}
    for name in files:
        cls = classify(name)
        if cls is not None and cls not in by_class:
            by_class[cls] = project_dir / name
    return PhotoSources(
        by_class.get(FileClass.JPG), by_class.get(FileClass.RAW), by_class.get(FileClass.OTHER)
    )
