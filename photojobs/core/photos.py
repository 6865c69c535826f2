"""Photos in the database: what is on disk, what the photographer keeps, what is pending."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Table,
    and_,
    bindparam,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Result
from sqlalchemy.orm import Session

from photojobs.core.collector import collector_paused
from photojobs.core.db.models import Photo
from photojobs.core.formats import FolderListing, PhotoFiles, group_files
from photojobs.core.marks.tags import tags_of
from photojobs.core.natural import natural_text

# Capture facts kept as columns (sorted and filtered on); the rest is in metadata_json.
METADATA_COLUMNS = (
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
)


# The photographer's marks as columns (tags live in photo_tags); core/marks sets them.
MARK_COLUMNS = ("rating", "flag", "color_label", "marked_at")

IN_LIMIT = 10_000  # ids in one IN (...): well under SQLite's limit on bound variables


class KeepDecision(StrEnum):
    JPG_ONLY = "jpg_only"
    RAW_ONLY = "raw_only"
    BOTH = "both"
    NONE = "none"


def pending_clause() -> ColumnElement[bool]:
    """SQL for 'this photo has a file the photographer chose not to keep'."""
    return or_(
        and_(Photo.jpg_available, ~Photo.keep_jpg),
        and_(Photo.raw_available, ~Photo.keep_raw),
    )


@dataclass(frozen=True)
class PhotoRecord:
    """A photo row as plain data, safe to hand to another thread."""

    id: int
    project_id: str
    base: str
    files: tuple[str, ...]
    jpg_available: bool
    raw_available: bool
    other_available: bool
    keep_jpg: bool
    keep_raw: bool
    thumbnail_status: str
    preview_status: str
    date_taken: str | None
    rating: int = 0
    flag: str = "none"  # pick | reject | none
    label: str = "none"  # red | yellow | green | blue | purple | none
    tags: tuple[str, ...] = ()  # sorted; nested as "Places|Paris"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def pending_jpg(self) -> bool:
        return self.jpg_available and not self.keep_jpg

    @property
    def pending_raw(self) -> bool:
        return self.raw_available and not self.keep_raw

    @property
    def pending(self) -> bool:
        return self.pending_jpg or self.pending_raw

    @staticmethod
    def of(row: Photo | Row[Any], tags: Iterable[str] = ()) -> PhotoRecord:
        """From an ORM row or a Core row of at least RECORD_COLUMNS."""
        return PhotoRecord(
            row.id,
            row.project_id,
            row.base,
            tuple(json.loads(row.files_json)),
            row.jpg_available,
            row.raw_available,
            row.other_available,
            row.keep_jpg,
            row.keep_raw,
            row.thumbnail_status,
            row.preview_status,
            row.date_taken,
            row.rating,
            row.flag,
            row.color_label,
            tuple(sorted(tags)),
        )

    @staticmethod
    def of_columns(row: Sequence[Any], tags: Iterable[str] = ()) -> PhotoRecord:
        """From a row of exactly RECORD_COLUMNS, unpacked by position: reading 15 columns
        by name was half the time of listing 100k photos (`photos --json`)."""
        (id_, project_id, base, names, jpg, raw, other, keep_jpg, keep_raw) = row[:9]
        thumbnail, preview, taken, rating, flag, label = row[9:]
        return PhotoRecord(
            id_, project_id, base, tuple(_decode(names)), jpg, raw, other, keep_jpg,
            keep_raw, thumbnail, preview, taken, rating, flag, label, tuple(sorted(tags)),
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "base": self.base,
            "files": list(self.files),
            "jpg_available": self.jpg_available,
            "raw_available": self.raw_available,
            "other_available": self.other_available,
            "keep_jpg": self.keep_jpg,
            "keep_raw": self.keep_raw,
            "pending": self.pending,
            "thumbnail_status": self.thumbnail_status,
            "preview_status": self.preview_status,
            "date_taken": self.date_taken,
            "rating": self.rating,
            "flag": self.flag,
            "label": self.label,
            "tags": list(self.tags),
        }


# -- reading the folder -------------------------------------------------------------------


def list_folder(project_dir: Path, hidden: list[os.DirEntry[str]] | None = None) -> FolderListing:
    """Group the project's visible top-level files into photos; sub-folders count as unknown.
    Hidden entries are left out, or collected into `hidden` for a caller that wants them
    from the same listing."""
    names, folders, undecodable = [], [], []
    with collector_paused():  # a listing is some 300,000 objects at 100k photos
        with os.scandir(project_dir) as it:
            for entry in it:
                if entry.name.startswith("."):
                    if hidden is not None:
                        hidden.append(entry)
                    continue
                if not (entry.name.isascii() or _is_utf8(entry.name)):  # cannot be stored
                    raw = entry.name.encode("utf-8", "surrogateescape")
                    undecodable.append(raw.decode("utf-8", "backslashreplace"))
                elif entry.is_file(follow_symlinks=False):
                    names.append(entry.name)
                else:
                    folders.append(entry.name + "/")
        listing = group_files(names)
    listing.unknown.extend(sorted(folders) + sorted(undecodable))
    return listing


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class ScanResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def apply_files(row: Photo, files: PhotoFiles, now: float) -> bool:
    """Bring one row in line with the files on disk; a newly present format starts kept."""
    jpg, raw, other = bool(files.jpg), bool(files.raw), bool(files.other)
    names = files_json(files)
    if (row.jpg_available, row.raw_available, row.other_available, row.files_json) == (
        jpg,
        raw,
        other,
        names,
    ):
        return False
    if jpg and not row.jpg_available:
        row.keep_jpg = True
    if raw and not row.raw_available:
        row.keep_raw = True
    row.jpg_available, row.raw_available, row.other_available = jpg, raw, other
    row.files_json, row.updated_at = names, now
    return True


SNAPSHOT_COLUMNS = (
    "id",
    "created_at",
    "keep_jpg",
    "keep_raw",
    *METADATA_COLUMNS,
    "metadata_json",
    *MARK_COLUMNS,
)


def snapshot_of(row: Photo | Row[Any], tags: Iterable[str] = ()) -> dict[str, Any]:
    """What makes a photo the same photo after its files come back from the trash: its
    columns (id, capture facts, decisions, marks) and its tags."""
    snapshot = {column: getattr(row, column) for column in SNAPSHOT_COLUMNS}
    snapshot["tags"] = sorted(tags)
    return snapshot


def snapshot_tags(snapshot: dict[str, Any]) -> frozenset[str]:
    """The tags a snapshot kept (none in snapshots from before tags were kept)."""
    tags = snapshot.get("tags")
    return (
        frozenset(t for t in tags if isinstance(t, str) and t)
        if isinstance(tags, list)
        else frozenset()
    )


def photo_from_snapshot(
    session: Session, project_id: str, files: PhotoFiles, snapshot: dict[str, Any], now: float
) -> Photo:
    """A new row for a restored photo whose row a commit removed: its old id when still
    free, its capture facts; the keep flags follow the files now present."""
    row = new_photo(project_id, files, now)
    for column in SNAPSHOT_COLUMNS:
        if column in snapshot and column not in ("id", "keep_jpg", "keep_raw"):
            setattr(row, column, snapshot[column])
    old_id = snapshot.get("id")
    if isinstance(old_id, int) and session.get(Photo, old_id) is None:
        row.id = old_id
    return row


def new_photo(project_id: str, files: PhotoFiles, now: float) -> Photo:
    row = Photo(
        project_id=project_id,
        base=files.base,
        natural_name=natural_text(files.base),
        created_at=now,
        updated_at=now,
        jpg_available=False,
        raw_available=False,
        other_available=False,
        keep_jpg=False,
        keep_raw=False,
        files_json="[]",
    )
    apply_files(row, files, now)
    return row


SCAN_BATCH = 1_000  # photos per statement of a scan: bounded memory, few round trips


def scan_project(
    session: Session, project_id: str, project_dir: Path, listing: FolderListing | None = None
) -> ScanResult:
    """Reconcile the photos table with the folder: add, update, and drop photos with no files.
    `listing`: the folder as the caller just read it (else it is read here).

    Rows are read and written a batch at a time as plain tuples and Core statements, in
    the caller's transaction: no ORM object per photo (545 MB for 100k photos)."""
    if listing is None:
        listing = list_folder(project_dir)
    now = time.time()
    result = ScanResult(unknown=listing.unknown)
    bases = list(listing.photos)
    for start in range(0, len(bases), SCAN_BATCH):
        batch = [listing.photos[base] for base in bases[start : start + SCAN_BATCH]]
        _scan_batch(session, project_id, batch, now, result)
    gone = [
        (photo_id, base)
        for photo_id, base in session.execute(
            select(Photo.id, Photo.base).where(Photo.project_id == project_id)
        )
        if base not in listing.photos
    ]
    for start in range(0, len(gone), IN_LIMIT):
        chunk = gone[start : start + IN_LIMIT]
        session.execute(delete(Photo).where(Photo.id.in_([i for i, _ in chunk])))
        result.removed += [base for _, base in chunk]
    return result


def _scan_batch(
    session: Session, project_id: str, batch: list[PhotoFiles], now: float, result: ScanResult
) -> None:
    """Insert the photos of one batch the table lacks, update those whose files changed."""
    known = {
        base: (photo_id, (bool(jpg), bool(raw), bool(other), files_json))
        for photo_id, base, jpg, raw, other, files_json in session.execute(
            select(*FILES_STATE_COLUMNS).where(
                Photo.project_id == project_id, Photo.base.in_([f.base for f in batch])
            )
        )
    }
    added: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    for files in batch:
        found = known.get(files.base)
        if found is None:
            jpg, raw, other = bool(files.jpg), bool(files.raw), bool(files.other)
            added.append(
                {
                    "project_id": project_id,
                    "base": files.base,
                    "natural_name": natural_text(files.base),
                    "created_at": now,
                    "updated_at": now,
                    "jpg_available": jpg,
                    "raw_available": raw,
                    "other_available": other,
                    "keep_jpg": jpg,  # a new photo starts with everything kept
                    "keep_raw": raw,
                    "files_json": files_json(files),
                }
            )
            result.added.append(files.base)
            continue
        photo_id, was = found
        change = files_change(photo_id, was, files, now)
        if change is not None:
            updated.append(change)
            result.updated.append(files.base)
    if added:
        session.execute(PHOTOS.insert(), added)  # Core, no ORM bulk step: 445 -> 331 ms / 25k
    update_photos(session, updated)


PHOTOS = cast(Table, Photo.__table__)
FilesState = tuple[bool, bool, bool, str]  # jpg, raw, other available; files_json
# id, base, then a row's FilesState as stored (read as plain tuples: no ORM object)
FILES_STATE_COLUMNS = (
    Photo.id,
    Photo.base,
    Photo.jpg_available,
    Photo.raw_available,
    Photo.other_available,
    Photo.files_json,
)


def files_json(files: PhotoFiles) -> str:
    """The photo's file names as stored in `files_json`: exactly `json.dumps(sorted names,
    ensure_ascii=False)`, made with json's own C string encoder and no JSONEncoder built
    per call (a maintenance pass makes one for each of 100k photos to compare)."""
    return "[" + ", ".join(map(_json_string, files.files)) + "]"


_decode = json.JSONDecoder().decode  # json.loads without its per-call argument checks
_json_string = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False


def files_state(files: PhotoFiles) -> FilesState:
    """What a row's file columns should hold for these files on disk."""
    names = files_json(files)  # as apply_files writes them
    return bool(files.jpg), bool(files.raw), bool(files.other), names


def files_change(
    photo_id: int, was: FilesState, files: PhotoFiles, now: float
) -> dict[str, Any] | None:
    """`apply_files` as the columns to update (None when the row is in line), for rows
    read as plain tuples and written by `update_photos`."""
    jpg, raw, other, names = now_state = files_state(files)
    if was == now_state:
        return None
    change: dict[str, Any] = {"id": photo_id, "jpg_available": jpg, "raw_available": raw}
    change |= {"other_available": other, "files_json": names, "updated_at": now}
    if jpg and not was[0]:  # a newly present format starts kept
        change["keep_jpg"] = True
    if raw and not was[1]:
        change["keep_raw"] = True
    return change


def update_photos(session: Session, changes: list[dict[str, Any]]) -> None:
    """Photo rows updated by id, one executemany per set of columns (it needs the same
    keys in every row). A Core statement on the table: the ORM's bulk update by primary
    key cost a commit of 50k photos seconds of bookkeeping for nothing it needed."""
    by_keys: dict[frozenset[str], list[dict[str, Any]]] = {}
    for change in changes:
        by_keys.setdefault(frozenset(change), []).append(change)
    table = cast(Table, Photo.__table__)
    for group in by_keys.values():
        rows = [{**c, "photo_id_": c["id"]} for c in group]
        for row in rows:
            del row["id"]
        session.execute(update(table).where(table.c.id == bindparam("photo_id_")), rows)


# -- decisions ------------------------------------------------------------------------------


def photos_of(session: Session, project_id: str, pending_only: bool = False) -> list[PhotoRecord]:
    where = [Photo.project_id == project_id]
    if pending_only:
        where.append(pending_clause())
    return list(iter_records(session, where))


RECORD_COLUMNS = (
    Photo.id,
    Photo.project_id,
    Photo.base,
    Photo.files_json,
    Photo.jpg_available,
    Photo.raw_available,
    Photo.other_available,
    Photo.keep_jpg,
    Photo.keep_raw,
    Photo.thumbnail_status,
    Photo.preview_status,
    Photo.date_taken,
    Photo.rating,
    Photo.flag,
    Photo.color_label,
)


def iter_records(
    session: Session, where: Sequence[ColumnElement[bool]], batch: int = SCAN_BATCH
) -> Iterator[PhotoRecord]:
    """The photos matching `where` with their tags, in natural order of base name (SLOW_2,
    SLOW_10), streamed a batch at a time: SQLite walks `photos_project_name` for the order
    (no sort of 100k names in Python), and only one batch of rows is held."""
    query = select(*RECORD_COLUMNS).where(*where).order_by(Photo.natural_name, Photo.base)
    result: Result[Any] = session.execute(query.execution_options(yield_per=batch))
    for rows in result.partitions():
        tags = tags_of(session, [row[0] for row in rows])
        for row in rows:
            yield PhotoRecord.of_columns(row, tags.get(row[0], ()))


class DecisionError(ValueError):
    pass


def decide(row: Photo, decision: KeepDecision) -> None:
    """Set the keep flags of one photo; a decision about a format it lacks is refused."""
    needs_jpg = decision in (KeepDecision.JPG_ONLY, KeepDecision.BOTH)
    needs_raw = decision in (KeepDecision.RAW_ONLY, KeepDecision.BOTH)
    missing = [
        n
        for n, need, have in (
            ("JPG", needs_jpg, row.jpg_available),
            ("RAW", needs_raw, row.raw_available),
        )
        if need and not have
    ]
    if missing:
        raise DecisionError(f"{row.base}: has no {' or '.join(missing)} file to keep")
    if decision is KeepDecision.NONE and not (row.jpg_available or row.raw_available):
        raise DecisionError(f"{row.base}: has no JPG or RAW file to discard")
    row.keep_jpg = row.jpg_available and needs_jpg
    row.keep_raw = row.raw_available and needs_raw
    row.updated_at = time.time()


def set_keep(
    session: Session, project_id: str, bases: Sequence[str], decision: KeepDecision
) -> list[str]:
    """Apply a decision to photos by base name; returns one message per photo refused."""
    rows = {
        r.base: r
        for r in session.scalars(
            select(Photo).where(Photo.project_id == project_id, Photo.base.in_(bases))
        )
    }
    errors = []
    for base in bases:
        row = rows.get(base)
        if row is None:
            errors.append(f"{base}: no such photo in this project")
            continue
        try:
            decide(row, decision)
        except DecisionError as e:
            errors.append(str(e))
    return errors


def keep_flags(
    session: Session, project_id: str, *, bases: Sequence[str] = (), pending_only: bool = False
) -> dict[int, tuple[bool, bool]]:
    """photo id -> (keep JPG, keep RAW) for these photos, or every pending one."""
    query = select(Photo.id, Photo.keep_jpg, Photo.keep_raw).where(Photo.project_id == project_id)
    if bases:
        query = query.where(Photo.base.in_(list(bases)))
    if pending_only:
        query = query.where(pending_clause())
    return {i: (bool(j), bool(r)) for i, j, r in session.execute(query)}


def set_keep_flags(
    session: Session, project_id: str, flags: dict[int, tuple[bool, bool]]
) -> list[int]:
    """Put keep flags back as an undo or redo remembers them. A flag for a format the photo
    no longer has is ignored. Returns the photos that changed."""
    changed = []
    ids = list(flags)
    chunks = (ids[i : i + IN_LIMIT] for i in range(0, len(ids), IN_LIMIT))
    rows = (
        row
        for chunk in chunks
        for row in session.scalars(
            select(Photo).where(Photo.project_id == project_id, Photo.id.in_(chunk))
        )
    )
    for row in rows:
        keep_jpg, keep_raw = flags[row.id]
        new = (row.jpg_available and keep_jpg, row.raw_available and keep_raw)
        if new != (row.keep_jpg, row.keep_raw):
            row.keep_jpg, row.keep_raw = new
            row.updated_at = time.time()
            changed.append(row.id)
    return changed


def revert(session: Session, project_id: str, photo_ids: Iterable[int] | None = None) -> int:
    """Every keep flag back to availability; touches no file. Returns how many photos changed."""
    query = select(Photo).where(Photo.project_id == project_id, pending_clause())
    if photo_ids is not None:
        query = query.where(Photo.id.in_(list(photo_ids)))
    rows = list(session.scalars(query))
    for row in rows:
        row.keep_jpg, row.keep_raw = row.jpg_available, row.raw_available
        row.updated_at = time.time()
    return len(rows)


@dataclass(frozen=True)
class PendingCounts:
    photos: int
    jpg: int
    raw: int


def pending_counts(session: Session, project_id: str) -> PendingCounts:
    rows = session.execute(
        select(Photo.jpg_available & ~Photo.keep_jpg, Photo.raw_available & ~Photo.keep_raw).where(
            Photo.project_id == project_id, pending_clause()
        )
    ).all()
    return PendingCounts(len(rows), sum(1 for j, _ in rows if j), sum(1 for _, r in rows if r))


def drop_empty_photos(session: Session, project_id: str) -> int:
    """Remove rows for photos with no file left in any class."""
    result = session.execute(
        delete(Photo).where(
            Photo.project_id == project_id,
            Photo.files_json == "[]",
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
