"""Keywords in the library's `tags` table, linked to photos through `photo_tags`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from photojobs.core.db.models import Photo, PhotoTag, Tag

IN_LIMIT = 10_000  # ids in one IN (...): well under SQLite's limit on bound variables


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    return (ids[i : i + IN_LIMIT] for i in range(0, len(ids), IN_LIMIT))


def tags_of(session: Session, photo_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """photo id -> its tags; photos without tags are left out."""
    found: dict[int, set[str]] = {}
    for chunk in _chunks(list(photo_ids)):
        query = (
            select(PhotoTag.photo_id, Tag.name)
            .join(Tag, Tag.id == PhotoTag.tag_id)
            .where(PhotoTag.photo_id.in_(chunk))
        )
        for photo_id, name in session.execute(query):
            found.setdefault(photo_id, set()).add(name)
    return {i: frozenset(names) for i, names in found.items()}


def tag_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    """name -> id, creating the tags the library does not know yet."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    known = dict(session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(wanted))).all())
    for name in wanted:
        if name not in known:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
            known[name] = tag.id
    return known


def replace_tags(session: Session, photo_id: int, old: frozenset[str], new: frozenset[str]) -> None:
    """Link and unlink one photo's tags so that it holds exactly `new`."""
    if old == new:
        return
    gone = tag_ids(session, old - new)
    if gone:
        session.execute(
            delete(PhotoTag).where(
                PhotoTag.photo_id == photo_id, PhotoTag.tag_id.in_(list(gone.values()))
            )
        )
    added = tag_ids(session, new - old)
    if added:
        session.execute(
            insert(PhotoTag), [{"photo_id": photo_id, "tag_id": t} for t in added.values()]
        )


def project_tags(session: Session, project_id: str) -> list[tuple[str, int]]:
    """The project's tags with how many photos hold each, by name: the tags panel."""
    query = (
        select(Tag.name, func.count(PhotoTag.photo_id))
        .join(PhotoTag, PhotoTag.tag_id == Tag.id)
        .join(Photo, Photo.id == PhotoTag.photo_id)
        .where(Photo.project_id == project_id)
        .group_by(Tag.name)
        .order_by(Tag.name)
    )
    return [(name, int(n)) for name, n in session.execute(query)]


def library_tags(session: Session, prefix: str = "", limit: int = 50) -> list[str]:
    """Every tag name in the library starting with `prefix`: completion while typing."""
    query = select(Tag.name).order_by(Tag.name).limit(limit)
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Tag.name.like(escaped + "%", escape="\\"))
    return list(session.scalars(query))
