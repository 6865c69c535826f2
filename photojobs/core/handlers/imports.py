"""`import_files`: copy the chosen files into the project, one checked copy per item.

The folder is listed once per job, not once per file (a 2,000-photo card into a big
project was quadratic). Each new photo gets the thumbnail its camera embedded as a
stand-in, and rows for the photos copied so far are written every half second, so the
grid shows pictures within a second of each copy, long before the card is done. Meanwhile
the image pool makes the real thumbnails and previews of the photos copied
(`import_derivatives`), recorded with those rows, and they replace the stand-ins.
"""

from __future__ import annotations

import os
import time
from collections.abc import Set
from pathlib import Path
from typing import Any

from sqlalchemy import select

from photojobs.core.crash_points import crash_point
from photojobs.core.db.models import Photo
from photojobs.core.formats import FileClass, classify, split_name
from photojobs.core.handlers.capture_facts import apply_facts, facts_of_photo, read_facts
from photojobs.core.handlers.derivative_work import Outcome
from photojobs.core.handlers.derivatives import record_made
from photojobs.core.handlers.import_derivatives import DerivativesWhileCopying
from photojobs.core.handlers.project_files import derivative_target
from photojobs.core.handlers.project_files import project_dir as _project_dir
from photojobs.core.handlers.sidecars import report
from photojobs.core.imaging.embedded import embedded_thumbnail, write_stand_in
from photojobs.core.importing import (
    LEFTOVER_REMOVED,
    ImportCopyError,
    copy_checked,
    remove_leftovers,
)
from photojobs.core.jobs.context import JobContext
from photojobs.core.jobs.events import PhotosChanged
from photojobs.core.jobs.model import JobRecord
from photojobs.core.paths import UnsafePathError
from photojobs.core.photos import list_folder, scan_project
from photojobs.core.storage_errors import DiskFullError, is_disk_full
from photojobs.core.trash import move_to_trash
from photojobs.core.xmp.sync import read_sidecars

# Rows for the photos copied so far are written and announced this often during an import.
PUBLISH_SECONDS = 0.5


def import_files(ctx: JobContext, job: JobRecord) -> None:
    """Items are source paths; payload: verdicts by source and the duplicate policy."""
    project_dir = _project_dir(ctx, job)
    for name in remove_leftovers(project_dir):  # an earlier run of an import was killed
        ctx.item(f".{name}.importing", "done", LEFTOVER_REMOVED, name=name)
    verdicts: dict[str, str] = job.payload.get("verdicts", {})
    items = ctx.pending_items()
    names = _Names(project_dir)
    renders = DerivativesWhileCopying(ctx, project_dir, [s for s, _ in items], names.all())
    facts: dict[str, dict[str, Any] | None] = {}  # by file name, read as each is copied
    try:
        found = _copy_all(ctx, job, project_dir, items, names, renders, facts)
    except BaseException:
        renders.abandon()  # what they made is left unrecorded, for the derivatives job
        raise
    renders.finish()
    found |= _publish_rows(ctx, job, project_dir, facts, renders.take_made())
    # Ratings, labels and keywords an editor already wrote appear with the photos.
    report(ctx, read_sidecars(ctx.db, job.project_id or "", project_dir))
    # Photos the scan met for the first time (dropped in by hand) get derivatives too.
    wanted = {Path(p).name.rpartition(".")[0] for p in verdicts} | found
    ctx.next_payload = {"bases": sorted(wanted)}
    with ctx.db.read() as s:
        ids = list(s.scalars(select(Photo.id).where(Photo.project_id == job.project_id)))
    ctx.emit(PhotosChanged(job.project_id or "", tuple(ids)))


def _copy_all(
    ctx: JobContext,
    job: JobRecord,
    project_dir: Path,
    items: list[tuple[str, int | None]],
    names: _Names,
    renders: DerivativesWhileCopying,
    facts: dict[str, dict[str, Any] | None],
) -> set[str]:
    """Copy every item; rows, and the derivatives made so far, every half second. The
    bases the scans added or updated."""
    policy = job.payload.get("on_duplicate", "skip")
    total = job.progress_total or len(items)
    done = total - len(items)
    stand_ins: dict[str, FileClass] = {}  # base -> the class of file it came from
    found: set[str] = set()
    copied_since, published_at = False, time.monotonic()
    for source, _ in items:
        ctx.check_cancelled()
        src = Path(source)
        copied_as = None
        try:
            copied_as, skipped = _import_one(ctx, job, project_dir, src, policy, names)
            if copied_as is not None:
                facts[copied_as] = read_facts(project_dir / copied_as)
                _stand_in_thumbnail(project_dir, copied_as, stand_ins, renders.started)
            ctx.item(source, "skipped" if skipped else "done", skipped, name=src.name)
        except ImportCopyError as e:
            ctx.item(source, "failed", e.reason, name=e.name)
        except OSError as e:
            if is_disk_full(e):  # every file after it would fail too: the job stops here
                raise DiskFullError(f"{src.name} and later files not copied yet") from e
            ctx.item(source, "failed", str(e.strerror or e), name=src.name)
        renders.file_done(source, copied_as)
        done += 1
        ctx.progress(done, total)
        copied_since |= copied_as is not None
        news = copied_since or renders.has_made
        due = time.monotonic() - published_at >= PUBLISH_SECONDS or renders.first_screen_made
        if news and due:
            found |= _publish_rows(ctx, job, project_dir, facts, renders.take_made())
            copied_since, published_at = False, time.monotonic()
    return found


def _publish_rows(
    ctx: JobContext,
    job: JobRecord,
    project_dir: Path,
    facts: dict[str, dict[str, Any] | None],
    made: list[Outcome],
) -> set[str]:
    """Rows for the files copied so far, with their date taken (so a grid sorted by date
    never reshuffles), and the derivatives made so far, recorded as the derivatives job
    records them, announced at once: the grid shows them, stand-in or real thumbnails,
    while the rest of the card is still being copied. The bases added or updated."""
    new_facts = _facts_of_new_photos(ctx, job.project_id or "", project_dir, facts)
    with ctx.db.write() as s:
        found = scan_project(s, job.project_id or "", project_dir)
        added = select(Photo).where(Photo.project_id == job.project_id, Photo.base.in_(found.added))
        ids = []
        for row in s.scalars(added):
            if (m := new_facts.get(row.base)) is not None:
                apply_facts(row, m)
            ids.append(row.id)
        ids += record_made(s, job.project_id or "", made)
    if made:
        crash_point("import.derivatives_recorded")
    if ids:
        ctx.emit(PhotosChanged(job.project_id or "", tuple(dict.fromkeys(ids))))
    return set(found.added) | set(found.updated)


def _facts_of_new_photos(
    ctx: JobContext, project_id: str, project_dir: Path, known: dict[str, dict[str, Any] | None]
) -> dict[str, dict[str, Any] | None]:
    """Facts of the photos on disk the database has no row for yet; files copied by an
    earlier, interrupted run are read now."""
    listing = list_folder(project_dir)
    with ctx.db.read() as s:
        rows = set(s.scalars(select(Photo.base).where(Photo.project_id == project_id)))
    return {
        base: facts_of_photo(project_dir, files, known)
        for base, files in listing.photos.items()
        if base not in rows
    }


class _Names:
    """The project folder's file names, listed once and kept up to date by this job."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.by_folded: dict[str, set[str]] = {}
        for name in os.listdir(folder):
            self.add(name)

    def all(self) -> list[str]:
        return [name for same in self.by_folded.values() for name in same]

    def add(self, name: str) -> None:
        self.by_folded.setdefault(name.casefold(), set()).add(name)

    def discard(self, name: str) -> None:
        self.by_folded.get(name.casefold(), set()).discard(name)

    def existing(self, name: str) -> Path | None:
        """The file with this name exactly, else one whose name differs only in case (with
        both present, the exact one: never an unrelated photo's file)."""
        same = self.by_folded.get(name.casefold(), set())
        for found in sorted(same, key=lambda n: (n != name, n)):
            if (self.folder / found).is_file():
                return self.folder / found
        return None

    def free_name(self, name: str) -> str:
        """`IMG_1.JPG` -> `IMG_1-2.JPG`, `IMG_1-3.JPG`... the first not taken (any case)."""
        base, ext = split_name(name)
        n = 2
        while self.by_folded.get(f"{base}-{n}.{ext}".casefold()):
            n += 1
        return f"{base}-{n}.{ext}"


def _stand_in_thumbnail(
    project_dir: Path, name: str, made: dict[str, FileClass], rendered: Set[str]
) -> None:
    """The camera's own small thumbnail in `.thumb/`, until the real one replaces it.

    Only for a photo that has no thumbnail yet (a RAW completing a JPG keeps the JPG's);
    the JPG's wins over its RAW's, as it does for the derivatives. Never over a photo
    whose real thumbnail is being made or was made (`rendered`).
    """
    cls = classify(name)
    if cls not in (FileClass.JPG, FileClass.RAW):
        return
    base = split_name(name)[0]
    if base in rendered:
        return
    try:
        target = derivative_target(project_dir, "thumbnail", base)
    except UnsafePathError:
        return
    replace_raws = cls is FileClass.JPG and made.get(base) is FileClass.RAW
    if target.exists() and not replace_raws:
        return
    picture = embedded_thumbnail(project_dir / name, raw=cls is FileClass.RAW)
    if picture is not None:
        write_stand_in(picture, target)
        made[base] = cls


def _import_one(
    ctx: JobContext,
    job: JobRecord,
    project_dir: Path,
    src: Path,
    policy: str,
    names: _Names,
) -> tuple[str | None, str | None]:
    """(the name copied in under, None) or (None, why it was skipped)."""
    copied, skipped = _copy_one(ctx, job, project_dir, src, policy, names)
    if copied is not None:
        names.add(copied)
    return copied, skipped


def _copy_one(
    ctx: JobContext,
    job: JobRecord,
    project_dir: Path,
    src: Path,
    policy: str,
    names: _Names,
) -> tuple[str | None, str | None]:
    name = src.name
    existing = names.existing(name)
    if existing is None:
        copy_checked(src, project_dir, name)
        return name, None
    if _same_file(src, existing):
        return None, "already in the project"
    if policy == "skip":
        return None, "a different file with this name is in the project (skipped)"
    if policy == "overwrite" and (existing.name == name or (project_dir / name).exists()):
        # The same file (on a case-insensitive disk, whatever its case): replaced.
        old = existing.name

        def trash_old() -> None:  # only once the new copy is complete and verified
            names.discard(old)
            move_to_trash(
                ctx.db,
                job.project_id or "",
                project_dir,
                old,
                split_name(old)[0],
                None,
                job.task_id,
            )

        copy_checked(src, project_dir, name, make_room=trash_old)
        return name, None
    # rename, or a name that differs only in case from another photo's file: that photo
    # is not this one (bases match exactly), so it is never replaced.
    name = names.free_name(name)
    copy_checked(src, project_dir, name)
    return name, None


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
