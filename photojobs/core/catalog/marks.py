"""The tags, cameras, lenses and days a project offers to filter by, and tag counts."""

from __future__ import annotations

from dataclasses import dataclass

from photojobs.core.db import Database
from photojobs.core.marks.filters import cameras, days, lenses
from photojobs.core.marks.tags import library_tags, project_tags


@dataclass(frozen=True)
class TagCount:
    name: str
    photos: int


@dataclass(frozen=True)
class FilterChoices:
    """What the grid's filter row offers for one project; each list sorted."""

    tags: tuple[str, ...] = ()
    cameras: tuple[str, ...] = ()
    lenses: tuple[str, ...] = ()
    days: tuple[str, ...] = ()  # "2023-06-15", oldest first


def tag_counts(db: Database, project_id: str) -> list[TagCount]:
    """The project's tags with how many of its photos hold each, by name."""
    with db.read() as s:
        return [TagCount(name, n) for name, n in project_tags(s, project_id)]


def tag_completions(db: Database, prefix: str = "", limit: int = 50) -> list[str]:
    """Tag names of the whole library starting with `prefix`, for completion."""
    with db.read() as s:
        return library_tags(s, prefix, limit)


def filter_choices(db: Database, project_id: str) -> FilterChoices:
    """Short indexed reads, one session."""
    with db.read() as s:
        return FilterChoices(
            tuple(name for name, _n in project_tags(s, project_id)),
            tuple(cameras(s, project_id)),
            tuple(lenses(s, project_id)),
            tuple(days(s, project_id)),
        )
