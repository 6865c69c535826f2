"""Setting marks on photos: written at once, each change reported as before/after per
photo so the GUI can record it as one undo step, as `decide` does for keep flags.

Every change stamps `marked_at` and asks for a sidecar write in the same transaction
(core/xmp/queue.py), so the database stays the truth and the sidecar follows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from photojobs.core.db.models import Photo
from photojobs.core.marks.model import ColorLabel, Flag, Marks, parse_tag
from photojobs.core.marks.tags import IN_LIMIT, replace_tags, tags_of
from photojobs.core.xmp.queue import request_sidecar_sync

KeepFlags = tuple[bool, bool]  # (keep JPG, keep RAW), as core/decision_history.py


@dataclass(frozen=True)
class MarksChange:
    """What one action did: marks before and after, for the photos that changed only."""

    before: dict[int, Marks] = field(default_factory=dict)
    after: dict[int, Marks] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # one line per photo refused

    @property
    def photo_ids(self) -> list[int]:
        return list(self.before)


def marks_of_row(row: Photo, tags: frozenset[str] = frozenset()) -> Marks:
    return Marks(row.rating, Flag(row.flag), ColorLabel(row.color_label), tags)


def marks_of(session: Session, photo_ids: Iterable[int]) -> dict[int, Marks]:
    """photo id -> its marks."""
    ids = list(photo_ids)
    tags = tags_of(session, ids)
    found = {}
    for start in range(0, len(ids), IN_LIMIT):
        chunk = ids[start : start + IN_LIMIT]
        for row in session.scalars(select(Photo).where(Photo.id.in_(chunk))):
            found[row.id] = marks_of_row(row, tags.get(row.id, frozenset()))
    return found


def write_marks(session: Session, row: Photo, old: Marks, new: Marks, now: float) -> None:
    """Put `new` on one row (whose marks are `old`) and stamp when it changed."""
    row.rating, row.flag, row.color_label = new.rating, new.flag.value, new.label.value
    replace_tags(session, row.id, old.tags, new.tags)
    row.marked_at = now


def change_marks(
    session: Session,
    project_id: str,
    bases: Sequence[str],
    change: Callable[[Marks], Marks],
    now: float | None = None,
) -> MarksChange:
    """Apply `change` to each photo named; unknown names are refused, the rest go on."""
    now = time.time() if now is None else now
    rows: dict[str, Photo] = {}
    wanted = list(dict.fromkeys(bases))
    for start in range(0, len(wanted), IN_LIMIT):
        query = select(Photo).where(
            Photo.project_id == project_id, Photo.base.in_(wanted[start : start + IN_LIMIT])
        )
        rows.update((r.base, r) for r in session.scalars(query))
    tags = tags_of(session, [r.id for r in rows.values()])
    result = MarksChange(
        errors=[f"{b}: no such photo in this project" for b in wanted if b not in rows]
    )
    for base in wanted:
        row = rows.get(base)
        if row is None:
            continue
        old = marks_of_row(row, tags.get(row.id, frozenset()))
        new = change(old)
        if new != old:
            write_marks(session, row, old, new, now)
            result.before[row.id], result.after[row.id] = old, new
    if result.before:
        request_sidecar_sync(session, project_id, now=now)
    return result


def set_rating(session: Session, project_id: str, bases: Sequence[str], rating: int) -> MarksChange:
    return change_marks(session, project_id, bases, lambda m: replace(m, rating=rating))


def set_flag(session: Session, project_id: str, bases: Sequence[str], flag: Flag) -> MarksChange:
    return change_marks(session, project_id, bases, lambda m: replace(m, flag=flag))


def set_label(
    session: Session, project_id: str, bases: Sequence[str], label: ColorLabel
) -> MarksChange:
    return change_marks(session, project_id, bases, lambda m: replace(m, label=label))


def change_tags(
    session: Session,
    project_id: str,
    bases: Sequence[str],
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> MarksChange:
    """Add and remove keywords (checked by `parse_tag`, so MarkError on a bad one)."""
    plus = frozenset(parse_tag(t) for t in add)
    minus = frozenset(parse_tag(t) for t in remove)
    return change_marks(
        session, project_id, bases, lambda m: replace(m, tags=(m.tags | plus) - minus)
    )


def put_marks(session: Session, project_id: str, marks: dict[int, Marks]) -> list[int]:
    """Set marks back as an undo or redo remembers them; returns the photos that changed."""
    ids = list(marks)
    current = marks_of(session, ids)
    now, changed = time.time(), []
    for start in range(0, len(ids), IN_LIMIT):
        query = select(Photo).where(
            Photo.project_id == project_id, Photo.id.in_(ids[start : start + IN_LIMIT])
        )
        for row in session.scalars(query):
            if current[row.id] != marks[row.id]:
                write_marks(session, row, current[row.id], marks[row.id], now)
                changed.append(row.id)
    if changed:
        request_sidecar_sync(session, project_id, now=now)
    return changed


def discard_rejected(
    session: Session, project_id: str
) -> tuple[dict[int, KeepFlags], dict[int, KeepFlags]]:
    """Every rejected photo with a JPG or RAW becomes "keep neither", to be committed as
    usual: how a reject becomes space on disk. Returns keep flags before and after, for
    the photos that changed, ready for a `DecisionStep`."""
    query = select(Photo).where(*_rejected_with_files(project_id))
    before, after = {}, {}
    now = time.time()
    for row in session.scalars(query):
        if row.keep_jpg or row.keep_raw:
            before[row.id] = (row.keep_jpg, row.keep_raw)
            row.keep_jpg = row.keep_raw = False
            row.updated_at = now
            after[row.id] = (False, False)
    return before, after


def rejected_to_discard(session: Session, project_id: str) -> int:
    """How many photos `discard_rejected` would change: what its question says."""
    query = select(func.count(Photo.id)).where(
        *_rejected_with_files(project_id), Photo.keep_jpg | Photo.keep_raw
    )
    return int(session.scalar(query) or 0)


def _rejected_with_files(project_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        Photo.project_id == project_id,
        Photo.flag == Flag.REJECT.value,
        Photo.jpg_available | Photo.raw_available,
    )
