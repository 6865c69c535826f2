"""Finding photos by what a photographer combines: rating, flag, label, tag, camera, lens,
date range, pending. One query API for the GUI's filter bar and `photojobs-cli photos`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from photojobs.core.db.models import Photo, PhotoTag, Tag
from photojobs.core.marks.model import TAG_SEPARATOR, ColorLabel, Flag, MarkError
from photojobs.core.photos import PhotoRecord, iter_records, pending_clause


@dataclass(frozen=True)
class PhotoFilter:
    """Every field left None lets all photos through; the set fields all must hold."""

    min_rating: int | None = None
    flag: Flag | None = None
    label: ColorLabel | None = None
    tag: str | None = None  # also matches the tags nested under it: "Places" finds "Places|Paris"
    camera: str | None = None  # the model as recorded ("ILCE-7M3"), or "make model"
    lens: str | None = None
    date_from: str | None = None  # ISO date or date-time, inclusive
    date_to: str | None = None  # ISO date (the whole day counts) or date-time, inclusive
    pending_only: bool = False

    @property
    def active(self) -> bool:
        """Whether any filter is set (the GUI shows the set and one click clears it)."""
        return any(getattr(self, f.name) not in (None, False) for f in fields(self))

    def describe(self) -> list[str]:
        """The set filters as a person reads them: for the filter bar and an empty result."""
        out = []
        if self.min_rating is not None:
            out.append(f"rating ≥ {self.min_rating}")
        for name in ("flag", "label", "tag", "camera", "lens"):
            value = getattr(self, name)
            if value is not None:
                out.append(f"{name} {getattr(value, 'value', value)}")
        if self.date_from or self.date_to:
            out.append(f"taken {self.date_from or '…'} to {self.date_to or '…'}")
        if self.pending_only:
            out.append("pending deletion")
        return out


def parse_day(value: str, name: str = "date") -> str:
    """An ISO date ("2023-06-15") or date-time as the filters compare it; MarkError if not."""
    text = value.strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        raise MarkError(f"{name} must be a date such as 2023-06-15, not {value!r}") from None
    return text


def filter_clauses(f: PhotoFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of a filter, to combine with other queries of photos."""
    clauses: list[ColumnElement[bool]] = []
    if f.min_rating is not None:
        clauses.append(Photo.rating >= f.min_rating)
    if f.flag is not None:
        clauses.append(Photo.flag == f.flag.value)
    if f.label is not None:
        clauses.append(Photo.color_label == f.label.value)
    if f.tag is not None:
        under = f.tag + TAG_SEPARATOR
        tagged = (
            select(PhotoTag.photo_id)
            .join(Tag, Tag.id == PhotoTag.tag_id)
            .where(or_(Tag.name == f.tag, Tag.name.startswith(under, autoescape=True)))
        )
        clauses.append(Photo.id.in_(tagged))
    if f.camera is not None:
        clauses.append(
            or_(
                Photo.camera_model == f.camera,
                (Photo.camera_make + " " + Photo.camera_model) == f.camera,
            )
        )
    if f.lens is not None:
        clauses.append(Photo.lens == f.lens)
    if f.date_from is not None:
        clauses.append(Photo.date_taken >= f.date_from)
    if f.date_to is not None:
        # A bare date means the whole day: every date-time of that day sorts below "~".
        end = f.date_to + "~" if len(f.date_to) == 10 else f.date_to
        clauses.append(and_(Photo.date_taken.is_not(None), Photo.date_taken <= end))
    if f.pending_only:
        clauses.append(pending_clause())
    return clauses


def find_photos(session: Session, project_id: str, f: PhotoFilter) -> list[PhotoRecord]:
    """The project's photos that pass the filter, in natural order, with their tags."""
    return list(iter_photos(session, project_id, f))


def iter_photos(session: Session, project_id: str, f: PhotoFilter) -> Iterator[PhotoRecord]:
    """`find_photos` a batch of rows at a time, for a listing written as it is read."""
    return iter_records(session, [Photo.project_id == project_id, *filter_clauses(f)])


def cameras(session: Session, project_id: str) -> list[str]:
    """The camera models met in a project: the choices of the camera filter."""
    query = (
        select(Photo.camera_model)
        .where(Photo.project_id == project_id, Photo.camera_model.is_not(None))
        .distinct()
        .order_by(Photo.camera_model)
    )
    return [m for m in session.scalars(query) if m]


def days(session: Session, project_id: str) -> list[str]:
    """The days photos were taken on ("2023-06-15"), oldest first: the date range choices."""
    day = func.substr(Photo.date_taken, 1, 10)
    query = (
        select(day)
        .where(Photo.project_id == project_id, Photo.date_taken.is_not(None))
        .distinct()
        .order_by(day)
    )
    return [d for d in session.scalars(query) if d and len(d) == 10]


def lenses(session: Session, project_id: str) -> list[str]:
    query = (
        select(Photo.lens)
        .where(Photo.project_id == project_id, Photo.lens.is_not(None))
        .distinct()
        .order_by(Photo.lens)
    )
    return [m for m in session.scalars(query) if m]
