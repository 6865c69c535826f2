"""Photo rows for the grid, read a page at a time; filters and sorts as SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, not_, select

from photojobs.core.db import Database
from photojobs.core.db.models import Photo
from photojobs.core.db.raw import first_column
from photojobs.core.decisions import SHORT_WORDS, keeps_everything, kept
from photojobs.core.marks import ColorLabel, Flag
from photojobs.core.marks.filters import PhotoFilter as MarksFilter
from photojobs.core.marks.filters import filter_clauses
from photojobs.core.marks.tags import tags_of
from photojobs.core.photos import KeepDecision, pending_clause


class PhotoFilter(StrEnum):
    ALL = "All photos"
    PENDING = "Pending deletion"
    KEPT = "Kept"
    JPG_ONLY = "JPG only"
    RAW_ONLY = "RAW only"
    BOTH = "RAW + JPG"
    MISSING_THUMBNAILS = "Missing thumbnails"


class SortOrder(StrEnum):
    DATE = "Date taken"
    NAME = "Name"
    RATING = "Rating"  # highest first, then by date taken
    LABEL = "Colour label"  # red, yellow, green, blue, purple, then unlabelled; then by date


@dataclass(frozen=True)
class PhotoRow:
    id: int
    base: str
    jpg: bool
    raw: bool
    other: bool
    keep_jpg: bool
    keep_raw: bool
    thumbnail_status: str
    preview_status: str
    date_taken: str | None
    thumbnail_error: str | None = None
    rating: int = 0
    flag: Flag = Flag.NONE
    label: ColorLabel = ColorLabel.NONE
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def pending(self) -> bool:
        return not keeps_everything(self.jpg, self.raw, self.keep_jpg, self.keep_raw)

    @property
    def kept(self) -> KeepDecision:
        return kept(self.jpg, self.raw, self.keep_jpg, self.keep_raw)

    @property
    def formats(self) -> str:
        if self.jpg and self.raw:
            return "RAW+JPG"
        return "JPG" if self.jpg else "RAW" if self.raw else "Other" if self.other else "—"

    @property
    def decision(self) -> str:
        """What the photographer decided, in words for the grid's badge; none while the
        photo keeps everything."""
        return SHORT_WORDS[self.kept] if self.pending else ""


def _filter_clause(f: PhotoFilter) -> ColumnElement[bool] | None:
    return {
        PhotoFilter.ALL: None,
        PhotoFilter.PENDING: pending_clause(),
        PhotoFilter.KEPT: not_(pending_clause()),
        PhotoFilter.JPG_ONLY: and_(Photo.jpg_available, ~Photo.raw_available),
        PhotoFilter.RAW_ONLY: and_(Photo.raw_available, ~Photo.jpg_available),
        PhotoFilter.BOTH: and_(Photo.jpg_available, Photo.raw_available),
        PhotoFilter.MISSING_THUMBNAILS: Photo.thumbnail_status != "generated",
    }[f]


def photo_total(db: Database, project_id: str) -> int:
    """Every photo of the project, whatever the filter hides."""
    with db.read() as s:
        query = select(func.count(Photo.id)).where(Photo.project_id == project_id)
        return int(s.scalar(query) or 0)


def photo_ids(
    db: Database,
    project_id: str,
    f: PhotoFilter,
    order: SortOrder,
    marks: MarksFilter | None = None,
) -> list[int]:
    """Ids in grid order; names in natural order (SLOW_2 before SLOW_10), undated last.
    `marks` adds rating, flag, label, tag, camera and lens to the decision/format filter.

    SQLite does all of it, names included (`natural_name`): it sorts with the GIL released,
    and the ids come one int per row with no row object kept. A sort in Python and 100k
    row objects (which woke the garbage collector) held the GIL for up to 0.6 s at 100k
    photos: the GUI thread stood still meanwhile."""
    query = select(Photo.id).where(Photo.project_id == project_id)
    clause = _filter_clause(f)
    if clause is not None:
        query = query.where(clause)
    if marks is not None:
        query = query.where(*filter_clauses(marks))
    query = query.order_by(*_groups(order), Photo.natural_name)
    with db.read() as s:
        return first_column(s, query)


def _groups(order: SortOrder) -> tuple[Any, ...]:  # column expressions
    """What the order sorts by before the name (nothing: by name alone)."""
    by_date = (Photo.date_taken.is_(None), Photo.date_taken)  # undated last
    if order is SortOrder.NAME:
        return ()
    if order is SortOrder.RATING:
        return (-func.coalesce(Photo.rating, 0), *by_date)  # highest first
    if order is SortOrder.LABEL:
        label = case(_LABEL_ORDER, value=Photo.color_label, else_=len(_LABEL_ORDER))
        return (label, *by_date)
    return by_date


_LABEL_ORDER = {c.value: i for i, c in enumerate(c for c in ColorLabel if c is not ColorLabel.NONE)}


_COLUMNS = (
    Photo.id,
    Photo.base,
    Photo.jpg_available,
    Photo.raw_available,
    Photo.other_available,
    Photo.keep_jpg,
    Photo.keep_raw,
    Photo.thumbnail_status,
    Photo.preview_status,
    Photo.date_taken,
    Photo.thumbnail_error,
    Photo.rating,
    Photo.flag,
    Photo.color_label,
)


def load_rows(db: Database, ids: Sequence[int]) -> dict[int, PhotoRow]:
    """A page of rows with their marks and tags (two indexed reads)."""
    with db.read() as s:
        rows = s.execute(select(*_COLUMNS).where(Photo.id.in_(list(ids)))).all()
        tags = tags_of(s, [r.id for r in rows])
    return {r.id: _photo_row(r, tags.get(r.id, frozenset())) for r in rows}


def _photo_row(r: Any, tags: frozenset[str]) -> PhotoRow:
    return PhotoRow(
        r.id,
        r.base,
        r.jpg_available,
        r.raw_available,
        r.other_available,
        r.keep_jpg,
        r.keep_raw,
        r.thumbnail_status,
        r.preview_status,
        r.date_taken,
        r.thumbnail_error,
        r.rating,
        Flag(r.flag),
        ColorLabel(r.color_label),
        tags,
    )
