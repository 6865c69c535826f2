"""`upload_postprocess` and `generate_derivatives`: metadata, thumbnails and previews.

Each photo is decoded once, for both sizes: the entropy decode of a 24 MP JPEG is most of
the cost, so a separate thumbnails-first pass would pay it twice for the first screenful.
The grid does not wait for it meanwhile: the import already put the thumbnail the camera
embedded in the file in place (see `embedded_thumbnails`), and made the real ones of the
photos it could while copying (`import_derivatives`, recorded by `record_made`): those are
found unchanged here. Results are written in small batches, each one announced, so the
grid fills while the job runs. Image work runs on the process's one image pool (every
core), whatever the number of jobs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from photojobs.core.config import worker_count
from photojobs.core.db.models import Photo
from photojobs.core.handlers.capture_facts import apply_facts
from photojobs.core.handlers.derivative_work import (
    FAILED_STATUSES,
    Outcome,
    Work,
    fingerprint_of,
    render,
)
from photojobs.core.handlers.derivative_work import sources_of as _sources
from photojobs.core.handlers.project_files import project_dir as job_project_dir
from photojobs.core.imaging import DerivativeSpec
from photojobs.core.imaging.pool import image_pool
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import ItemReport, JobRecord

KINDS = ("thumbnail", "preview")
FLUSH_SECONDS = 0.25
FLUSH_OUTCOMES = 16


def upload_postprocess(ctx: JobContext, job: JobRecord) -> None:
    _process(ctx, job, with_metadata=True, force=False)


def generate_derivatives(ctx: JobContext, job: JobRecord) -> None:
    _process(ctx, job, with_metadata=False, force=bool(job.payload.get("force")))


def _process(ctx: JobContext, job: JobRecord, *, with_metadata: bool, force: bool) -> None:
    project_dir = job_project_dir(ctx, job)
    works = _works(ctx, job, project_dir)
    specs = derivative_specs(ctx)
    limit = int(ctx.config.get("processing.max_image_pixels"))
    recorder = _Recorder(ctx, job, total=2 * len(works))
    workers = worker_count(ctx.config)

    def task(w: Work) -> Outcome:
        return render(w, specs, project_dir, limit, with_metadata, force)

    # Two photos per thread in flight: enough to keep the threads busy while results are
    # recorded, few enough that a cancel stops soon and memory stays flat.
    for outcome in _ordered(image_pool(workers), task, works, ctx.cancelled, 2 * workers):
        recorder.add(outcome)
    recorder.flush()
    ctx.check_cancelled()


def derivative_specs(ctx: JobContext) -> list[DerivativeSpec]:
    """The sizes every photo gets, as the configuration asks."""
    return [
        DerivativeSpec(
            kind,
            int(ctx.config.get(f"processing.{kind}.max_dim")),
            int(ctx.config.get(f"processing.{kind}.quality")),
        )
        for kind in KINDS
    ]


def _ordered(
    pool: Executor,
    fn: Callable[[Work], Outcome],
    works: Sequence[Work],
    cancelled: Callable[[], bool],
    window: int,
) -> Iterator[Outcome]:
    """Results in order with at most `window` in flight, stopping early on cancel."""
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
                if not f.cancel():  # already running: its files get written, so record them
                    yield f.result()
            return
        nxt = next(it, None)
        if nxt is not None:
            pending.append(pool.submit(fn, nxt))


class _Recorder:
    """Writes outcomes to the photos and the job's items, a batch per transaction."""

    def __init__(self, ctx: JobContext, job: JobRecord, total: int):
        self.ctx, self.job, self.total = ctx, job, total
        self.done = 0
        self.pending: list[Outcome] = []
        self.made: dict[int, set[str]] = {}  # kinds written (or current) by this run
        self.last = time.monotonic()
        ctx.progress(0, total)

    def add(self, outcome: Outcome) -> None:
        self.pending.append(outcome)
        due = time.monotonic() - self.last >= FLUSH_SECONDS
        if due or len(self.pending) >= FLUSH_OUTCOMES:
            self.flush()

    def flush(self) -> None:
        outcomes, self.pending = self.pending, []
        self.last = time.monotonic()
        if not outcomes:
            return
        items = []
        with self.ctx.db.write() as s:
            for o in outcomes:
                row = s.get(Photo, o.photo_id)
                if row is None:
                    continue
                made = self.made.setdefault(o.photo_id, set())
                if o.status in ("generated", "unchanged"):
                    made.update(o.kinds)
                apply_outcome(row, o, all_made=made.issuperset(KINDS))
                failed = o.status in FAILED_STATUSES
                status = "failed" if failed else "done"
                name = o.name or o.base
                items += [
                    ItemReport(f"{o.base}:{k}", status, o.reason, name, o.photo_id) for k in o.kinds
                ]
        self.ctx.report_items(items)
        self.done += sum(len(o.kinds) for o in outcomes)
        self.ctx.progress(self.done, self.total)
        ids = tuple(dict.fromkeys(o.photo_id for o in outcomes))
        self.ctx.emit(PhotosChanged(self.job.project_id or "", ids))


def apply_outcome(row: Photo, o: Outcome, all_made: bool) -> None:
    """The fingerprint is stored only with the last derivative written from that source:
    a run cut short before (a crash, a cancel) leaves the old one, so the next run sees
    the source as changed and makes them all again."""
    if o.status != "unchanged":
        for kind in o.kinds:
            setattr(row, f"{kind}_status", o.status)
            setattr(row, f"{kind}_error", o.error)
    if all_made:
        row.source_fingerprint = o.fingerprint
    if o.metadata and "error" not in o.metadata:
        apply_facts(row, o.metadata)
    row.updated_at = time.time()


def record_made(session: Session, project_id: str, outcomes: Sequence[Outcome]) -> list[int]:
    """Derivatives made outside this job (an import makes them while it copies), recorded
    as this job records its own, so that it later finds those photos unchanged. Photos
    without a row are skipped. The ids of the photos recorded."""
    by_base = {o.base: o for o in outcomes if o.status == "generated"}
    if not by_base:
        return []
    rows = session.scalars(
        select(Photo).where(Photo.project_id == project_id, Photo.base.in_(by_base))
    )
    recorded = []
    for row in rows:
        o = by_base[row.base]
        apply_outcome(row, o, all_made=set(o.kinds).issuperset(KINDS))
        recorded.append(row.id)
    return recorded


def _works(ctx: JobContext, job: JobRecord, project_dir: Path) -> list[Work]:
    """The photos to process; a photo whose source changed, or whose derivatives were not
    all recorded as written (a crash, a cancel), gets them made again."""
    bases = job.payload.get("bases")
    query = select(Photo).where(Photo.project_id == job.project_id).order_by(Photo.base)
    if bases:
        query = query.where(Photo.base.in_(bases))
    with ctx.db.read() as s:
        rows = [
            (
                r.id,
                r.base,
                json.loads(r.files_json),
                r.source_fingerprint,
                all(getattr(r, f"{kind}_status") == "generated" for kind in KINDS),
            )
            for r in s.scalars(query)
        ]
    works = []
    for photo_id, base, files, known, generated in rows:
        sources = _sources(project_dir, files)
        fingerprint = fingerprint_of(sources)
        unchanged = generated and fingerprint is not None and fingerprint == known
        works.append(Work(photo_id, base, sources, fingerprint, unchanged))
    return works
